"""Agent calls are recorded and transcribed in real time; each final utterance is stored once, with who
said it (issue 11 item 5), and the whole path runs offline through the stand-in."""

import json
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from crm.models import Call, CallUtterance, Document
from crm.services.calls.presence import set_presence
from crm.services.customers.documents import add_recording_reference
from crm.services.quality.qa_phrases import ensure_default_phrases
from telephony.standin import Callee, walk_call
from telephony.standin.simulator import simulate_inbound_call
from tests.conftest import auth
from tests.telephony.ivr_walk import CALLER, Caller
from workers.quality import check_calls

EVENTS = "/twilio/calls/transcription-events"


def ready(db, agent):
    set_presence(db.session, agent, "ready")
    db.session.commit()


def said(db):
    db.session.expire_all()
    rows = db.session.scalars(select(CallUtterance).order_by(CallUtterance.sequence))
    return [(row.sequence, row.speaker, row.text, row.offset_seconds) for row in rows]


def event(sid, sequence, track, text, final="true", timestamp="2026-11-23T02:00:12+00:00"):
    return {
        "CallSid": sid,
        "TranscriptionSid": "GT" + "1" * 32,
        "TranscriptionEvent": "transcription-content",
        "SequenceId": str(sequence),
        "Track": track,
        "TranscriptionData": json.dumps({"transcript": text, "confidence": 0.9}),
        "Final": final,
        "Timestamp": timestamp,
    }


def test_the_agent_leg_of_an_inbound_call_is_recorded_and_transcribed(signed_post, phone_lines, agent, db, clock):
    ready(db, agent)
    caller = Caller(signed_post, phone_lines["hotline"])
    caller.dial()
    caller.follow("Gather", Digits="1")

    start, dial = caller.last.find("Start/Transcription"), caller.last.find("Dial")
    assert start.attrib == {
        "name": "agent-call",
        "statusCallbackUrl": f"http://localhost{EVENTS}",
        "track": "both_tracks",
        "languageCode": "zh-CN",
        "partialResults": "false",
    }
    assert list(caller.last).index(caller.last.find("Start")) < list(caller.last).index(dial)
    assert dial.get("record") == "record-from-answer-dual"
    assert dial.get("recordingStatusCallback") == "/twilio/calls/recording"


def test_a_browser_call_is_transcribed_too(signed_post, agent, db):
    form = {"CallSid": "CA" + "a" * 32, "From": f"client:agent-{agent.job_no}", "To": "13800138000"}
    root = ET.fromstring(signed_post("/twilio/voice/outbound", form).get_data(as_text=True))
    assert root.find("Start/Transcription").get("track") == "both_tracks"


@pytest.mark.parametrize(("direction", "agent_track"), [("inbound", "outbound_track"), ("outbound", "inbound_track")])
def test_who_spoke_follows_the_calls_direction_and_a_redelivery_changes_nothing(
    signed_post, agent, db, clock, direction, agent_track
):
    customer_track = {"inbound_track": "outbound_track", "outbound_track": "inbound_track"}[agent_track]
    db.session.add(Call(sid="CA-t", direction=direction, agent_id=agent.id, started_at=clock.at))
    db.session.commit()

    signed_post(EVENTS, event("CA-t", 2, agent_track, "您好，工号8001为您服务"))
    signed_post(EVENTS, event("CA-t", 3, customer_track, "我想咨询一下"))
    signed_post(EVENTS, event("CA-t", 3, customer_track, "我想咨询一下"))  # Twilio's retry
    signed_post(EVENTS, event("CA-t", 2, agent_track, "别的话", timestamp="2026-11-23T02:09:00+00:00"))
    signed_post(EVENTS, event("CA-t", 4, agent_track, "请稍", final="false"))  # a partial result

    assert said(db) == [(2, "agent", "您好，工号8001为您服务", 12), (3, "customer", "我想咨询一下", 12)]


def test_numbers_said_on_a_call_are_stored_masked_and_a_job_number_is_not(signed_post, agent, db, clock):
    db.session.add(Call(sid="CA-n", direction="inbound", agent_id=agent.id, started_at=clock.at))
    db.session.commit()
    signed_post(EVENTS, event("CA-n", 1, "inbound_track", "我的电话是138 0013 8000，身份证11010519491231002X"))
    signed_post(EVENTS, event("CA-n", 2, "outbound_track", "工号8001为您服务，金额1000000元"))
    assert [text for _, _, text, _ in said(db)] == [
        "我的电话是*******8000，身份证**************002X",
        "工号8001为您服务，金额****000元",
    ]


def test_an_inbound_call_walked_offline_is_recorded_transcribed_checked_and_shows_its_flag(
    app, phone_lines, make, branch, agent, supervisor, client, db, clock
):
    customer = make.customer(manager=agent, phones=(CALLER,))
    ensure_default_phrases(db.session)
    ready(db, agent)
    utterances = (
        ("agent", "您好，请问有什么可以帮您？"),
        ("customer", "我想改一下手机号"),
        ("agent", "不知道。"),
        ("agent", "感谢您的来电，再见！"),
    )

    transcript = simulate_inbound_call(app, CALLER, keys=("1",), utterances=utterances)
    check_calls()

    assert transcript.errors == [] and transcript.dials[0][1] == "completed"
    call = db.session.scalar(select(Call))
    assert (call.agent_id, call.outcome, call.recording_sid is not None) == (agent.id, "answered", True)
    assert [(speaker, text) for _, speaker, text, _ in said(db)] == list(utterances)
    results = client.get("/api/v1/qa/results", headers=auth(supervisor)).get_json()["items"]
    assert [(r["call_id"], r["basis"], r["state"], r["passed"]) for r in results] == [
        (call.id, "transcript", "open", False)
    ]
    flags = [(f["rule"], f["phrase"], f["matched"], f["offset_seconds"]) for f in results[0]["flags"]]
    # Heard before the agent: the greeting, the menu and 请稍等 (3 s each); then an utterance every 4 s.
    assert flags == [("greeting_without_job_no", "您好", "您好", 9), ("forbidden_phrase", "不知道。", "不知道", 17)]
    # The recording is evidence a phone change can rest on (DOMAIN §1).
    add_recording_reference(db.session, agent, customer, call.sid)
    db.session.commit()
    assert db.session.scalar(select(Document.reference)) == call.sid


def test_a_browser_call_walked_offline_hears_the_agent_on_the_inbound_track(app, agent, db):
    utterances = (("agent", "您好，工号{job_no}为您服务"), ("customer", "你好"))

    walk_call(
        app,
        from_=f"client:agent-{agent.job_no}",
        to="13800138000",
        url="/twilio/voice/outbound",
        callee=Callee(utterances=utterances),
    )

    assert [(speaker, text) for _, speaker, text, _ in said(db)] == [
        ("agent", f"您好，工号{agent.job_no}为您服务"),
        ("customer", "你好"),
    ]
