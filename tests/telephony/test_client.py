"""The telephony client is the real twilio client; in simulated mode it reaches the local stand-in."""

import threading

import pytest
from twilio.base.exceptions import TwilioRestException

from telephony.client import SIMULATED_ACCOUNT_SID, build_client, get_client


def test_simulated_mode_points_the_real_twilio_client_at_the_standin(app, twilio_stub):
    assert get_client(app) is twilio_stub.client
    assert twilio_stub.client.account_sid == SIMULATED_ACCOUNT_SID


def test_sending_an_sms_returns_a_message_sid_and_the_standin_keeps_the_message(twilio_stub):
    sid = twilio_stub.client.send_sms("+8613800138000", "【客服提醒】您有1个工单即将到期: #7")

    assert sid.startswith("SM") and len(sid) == 34
    [message] = twilio_stub.messages
    assert (message.sid, message.to, message.from_) == (sid, "+8613800138000", "+862161234567")
    assert message.body == "【客服提醒】您有1个工单即将到期: #7"


def test_sent_messages_can_be_listed_through_the_rest_api(twilio_stub):
    twilio_stub.client.send_sms("+8613800138000", "一")
    twilio_stub.client.send_sms("+8613900139000", "二")

    listed = twilio_stub.client.rest.messages.list()

    assert [(m.to, m.body, m.status) for m in listed] == [
        ("+8613800138000", "一", "sent"),
        ("+8613900139000", "二", "sent"),
    ]


def test_placing_a_call_returns_a_call_sid_and_queues_the_call(twilio_stub):
    sid = twilio_stub.client.place_call(
        "+8613800138000", None, "http://localhost/twilio/survey/start", status_callback="http://localhost/s"
    )

    assert sid.startswith("CA") and len(sid) == 34
    fetched = twilio_stub.client.rest.calls(sid).fetch()
    assert (fetched.to, fetched.status, fetched.direction) == ("+8613800138000", "queued", "outbound-api")
    [call] = twilio_stub.calls
    assert (call.url, call.status_callback) == ("http://localhost/twilio/survey/start", "http://localhost/s")


def test_a_bad_number_is_refused_with_twilios_error_21211(twilio_stub):
    with pytest.raises(TwilioRestException) as refused:
        twilio_stub.client.send_sms("12345", "hello")

    assert refused.value.status == 400
    assert refused.value.code == 21211
    assert "The 'To' number 12345 is not a valid phone number." in refused.value.msg
    assert twilio_stub.messages == []


def test_a_call_without_twiml_or_url_is_refused_with_21205(twilio_stub):
    with pytest.raises(TwilioRestException) as refused:
        twilio_stub.client.rest.calls.create(to="+8613800138000", from_="+862161234567")
    assert refused.value.code == 21205


def test_wrong_credentials_are_refused_with_20003(app, twilio_stub):
    app.config["TWILIO_AUTH_TOKEN"], token = "another-token", app.config["TWILIO_AUTH_TOKEN"]
    try:
        intruder = build_client(app)
    finally:
        app.config["TWILIO_AUTH_TOKEN"] = token
    with pytest.raises(TwilioRestException) as refused:
        intruder.send_sms("+8613800138000", "hello")
    assert (refused.value.status, refused.value.code) == (401, 20003)


def test_updating_a_call_and_fetching_an_unknown_recording(twilio_stub):
    sid = twilio_stub.client.place_call("+8613800138000", None, "http://localhost/a")

    twilio_stub.client.update_call(sid, twiml="<Response><Hangup/></Response>")
    assert twilio_stub.state.calls[sid].redirect == ("twiml", "<Response><Hangup/></Response>")
    with pytest.raises(TwilioRestException) as missing:
        twilio_stub.client.fetch_recording("RE" + "0" * 32)
    assert (missing.value.status, missing.value.code) == (404, 20404)


def test_a_recording_made_on_a_call_can_be_fetched(twilio_stub):
    recording = twilio_stub.state.add_recording("CA" + "1" * 32, 12, "我要投诉")

    fetched = twilio_stub.client.fetch_recording(recording.sid)

    assert fetched == {
        "sid": recording.sid,
        "call_sid": "CA" + "1" * 32,
        "duration": 12,
        "status": "completed",
        "media_url": f"https://api.twilio.com/2010-04-01/Accounts/{SIMULATED_ACCOUNT_SID}/Recordings/{recording.sid}",
    }


def test_a_standin_served_by_another_process_is_reached_over_http(app, twilio_stub):
    from werkzeug.serving import make_server

    from telephony.client import STANDIN_PREFIX

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["TWILIO_STANDIN_URL"] = f"http://127.0.0.1:{server.server_port}{STANDIN_PREFIX}"
    try:
        sid = build_client(app).send_sms("+8613800138000", "跨进程")
    finally:
        app.config["TWILIO_STANDIN_URL"] = ""
        server.shutdown()
    assert [(m.sid, m.body) for m in twilio_stub.messages] == [(sid, "跨进程")]
