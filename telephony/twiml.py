"""TwiML building blocks shared by the call flows (always ``VoiceResponse``, never string templates)."""

import json

from flask import Response
from twilio.twiml.voice_response import VoiceResponse

LANGUAGE = "zh-CN"
# Polly's Mandarin voice; Twilio falls back to its default zh-CN voice where it is not enabled.
VOICE = "Polly.Zhiyu"
# How each language a script may be written in is spoken: Twilio's language code and a voice for it, keyed by
# the primary tag of ``Script.language`` ("en", "en-US", "en-GB" → English). Anything else is Mandarin.
SPOKEN = {
    "zh": (LANGUAGE, VOICE),
    "en": ("en-US", "Polly.Joanna"),
}
APOLOGY = "对不起，系统暂时无法处理您的来电，请稍后再拨。感谢您的来电，再见！"
# Seconds of silence after which Twilio stops waiting: for keys in a <Gather>, for more speech in a <Record>.
SILENCE_SECONDS = 6
ONE_KEY = {"num_digits": 1}
# The name of the real-time transcription every agent call runs (one per call).
TRANSCRIPTION_NAME = "agent-call"


def spoken(language=None):
    """``(language code, voice)`` Twilio speaks a text written in ``language`` with (zh-CN by default)."""
    primary = (language or "").split("-")[0].split("_")[0].lower()
    return SPOKEN.get(primary, SPOKEN["zh"])


def say(node, text, language=None):
    """Speak ``text`` on ``node`` (a VoiceResponse or a Gather) in ``language`` (a script's; zh-CN if none)."""
    code, voice = spoken(language)
    node.say(str(text), language=code, voice=voice)  # a lazy text is rendered now, in the language in force


def play_or_say(node, text, audio_url=None, language=None):
    """The recording when there is one, else the text spoken in its language (DOMAIN §6)."""
    if audio_url:
        node.play(audio_url)
    else:
        say(node, text, language)


def key_menu(response, target, prompt, keys=ONE_KEY):
    """The one way we ask for keys: ``prompt(gather)`` adds what is heard inside a ``<Gather>`` that posts
    the keys to ``target``, then a ``<Redirect>`` to ``target``, so silence comes back to the same step
    without digits and that step decides whether to ask again. ``keys``: one key, or e.g.
    ``{"finish_on_key": "#"}`` for a number ended by ``#``."""
    gather = response.gather(action=target, method="POST", timeout=SILENCE_SECONDS, **keys)
    prompt(gather)
    response.redirect(target, method="POST")
    return response


def transcribe(response, callback_url):
    """``<Start><Transcription>`` of both sides of the call in zh-CN, final results posted to
    ``callback_url`` (absolute: Twilio does not resolve it against the document's URL)."""
    response.start().transcription(
        name=TRANSCRIPTION_NAME,
        status_callback_url=callback_url,
        track="both_tracks",
        language_code=LANGUAGE,
        partial_results=False,
    )


def twiml_response(voice_response):
    return Response(render(voice_response), mimetype="text/xml")


DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
# ElementTree's escaping: of text, and of attribute values.
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}
)


def render(twiml):
    """The document of a TwiML builder (``VoiceResponse``, ``MessagingResponse``), byte for byte what
    ``str(twiml)`` gives; text is passed through (an answer rendered already).

    ``str`` turns the builder's nodes into ElementTree elements and serialises those, which cost a
    webhook about as much as building its TwiML; this writes the nodes as they are, with the same
    attribute order, escaping, empty elements (``<Hangup />``) and UTF-8 encoding."""
    if isinstance(twiml, str):
        return twiml
    parts = [DECLARATION]
    _write(parts, twiml)
    return "".join(parts).encode("utf-8", "xmlcharrefreplace").decode("utf-8")


def _write(parts, node):
    """``node`` as ``TwiML.xml()`` builds it: sorted attributes (booleans lower-case), its value as text
    (a dict as JSON), then its verbs — a string verb replaces the text before the first child, else the tail
    of the child before it."""
    parts.append("<" + node.name)
    for name in sorted(node.attrs):
        value = node.attrs[name]
        value = str(value).lower() if isinstance(value, bool) else str(value)
        parts.append(f' {name}="{value.translate(_ATTRIBUTE)}"')
    text = (json.dumps(node.value) if isinstance(node.value, dict) else node.value) if node.value else None
    children = []
    for verb in node.verbs:
        if isinstance(verb, str):
            if children:
                children[-1][1] = verb
            else:
                text = verb
        else:
            children.append([verb, None])
    if not text and not children:
        parts.append(" />")
        return
    parts.append(">")
    if text:
        parts.append(text.translate(_TEXT))
    for child, tail in children:
        _write(parts, child)
        if tail:
            parts.append(tail.translate(_TEXT))
    parts.append(f"</{node.name}>")


def apology():
    """What a caller hears when something went wrong on our side: a polite apology and hang-up."""
    response = VoiceResponse()
    say(response, APOLOGY)
    response.hangup()
    return response
