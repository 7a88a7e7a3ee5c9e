"""TwiML building blocks shared by the call flows (always ``VoiceResponse``, never string templates)."""

from flask import Response
from twilio.twiml.voice_response import VoiceResponse

LANGUAGE = "zh-CN"
# Polly's Mandarin voice; Twilio falls back to its default zh-CN voice where it is not enabled.
VOICE = "Polly.Zhiyu"
APOLOGY = "对不起，系统暂时无法处理您的来电，请稍后再拨。感谢您的来电，再见！"


def say(node, text):
    """Speak ``text`` in zh-CN on ``node`` (a VoiceResponse or a Gather)."""
    node.say(text, language=LANGUAGE, voice=VOICE)


def play_or_say(node, text, audio_url=None):
    """The recording when there is one, else the text spoken (DOMAIN §6)."""
    if audio_url:
        node.play(audio_url)
    else:
        say(node, text)


def twiml_response(voice_response):
    return Response(str(voice_response), mimetype="text/xml")


def apology():
    """What a caller hears when something went wrong on our side: a polite apology and hang-up."""
    response = VoiceResponse()
    say(response, APOLOGY)
    response.hangup()
    return response
