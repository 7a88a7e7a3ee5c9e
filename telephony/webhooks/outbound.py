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
from twilio.twiml.voice_response import VoiceResponse

from crm.core.phones import try_normalise_phone
from crm.extensions import db
from crm.services.calls import outbound_calls
from telephony.blueprint import twilio_blueprint
from telephony.security import twilio_webhook
from telephony.twiml import say, transcribe
from telephony.urls import public_url

NOT_AN_AGENT = "对不起，无法识别您的坐席身份，请重新登录后再拨。"
NOT_A_NUMBER = "对不起，您拨打的号码有误，请核对后再拨。"
NOT_ALLOWED = "对不起，该号码不在允许拨打的范围内，国际及声讯号码不能拨打。如需拨打，请联系主管。"
# What the agent hears when the customer's phone did not connect.
DIAL_ENDINGS = {"busy": "对方正忙，请稍后再拨。", "no-answer": "对方无人接听。", "failed": "呼叫失败，请稍后再拨。"}


@twilio_blueprint.post("/voice/outbound")
@twilio_webhook("outbound")
def outbound():
    form = request.form
    response = VoiceResponse()
    agent = outbound_calls.agent_by_client(db.session, form.get("From"))
    if agent is None:
        return _ended(response, NOT_AN_AGENT)
    config = current_app.config
    number, refused = _dialled(form, agent)
    refused = refused or (
        number and outbound_calls.dial_refusal(db.session, agent, number, config["DIAL_ALLOWED_PREFIXES"])
    )
    caller_id = config["TWILIO_CALLER_ID"]
    outbound_calls.start_browser_call(db.session, form.get("CallSid", ""), agent, number, caller_id, refused)
    if number is None and not refused:
        return _ended(response, NOT_A_NUMBER)
    if refused:
        current_app.logger.warning("browser call by agent %s refused: %s", agent.job_no, refused)
        return _ended(response, NOT_ALLOWED)
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


def _ended(response, text):
    """The agent hears ``text`` and the call ends."""
    say(response, text)
    response.hangup()
    return response


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
        say(response, DIAL_ENDINGS[status])
    response.hangup()
    return response
