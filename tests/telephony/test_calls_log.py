"""The call log from status, recording and transcription callbacks (issue 5 §4)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crm.models import Call, CallEvent
from crm.services.calls import call_log

SID = "CA-outbound-1"


@pytest.fixture
def status(signed_post, clock):
    def post(call_status, **params):
        form = {"CallSid": SID, "CallStatus": call_status, "Direction": "outbound-api", "To": "+8613800138000"}
        response = signed_post("/twilio/calls/status", {**form, **params})
        assert response.status_code == 200
        return response

    return post


def the_call(db):
    db.session.expire_all()
    return db.session.scalar(select(Call).where(Call.sid == SID))


def test_status_callbacks_set_each_time_once_and_the_outcome(status, db, clock):
    start = clock.at
    status("ringing", Timestamp="1")
    clock.advance(timedelta(seconds=8))
    status("in-progress", Timestamp="2")
    clock.advance(timedelta(seconds=40))
    status("completed", CallDuration="40", Timestamp="3")
    call = the_call(db)
    assert (call.direction, call.status, call.outcome, call.duration_seconds) == (
        "outbound",
        "completed",
        "answered",
        40,
    )
    assert (call.ringing_at, call.answered_at, call.ended_at) == (
        start,
        start + timedelta(seconds=8),
        start + timedelta(seconds=48),
    )


def test_duplicated_status_callbacks_change_nothing(status, db, clock):
    status("ringing")
    status("in-progress")
    status("completed", CallDuration="40")
    before = the_call(db)
    snapshot = (before.ringing_at, before.answered_at, before.ended_at, before.duration_seconds, before.outcome)
    events = db.session.scalar(select(func.count()).select_from(CallEvent))

    clock.advance(timedelta(minutes=3))
    status("ringing", Timestamp="late")  # a retry with different parameters passes the delivery guard
    status("in-progress", Timestamp="late")
    status("completed", CallDuration="999", Timestamp="late")
    status("completed", CallDuration="40")  # the identical retry

    after = the_call(db)
    assert (after.ringing_at, after.answered_at, after.ended_at, after.duration_seconds, after.outcome) == snapshot
    assert db.session.scalar(select(func.count()).select_from(CallEvent)) == events


@pytest.mark.parametrize(("final", "outcome"), [("busy", "busy"), ("no-answer", "no_answer"), ("failed", "failed")])
def test_final_status_decides_the_outcome(status, db, final, outcome):
    status(final)
    assert the_call(db).outcome == outcome


def test_outbound_call_never_answered_is_no_answer(status, db):
    status("ringing")
    status("completed", CallDuration="0")
    assert the_call(db).outcome == "no_answer"


def test_recording_callback_stores_the_url_once(signed_post, db, status):
    status("completed", CallDuration="60")
    params = {"CallSid": SID, "RecordingSid": "RE1", "RecordingUrl": "https://api.twilio.com/RE1"}
    signed_post("/twilio/calls/recording", {**params, "RecordingDuration": "58"})
    signed_post("/twilio/calls/recording", {**params, "RecordingDuration": "58", "Retry": "1"})
    call = the_call(db)
    assert (call.recording_sid, call.recording_url) == ("RE1", "https://api.twilio.com/RE1")
    assert db.session.scalar(select(func.count()).select_from(CallEvent).where(CallEvent.kind == "recording")) == 1


def test_transcription_is_stored_on_the_call(signed_post, db, status):
    status("completed", CallDuration="60")
    signed_post("/twilio/calls/transcription", {"CallSid": SID, "RecordingSid": "RE1", "TranscriptionText": "你好"})
    assert the_call(db).transcription == "你好"


def test_a_connected_call_of_30_seconds_counts_as_a_contact(status, db, make, agent, clock):
    status("in-progress")
    status("completed", CallDuration="30")
    call = the_call(db)
    call.agent_id, call.customer_id = agent.id, make.customer(manager=agent).id
    db.session.commit()
    assert call_log.is_contact(call)
    window = call_log.contacts_query(agent.id, clock.at - timedelta(hours=1), clock.at + timedelta(hours=1))
    assert db.session.scalars(window).all() == [call]


def test_a_29_second_call_is_not_a_contact(status, db):
    status("in-progress")
    status("completed", CallDuration="29")
    assert not call_log.is_contact(the_call(db))


@pytest.mark.parametrize("path", ["/twilio/calls/status", "/twilio/calls/recording", "/twilio/calls/transcription"])
def test_callbacks_refuse_a_wrong_signature(signed_post, db, path):
    params = {"CallSid": SID, "CallStatus": "completed", "RecordingSid": "RE1", "TranscriptionText": "x"}
    assert signed_post(path, params, token="forged").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Call)) == 0
