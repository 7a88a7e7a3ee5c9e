"""Complaint call-outs are never lost (issue 14): the database owes the call until its CallSid is written.

The claim of a call is a lease: a run that claimed a call and died (its job lost with the queue, its worker
killed) leaves a claim that runs out, and a later run places the call — once, however many workers run.
"""

from datetime import timedelta

import pytest
from rq import Queue
from sqlalchemy import select

from crm.extensions import db as _db
from crm.extensions import queues
from crm.models import ComplaintCallout, Notification
from crm.services.calls import dispatch_calls
from tests.concurrency import at_once
from tests.telephony.test_complaint_line import complain
from workers import calls
from workers.worker import EmbeddedWorker

LEASE = timedelta(seconds=120)  # the default CALLOUT_LEASE


def run_the_queued_jobs(app, connection):
    """A worker on the real queue runs what is queued (in this process: it sees the frozen clock)."""
    EmbeddedWorker(["telephony"], connection=connection, app=app).work(burst=True)


def call_notices(db):
    return db.session.scalars(select(Notification).where(Notification.kind == dispatch_calls.CALL_KIND)).all()


@pytest.mark.postgres
@pytest.mark.redis
def test_a_call_claimed_then_lost_with_the_queue_is_placed_by_a_later_run_exactly_once(
    app, caller, duty, db, clock, twilio_stub, queue
):
    if db.engine.dialect.name != "postgresql" or queues.backend != "redis":
        pytest.skip("needs the real PostgreSQL and Redis")
    complain(caller)
    clock.advance(timedelta(minutes=5))
    # A run claims the call and commits, then its worker dies and Redis is flushed with the runs queued.
    dispatch_calls.owe_calls(db.session, clock.at)
    assert len(dispatch_calls.claim_calls(db.session, clock.at, LEASE)) == 1
    db.session.commit()
    telephony = Queue("telephony", connection=queue)
    telephony.enqueue(calls.call_about_undispatched_complaints)
    queue.flushdb()
    assert twilio_stub.calls == [] and call_notices(db) == []  # no "系统已致电您" for a call not placed

    clock.advance(timedelta(seconds=60))  # the next minute's run: the claim still holds, nobody rings
    telephony.enqueue(calls.call_about_undispatched_complaints)
    run_the_queued_jobs(app, queue)
    assert twilio_stub.calls == []

    clock.advance(LEASE)  # the lease ran out: four workers' runs at the same instant, one call
    assert sorted(run.failed for run in at_once(app, 4, lambda: _run(clock.at))) == [0, 0, 0, 0]
    telephony.enqueue(calls.call_about_undispatched_complaints)
    run_the_queued_jobs(app, queue)

    [call] = twilio_stub.calls
    assert call.to == duty.phone
    db.session.expire_all()
    callout = db.session.scalars(select(ComplaintCallout)).one()
    assert (callout.call_sid, callout.attempts, callout.placed_at) == (call.sid, 2, clock.at)
    assert [notice.recipient_id for notice in call_notices(db)] == [duty.id]


def _run(at):
    return dispatch_calls.run(_db.session, at, calls.place_dispatch_call, LEASE)


def test_a_refused_call_is_tried_again_after_the_lease_and_told_only_once_placed(caller, duty, db, clock, twilio_stub):
    complain(caller)
    clock.advance(timedelta(minutes=5))

    def refused(case_id, phone):
        raise RuntimeError("provider down")

    assert dispatch_calls.run(db.session, clock.at, refused, LEASE).failed == 1
    assert call_notices(db) == []
    assert dispatch_calls.run(db.session, clock.at + LEASE / 2, calls.place_dispatch_call, LEASE).placed == []
    run = dispatch_calls.run(db.session, clock.at + LEASE, calls.place_dispatch_call, LEASE)
    assert len(run.placed) == len(twilio_stub.calls) == 1
    assert len(call_notices(db)) == 1


def test_a_supervisor_without_a_phone_is_owed_no_call(caller, duty, db, clock, twilio_stub):
    duty.phone = None
    db.session.commit()
    complain(caller)
    clock.advance(timedelta(minutes=5))
    assert dispatch_calls.run(db.session, clock.at, calls.place_dispatch_call, LEASE).owed == 0
    assert twilio_stub.calls == []


def test_one_run_places_every_call_owed_batch_after_batch(caller, duty, make, branch, db, clock, twilio_stub):
    second = make.staff(role="supervisor", branch=branch, phone="+8613700137001")
    second.on_duty = True
    db.session.commit()
    complain(caller)
    clock.advance(timedelta(minutes=5))
    run = dispatch_calls.run(db.session, clock.at, calls.place_dispatch_call, LEASE, limit=1)
    assert (run.owed, len(run.placed)) == (2, 2)
    assert sorted(call.to for call in twilio_stub.calls) == [duty.phone, second.phone]
