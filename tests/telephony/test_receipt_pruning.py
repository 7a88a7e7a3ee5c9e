"""A webhook delivery repeated within the retention period is still a no-op after the receipts were pruned
(issue 10 §11)."""

from datetime import timedelta

from sqlalchemy import select

from crm.models import SurveyRun, WebhookReceipt
from crm.services.surveys.default_surveys import ensure_default_surveys
from tests.case_factories import CaseFactory, resolve_and_sweep
from workers import jobs
from workers.surveys import dial_surveys


def receipts(db):
    db.session.expire_all()
    return db.session.scalars(select(WebhookReceipt.key)).all()


def test_a_delivery_repeated_within_the_retention_period_after_pruning_is_still_a_no_op(
    db, make, agent, clock, twilio_stub, signed_post
):
    """The customer agreed to answer (opening key 1), then hung up: the run is declined. The same delivery of
    key 1 arriving 29 days later, after a pruning, gets the first answer back and leaves the run declined."""
    ensure_default_surveys(db.session)
    case = CaseFactory(db.session).case(agent, customer_id=make.customer(manager=agent, phones=("13800138000",)).id)
    resolve_and_sweep(db.session, agent, case)
    db.session.commit()
    dial_surveys()
    run = db.session.scalar(select(SurveyRun).where(SurveyRun.case_id == case.id))
    delivery = (f"/twilio/surveys/{run.id}/opening?try=1", {"CallSid": run.call_sid, "Digits": "1"})
    first = signed_post(*delivery)
    signed_post(f"/twilio/surveys/{run.id}/status", {"CallSid": run.call_sid, "CallStatus": "completed"})
    db.session.refresh(run)
    assert run.state == "declined"

    clock.advance(timedelta(days=29))
    jobs.prune_idempotency_records()
    repeated = signed_post(*delivery)

    assert repeated.get_data() == first.get_data()
    db.session.refresh(run)
    assert run.state == "declined"
    assert len(receipts(db)) == 2

    clock.advance(timedelta(days=2))
    jobs.prune_idempotency_records()
    assert receipts(db) == []
    # Past the retention period the step itself refuses to begin a run that is not ringing.
    late = signed_post(*delivery)
    db.session.refresh(run)
    assert run.state == "declined" and "<Gather" not in late.get_data(as_text=True)
