"""Browser-placed calls: the TwiML app's voice URL (issue 5 §6, click-to-call).

Twilio posts ``From=client:agent-<job no>`` and ``To=<the number typed or clicked>``. We dial the
number with the centre's caller ID, record both channels from answer, and log the call.
"""

from flask import current_app, request, url_for
from twilio.twiml.voice_response import VoiceResponse

from crm.core.phones import try_normalise_phone
from crm.extensions import db
from crm.services.calls import outbound_calls
from telephony.blueprint import twilio_blueprint
from telephony.security import twilio_webhook
from telephony.twiml import say

NOT_AN_AGENT = "对不起，无法识别您的坐席身份，请重新登录后再拨。"
NOT_A_NUMBER = "对不起，您拨打的号码有误，请核对后再拨。"
# What the agent hears when the customer's phone did not connect.
DIAL_ENDINGS = {"busy": "对方正忙，请稍后再拨。", "no-answer": "对方无人接听。", "failed": "呼叫失败，请稍后再拨。"}


@twilio_blueprint.post("/voice/outbound")
@twilio_webhook("outbound")
def outbound():
    form = request.form
    response = VoiceResponse()
    agent = outbound_calls.agent_by_client(db.session, form.get("From"))
    if agent is None:
        say(response, NOT_AN_AGENT)
        response.hangup()
        return response
    number = try_normalise_phone(form.get("To"))
    caller_id = current_app.config["TWILIO_CALLER_ID"]
    outbound_calls.start_browser_call(db.session, form.get("CallSid", ""), agent, number, caller_id)
    if number is None:
        say(response, NOT_A_NUMBER)
        response.hangup()
        return response
    dial = response.dial(
        caller_id=caller_id,
        record="record-from-answer-dual",
        action=url_for("twilio.outbound_dialled"),
        recording_status_callback=url_for("twilio.recording"),
    )
    dial.number(number)
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
