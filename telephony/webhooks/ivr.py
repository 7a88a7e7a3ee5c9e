"""The inbound IVR — issue 5 §3. ``POST /twilio/voice/incoming`` is the numbers' voice URL.

greeting → menu (1 account service, 2 complaint line, 3 callback, 0 agent) → ring ready agents
of the branch one after the other (a VIP's own manager first) → voicemail. Out of hours: the
after-hours message and voicemail. One small view per step; the decisions are in
``crm.services.calls.ivr``, the call log in ``crm.services.calls.call_log``.
"""

from flask import request, url_for
from twilio.twiml.voice_response import VoiceResponse

from crm.core.clock import now
from crm.extensions import db
from crm.services.calls import ivr
from telephony.blueprint import twilio_blueprint
from telephony.prompts import greet, speak
from telephony.security import twilio_webhook
from telephony.twiml import key_menu, render, transcribe
from telephony.urls import public_url
from telephony.webhooks.complaints import category_menu

VOICEMAIL_MAX_SECONDS = 120


def _sid():
    return request.form.get("CallSid", "")


def _attempt():
    return request.args.get("attempt", 0, type=int)


@twilio_blueprint.post("/voice/incoming")
@twilio_webhook("incoming", receipt_by_view=True)
def incoming(receipt_key):
    """The greeting and menu (or the after-hours voicemail), stored with the new call in one statement."""
    at, from_number, to_number = now(), request.form.get("From"), request.form.get("To")
    route = ivr.incoming_route(db.session, from_number, to_number, at)
    response = VoiceResponse()
    greet(response, route)
    if route.is_open:
        body = render(menu(response, route, attempt=0))
    else:
        speak(response, "after_hours", "after_hours", route)
        body = render(voicemail(response, route, "after_hours"))
    logged = ivr.log_incoming(db.session, route, _sid(), from_number, to_number, at, receipt_key, body)
    return body if logged is not None else None


@twilio_blueprint.post("/voice/menu")
@twilio_webhook("menu")
def menu_choice():
    route = ivr.route_of(db.session, _sid())
    digits, attempt = request.form.get("Digits"), _attempt()
    action = ivr.menu_choice(digits, attempt)
    ivr.choose(db.session, route, digits, action)
    return MENU_ACTIONS[action](route, attempt)


def menu(response, route, attempt):
    """The menu inside a one-key ``<Gather>``; silence falls through to the menu step without digits."""
    target = url_for("twilio.menu_choice", attempt=attempt)
    return key_menu(response, target, lambda gather: speak(gather, "menu", "menu", route))


def _retry(route, attempt):
    response = VoiceResponse()
    speak(response, "menu", "menu_invalid", route)
    return menu(response, route, attempt + 1)


def _to_agents(route, attempt):
    return ring_next(VoiceResponse(), route, tried=(), first=True)


def _complaint(route, attempt):
    return category_menu(VoiceResponse(), route, attempt=0)


def _callback(route, attempt):
    ivr.book_callback(db.session, route)
    response = VoiceResponse()
    speak(response, "menu", "callback_booked", route)
    speak(response, "closing", "closing", route)
    response.hangup()
    return response


MENU_ACTIONS = {"agent": _to_agents, "complaint": _complaint, "callback": _callback, "retry": _retry}


def ring_next(response, route, tried, first=False):
    """``<Dial><Client>`` to the next ready agent, or voicemail when none is left.

    The agent's call is recorded from answer on both channels (the evidence a change agreed on the
    phone rests on, DOMAIN §1) and transcribed as it goes for the QA checks: the transcription starts
    before the first ring and runs to the end of the call, whichever agent takes it."""
    agent = ivr.next_agent(db.session, route, tried)
    if agent is None:
        return voicemail(response, route, "no_agent")
    ivr.ring(db.session, route, agent)
    speak(response, "waiting" if first else "long_wait", "waiting" if first else "long_wait", route)
    target = url_for("twilio.dial_result", agent_id=agent.id, tried=",".join(str(i) for i in (*tried, agent.id)))
    if first:
        transcribe(response, public_url("twilio.transcription_events"))
    dial = response.dial(
        action=target,
        method="POST",
        timeout=ivr.RING_TIMEOUT_SECONDS,
        record="record-from-answer-dual",
        recording_status_callback=url_for("twilio.recording"),
    )
    # The browser's incoming call carries the caller's CallSid (the row in ``calls``) and the customer the
    # IVR identified, as ``call.customParameters``: the screen pop needs no phone number.
    client = dial.client()
    client.identity(agent.softphone_identity)
    client.parameter(name="CallSid", value=route.call.sid)
    client.parameter(name="customer_id", value=str(route.customer.id) if route.customer is not None else "")
    return response


@twilio_blueprint.post("/voice/dial-result")
@twilio_webhook("dial-result")
def dial_result():
    route = ivr.route_of(db.session, _sid())
    agent_id = request.args.get("agent_id", type=int)
    tried = tuple(int(i) for i in request.args.get("tried", "").split(",") if i.isdigit())
    talked = ivr.dial_ended(
        db.session, route, agent_id, request.form.get("DialCallStatus"), request.form.get("DialCallDuration")
    )
    response = VoiceResponse()
    if talked or request.form.get("CallStatus") == "completed":  # served, or the caller hung up while waiting
        response.hangup()
        return response
    return ring_next(response, route, tried)


def voicemail(response, route, reason):
    """Ask for a message and ``<Record>`` it; the recording becomes an inquiry case."""
    speak(response, "voicemail", "voicemail_prompt", route)
    response.record(
        action=url_for("twilio.voicemail_saved", reason=reason),
        method="POST",
        max_length=VOICEMAIL_MAX_SECONDS,
        finish_on_key="#",
        play_beep=True,
    )
    speak(response, "closing", "closing", route)
    response.hangup()
    return response


@twilio_blueprint.post("/voice/voicemail")
@twilio_webhook("voicemail")
def voicemail_saved():
    route = ivr.route_of(db.session, _sid())
    ivr.take_voicemail(
        db.session,
        route,
        request.args.get("reason", "no_agent"),
        request.form.get("RecordingUrl", ""),
        request.form.get("RecordingSid"),
    )
    response = VoiceResponse()
    speak(response, "voicemail", "voicemail_saved", route)
    speak(response, "closing", "closing", route)
    response.hangup()
    return response
