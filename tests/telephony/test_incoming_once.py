"""The incoming call's receipt, call row and first event, written together (issue 13): each once,
whatever Twilio retries or sends first."""

import pytest
from sqlalchemy import func, select

from crm.models import Call, CallEvent, WebhookReceipt
from tests.telephony.ivr_walk import CALLER, Caller


@pytest.fixture
def caller(signed_post, phone_lines, clock):
    return Caller(signed_post, phone_lines["hotline"])


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def incoming_events(db):
    return db.session.scalars(select(CallEvent).where(CallEvent.kind == "incoming")).all()


def test_a_retried_incoming_call_gets_the_same_answer_and_writes_nothing_more(caller, branch, db):
    caller.dial()
    first = caller.text()
    caller.dial()
    again = caller.text()
    assert first == again
    assert "<Gather" in first
    assert (count(db, Call), count(db, WebhookReceipt)) == (1, 1)
    [event] = incoming_events(db)
    assert event.detail == {"line": "hotline", "after_hours": False}
    assert event.call_id == caller.call(db.session).id


def test_a_retry_with_other_parameters_answers_again_but_logs_the_call_once(caller, branch, db):
    caller.dial()
    caller.post("/twilio/voice/incoming", CallerCity="SHANGHAI")  # not the same delivery: a receipt of its own
    assert "<Gather" in caller.text()
    assert (count(db, Call), count(db, WebhookReceipt)) == (1, 2)
    assert len(incoming_events(db)) == 1


def test_a_status_callback_before_the_incoming_call_gets_its_route_filled_in(caller, branch, db):
    caller.post("/twilio/calls/status", CallStatus="ringing", Direction="inbound")
    caller.dial()
    assert "<Gather" in caller.text()
    call = caller.call(db.session)
    assert (call.line, call.branch_id, call.from_number, call.status) == ("hotline", branch.id, CALLER, "ringing")
    assert count(db, Call) == 1
    [event] = incoming_events(db)
    assert event.call_id == call.id
