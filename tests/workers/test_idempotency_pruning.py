"""Webhook receipts (the idempotency records) are pruned after the retention period (issue 10 §11): old
ones go, in batches; recent ones stay (``tests/telephony/test_receipt_pruning.py``: and still answer a repeat)."""

from datetime import timedelta

import pytest
from rq import Queue
from sqlalchemy import select

from crm.models import WebhookReceipt
from crm.services.calls import idempotency
from workers import jobs
from workers.worker import EmbeddedWorker


def receipt(db, key, at):
    db.session.add(WebhookReceipt(key=key, response="<Response/>", received_at=at))
    db.session.commit()


def kept(db):
    db.session.expire_all()
    return sorted(db.session.scalars(select(WebhookReceipt.key)))


def test_receipts_past_the_retention_period_go_and_recent_ones_stay(app, db, clock, queue):
    receipt(db, "old", clock.at - timedelta(days=31))
    receipt(db, "just-old", clock.at - timedelta(days=30, seconds=1))
    receipt(db, "recent", clock.at - timedelta(days=29, hours=23))
    receipt(db, "today", clock.at)
    job = Queue("default", connection=queue).enqueue(jobs.prune_idempotency_records)

    EmbeddedWorker(["default"], connection=queue, app=app).work(burst=True)

    assert job.return_value() == {"webhook_receipts": 2}
    assert kept(db) == ["recent", "today"]


def test_pruning_goes_batch_by_batch_until_none_is_left(db, clock):
    for n in range(5):
        receipt(db, f"old-{n}", clock.at - timedelta(days=40 + n))
    receipt(db, "recent", clock.at - timedelta(days=1))

    assert jobs.prune_idempotency_records(batch_size=2) == {"webhook_receipts": 5}
    assert kept(db) == ["recent"]


def test_the_retention_period_is_a_setting(db, clock):
    receipt(db, "eight-days", clock.at - timedelta(days=8))
    receipt(db, "six-days", clock.at - timedelta(days=6))
    idempotency.configure(7)
    try:
        jobs.prune_idempotency_records()
    finally:
        idempotency.configure(30)

    assert kept(db) == ["six-days"]


def test_a_retention_under_a_day_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        idempotency.configure(0)
