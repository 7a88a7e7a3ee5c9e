"""The scripted callee walks a call through signed webhooks exactly as Twilio would."""

import time

import pytest
from flask import Flask, request
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

from telephony.standin import Callee, walk_call

TOKEN = "flow-token"


@pytest.fixture
def flow():
    """A tiny IVR on its own app: menu → 1 complaint recording · 2 an agent; it refuses unsigned requests."""
    app = Flask(__name__)
    app.config.update(TWILIO_AUTH_TOKEN=TOKEN, PUBLIC_BASE_URL="", TWILIO_ACCOUNT_SID="")
    app.received = []

    @app.before_request
    def check_signature():
        app.received.append((request.path, request.form.to_dict()))
        signature = request.headers.get("X-Twilio-Signature", "")
        if not RequestValidator(TOKEN).validate(request.url, request.form.to_dict(), signature):
            return "forbidden", 403

    @app.post("/voice")
    def voice():
        response = VoiceResponse()
        gather = response.gather(num_digits=1, action="/menu")
        gather.say("投诉请按1，人工服务请按2")
        response.say("再见")
        response.hangup()
        return str(response)

    @app.post("/menu")
    def menu():
        response = VoiceResponse()
        if request.form["Digits"] == "1":
            response.say("请在提示音后留言")
            response.record(action="/recorded", transcribe_callback="/transcribed")
        else:
            response.dial(action="/dialled").client("agent-9001")
        return str(response)

    @app.post("/recorded")
    def recorded():
        response = VoiceResponse()
        response.say(f"已收到{request.form['RecordingDuration']}秒留言")
        return str(response)

    @app.post("/transcribed")
    def transcribed():
        return ""

    @app.post("/dialled")
    def dialled():
        response = VoiceResponse()
        response.say(f"通话结果 {request.form['DialCallStatus']}")
        return str(response)

    @app.post("/status")
    def status():
        return ""

    return app


def received(app, path):
    return [params for seen, params in app.received if seen == path]


def walk(app, **script):
    machine = script.pop("machine_detection", None)
    return walk_call(
        app,
        from_="+8613800138000",
        to="+862161234567",
        url="/voice",
        callee=Callee(**script),
        status_callback="/status",
        machine_detection=machine,
    )


def test_pressing_1_records_a_complaint_that_is_transcribed(flow):
    transcript = walk(flow, keys=("1",), record_text="营业部服务态度很差")

    assert transcript.heard == ["投诉请按1，人工服务请按2", "请在提示音后留言", "已收到3秒留言"]
    assert transcript.keys == ["1"]
    [recorded] = received(flow, "/recorded")
    assert recorded["RecordingSid"] == transcript.recordings[0]
    [transcribed] = received(flow, "/transcribed")
    assert transcribed["TranscriptionText"] == "营业部服务态度很差"
    [status] = received(flow, "/status")
    assert status["CallStatus"] == "completed"
    assert int(status["CallDuration"]) == transcript.duration > 0
    assert status["CallSid"] == recorded["CallSid"] == transcript.call_sid


def test_every_request_carries_twilios_call_parameters(flow):
    walk(flow, keys=("2",))

    [first] = received(flow, "/voice")
    assert first["From"] == "+8613800138000" and first["To"] == "+862161234567"
    assert first["Direction"] == "inbound" and first["CallStatus"] == "ringing"
    assert first["AccountSid"].startswith("AC")


def test_pressing_2_rings_the_agent_and_reports_the_dial_outcome(flow):
    answered = walk(flow, keys=("2",), agent_answers=True)
    unanswered = walk(flow, keys=("2",), agent_answers=False)

    assert answered.dials == [("client:agent-9001", "completed")]
    assert answered.heard[-1] == "通话结果 completed"
    assert unanswered.dials == [("client:agent-9001", "no-answer")]
    assert unanswered.heard[-1] == "通话结果 no-answer"


def test_a_silent_caller_times_out_of_the_gather_and_hears_the_next_verb(flow):
    transcript = walk(flow)

    assert transcript.heard == ["投诉请按1，人工服务请按2", "再见"]
    assert received(flow, "/menu") == []


def test_a_caller_who_hangs_up_after_the_first_prompt_presses_nothing(flow):
    transcript = walk(flow, keys=("1",), hangup_after=1)

    assert transcript.heard == ["投诉请按1，人工服务请按2"]
    assert received(flow, "/menu") == []
    assert received(flow, "/status")[0]["CallStatus"] == "completed"


@pytest.mark.parametrize("answer", ["busy", "no-answer", "failed"])
def test_an_unanswered_call_only_reports_its_status(flow, answer):
    transcript = walk(flow, answer=answer)

    assert transcript.status == answer
    assert received(flow, "/voice") == []
    [status] = received(flow, "/status")
    assert (status["CallStatus"], status["CallDuration"]) == (answer, "0")


def test_an_answering_machine_is_reported_when_detection_was_asked_for(flow):
    machine = walk(flow, answer="machine", keys=("1",), machine_detection="Enable")
    human = walk(flow, machine_detection="Enable")
    assert human.answered_by == "human"

    voice = received(flow, "/voice")
    assert [params["AnsweredBy"] for params in voice] == ["machine_start", "human"]
    assert machine.keys == []


def test_a_request_signed_with_another_token_gets_an_application_error(flow):
    flow.config["TWILIO_AUTH_TOKEN"] = "not-the-token"

    transcript = walk(flow, keys=("1",))

    assert transcript.heard == ["[application error: HTTP 403]"]
    assert transcript.errors[0] == ("/voice", 403)


def test_a_call_placed_through_the_rest_standin_is_walked_to_its_callee(twilio_stub):
    twilio_stub.callee("+8613800138000", keys=("1",))
    sid = twilio_stub.client.rest.calls.create(
        to="+8613800138000",
        from_="+862161234567",
        twiml="<Response><Gather numDigits='1'><Say>方便请按1</Say></Gather></Response>",
        machine_detection="Enable",
    ).sid

    [transcript] = twilio_stub.run_pending_calls()

    assert transcript.call_sid == sid
    assert transcript.heard == ["方便请按1"]
    call = twilio_stub.client.rest.calls(sid).fetch()
    assert (call.status, call.answered_by) == ("completed", "human")
    assert twilio_stub.run_pending_calls() == []


def test_a_busy_callee_leaves_the_rest_call_busy(twilio_stub):
    twilio_stub.callee("+8613800138000", answer="busy")
    sid = twilio_stub.client.rest.calls.create(
        to="+8613800138000", from_="+862161234567", twiml="<Response><Say>您好</Say></Response>"
    ).sid

    [transcript] = twilio_stub.run_pending_calls()

    assert transcript.heard == []
    assert twilio_stub.client.rest.calls(sid).fetch().status == "busy"


def test_in_embedded_mode_a_placed_call_is_walked_in_the_background(app, twilio_stub):
    twilio_stub.state.autowalk = True
    sid = twilio_stub.client.rest.calls.create(
        to="+8613800138000", from_="+862161234567", twiml="<Response><Say>您好</Say></Response>"
    ).sid

    call = twilio_stub.state.calls[sid]
    for _ in range(50):
        if call.transcript is not None:
            break
        time.sleep(0.1)
    assert call.transcript.heard == ["您好"]
    assert call.status == "completed"
