"""``telephony.twiml.render`` writes exactly the bytes twilio's own ``str(response)`` does (issue 13 item 1)."""

from hypothesis import given
from hypothesis import strategies as st
from twilio.twiml import GenericNode
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

from telephony.twiml import apology, key_menu, render, say, transcribe

# Text with everything XML escapes (in text and in attributes), Chinese, and the empty string.
TEXTS = st.text(alphabet=st.sampled_from(list("aZ09 &<>\"'\r\n\t=/?#您好。")), max_size=12)
NAMES = st.sampled_from(["Say", "Play", "Gather", "Dial", "Client", "Redirect", "Hangup", "Parameter"])
ATTRIBUTES = st.dictionaries(
    st.sampled_from(["action", "method", "timeout", "num_digits", "play_beep", "language", "from_", "xml_lang"]),
    st.one_of(TEXTS, st.booleans(), st.integers(-5, 500), st.none()),
    max_size=4,
)
VALUES = st.one_of(st.none(), TEXTS, st.dictionaries(TEXTS, TEXTS, max_size=2))


def _node(children):
    return st.builds(
        lambda name, value, attributes, verbs: _nested(GenericNode(name, value, **attributes), verbs),
        NAMES,
        VALUES,
        ATTRIBUTES,
        st.lists(st.one_of(TEXTS, children), max_size=3),
    )


def _nested(node, verbs):
    for verb in verbs:
        node.nest(verb)
    return node


TREES = st.recursive(st.builds(GenericNode, NAMES, VALUES), _node, max_leaves=8)


@given(st.lists(st.one_of(TEXTS, TREES), max_size=4))
def test_any_document_is_rendered_as_twilio_renders_it(verbs):
    response = _nested(VoiceResponse(), verbs)
    assert render(response) == str(response)


def test_the_call_flows_shapes_are_rendered_as_twilio_renders_them():
    menu = VoiceResponse()
    say(menu, "您好，某某证券浦东营业部！")
    key_menu(menu, "/twilio/voice/menu?attempt=0&x=1", lambda gather: say(gather, "请按1", "en-GB"))
    dialled = VoiceResponse()
    transcribe(dialled, "http://localhost/twilio/calls/transcription-events")
    dial = dialled.dial(action="/twilio/voice/dial-result", timeout=20, record="record-from-answer-dual")
    client = dial.client()
    client.identity("agent-A001")
    client.parameter(name="customer_id", value="")
    recording = VoiceResponse()
    recording.record(action="/x", max_length=120, finish_on_key="#", play_beep=True)
    recording.hangup()
    for response in (menu, dialled, recording, apology(), VoiceResponse(), MessagingResponse()):
        assert render(response) == str(response)


def test_a_lone_surrogate_becomes_a_character_reference_as_in_twilios_output():
    response = VoiceResponse()
    say(response, "a\ud800b")
    assert render(response) == str(response)
    assert "&#55296;" in render(response)


def test_text_already_rendered_is_passed_through():
    assert render('<?xml version="1.0" encoding="UTF-8"?><Response />') == (
        '<?xml version="1.0" encoding="UTF-8"?><Response />'
    )
