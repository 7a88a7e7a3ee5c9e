"""Browser-placed calls: the TwiML app's voice URL (issue 5 §6, click-to-call).

Twilio posts ``From=client:agent-<job no>`` and ``To=<the number typed>``, or ``customer_id=<id>`` for
click-to-call on the desk (the browser never holds the unmasked number: it is resolved here, and only
for a customer the agent may see). We dial the
number with the centre's caller ID, record both channels from answer, transcribe the call as it goes
(``<Start><Transcription>``, for the QA checks) and log the call. A number the
agent may not dial (``outbound_calls.dial_refusal``: premium rate, international, not a customer's) is
refused aloud and logged.
"""

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from twilio.twiml.voice_response import VoiceResponse

from crm.core.phones import try_normalise_phone
from crm.extensions import db
from crm.i18n import DEFAULT_LANGUAGE, in_language
from crm.services.calls import outbound_calls
from telephony.blueprint import twilio_blueprint
from telephony.security import twilio_webhook
from telephony.twiml import say, transcribe
from telephony.urls import public_url

# What the agent hears, in their own language (``staff.language``; Chinese when they are not known).
NOT_AN_AGENT = _l("Sorry, your agent identity was not recognised; please sign in again and call again.")
NOT_A_NUMBER = _l("Sorry, the number you dialled is wrong; please check it and call again.")
NOT_ALLOWED = _l(
    "Sorry, this number is not one you may dial: international and premium-rate numbers cannot be called. "
    "Ask a supervisor if you need to."
)
# What the agent hears when the customer's phone did not connect.
DIAL_ENDINGS = {
    "busy": _l("The line is busy; please call again later."),
    "no-answer": _l("Nobody answered."),
    "failed": _l("The call failed; please call again later."),
}


@twilio_blueprint.post("/voice/outbound")
@twilio_webhook("outbound")
def outbound():
    form = request.form
    response = VoiceResponse()
    agent = outbound_calls.agent_by_client(db.session, form.get("From"))
    if agent is None:
        return _ended(response, NOT_AN_AGENT, None)
    config = current_app.config
    number, refused = _dialled(form, agent)
    refused = refused or (
        number and outbound_calls.dial_refusal(db.session, agent, number, config["DIAL_ALLOWED_PREFIXES"])
    )
    caller_id = config["TWILIO_CALLER_ID"]
    outbound_calls.start_browser_call(db.session, form.get("CallSid", ""), agent, number, caller_id, refused)
    if number is None and not refused:
        return _ended(response, NOT_A_NUMBER, agent.language)
    if refused:
        current_app.logger.warning("browser call by agent %s refused: %s", agent.job_no, refused)
        return _ended(response, NOT_ALLOWED, agent.language)
    transcribe(response, public_url("twilio.transcription_events"))
    dial = response.dial(
        caller_id=caller_id,
        record="record-from-answer-dual",
        action=url_for("twilio.outbound_dialled"),
        recording_status_callback=url_for("twilio.recording"),
    )
    dial.number(number)
    return response


def _dialled(form, agent):
    """``(E.164 number or None, refusal or None)``: the typed number, or the clicked customer's phone."""
    customer_id = form.get("customer_id", "").strip()
    if not customer_id:
        return try_normalise_phone(form.get("To")), None
    number = customer_id.isdigit() and outbound_calls.customer_number(db.session, agent, int(customer_id))
    return (number, None) if number else (None, "not_allowed")


def _ended(response, text, language):
    """The agent hears ``text`` in ``language`` and the call ends."""
    _say_in(response, text, language)
    response.hangup()
    return response


def _say_in(response, text, language):
    language = language or DEFAULT_LANGUAGE
    with in_language(language):
        say(response, str(text), language)


@twilio_blueprint.post("/voice/outbound/dialled")
@twilio_webhook("outbound-dialled")
def outbound_dialled():
    form = request.form
    status = form.get("DialCallStatus", "failed")
    outbound_calls.record_dial_result(
        db.session, form.get("CallSid", ""), status, talk_seconds=form.get("DialCallDuration", 0, type=int)
    )
    response = VoiceResponse()
    if status in DIAL_ENDINGS:
        agent = outbound_calls.agent_by_client(db.session, form.get("From"))
        _say_in(response, DIAL_ENDINGS[status], agent.language if agent else None)
    response.hangup()
    return response
