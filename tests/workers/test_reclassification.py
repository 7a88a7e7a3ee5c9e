from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from crm.models import AuditEntry, Customer
from crm.services.customers import classification
from crm.services.customers.reclassification import dormancy_cutoff, reclassify_all
from workers.jobs import reclassify_customers
from workers.worker import EmbeddedWorker

A_YEAR_LATER = datetime(2027, 11, 23, 2, 0, tzinfo=UTC)  # Tue 10:00 in Shanghai, a year after the fixture's day


def _class_of(db, customer):
    return db.session.scalar(select(Customer.customer_class).where(Customer.id == customer.id))


def test_customer_with_no_trade_for_twelve_months_becomes_g_with_an_audit_row(db, make, clock):
    customer = make.customer(assets=2_000_000, turnover_rate=4, last_trade_on=date(2026, 11, 20))
    assert customer.customer_class == "A"
    clock.set(A_YEAR_LATER)

    assert reclassify_customers() == 1

    assert _class_of(db, customer) == "G"
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.customer_id == customer.id)).one()
    assert (audit.field, audit.old_value, audit.new_value) == ("customer_class", "A", "G")
    assert audit.actor_id is None
    assert audit.evidence == "nightly reclassification"
    assert audit.at == clock.at


def test_recent_traders_and_customers_already_g_are_left_alone(db, make, clock):
    active = make.customer(assets=200_000, turnover_rate=1, last_trade_on=date(2026, 11, 24))
    never_traded = make.customer(assets=200_000, turnover_rate=1, last_trade_on=None)
    already_g = make.customer(assets=0, last_trade_on=date(2020, 1, 1))
    clock.set(A_YEAR_LATER)

    assert reclassify_customers() == 0

    assert [_class_of(db, c) for c in (active, never_traded, already_g)] == ["D-", "D-", "G"]
    assert db.session.scalar(select(AuditEntry.id)) is None


def test_a_second_run_changes_nothing(db, make, clock):
    make.customer(last_trade_on=date(2026, 11, 1))
    clock.set(A_YEAR_LATER)
    assert reclassify_customers() == 1
    assert reclassify_customers() == 0
    assert len(db.session.scalars(select(AuditEntry)).all()) == 1


@pytest.mark.parametrize(
    "today",
    [date(2026, 11, 23), date(2024, 2, 29), date(2026, 3, 31), date(2026, 1, 1), date(2025, 2, 28)],
)
def test_cutoff_agrees_with_the_classification_rule_around_month_ends(today):
    months = classification.rules().dormant_months
    cutoff = dormancy_cutoff(today, months)
    assert classification.is_dormant(cutoff, today)
    assert not classification.is_dormant(cutoff + timedelta(days=1), today)


def test_reclassification_works_on_many_customers_in_one_pass(db, make, clock):
    customers = [make.customer(last_trade_on=date(2026, 6, 1)) for _ in range(3)]
    assert reclassify_all(db.session, A_YEAR_LATER.date()) == 3
    db.session.commit()
    assert {_class_of(db, c) for c in customers} == {"G"}


def test_job_runs_through_a_real_rq_worker(app, db, make, clock, queue):
    from rq import Queue

    customer = make.customer(last_trade_on=date(2026, 11, 1))
    clock.set(A_YEAR_LATER)
    job = Queue("default", connection=queue).enqueue(reclassify_customers)

    EmbeddedWorker(["default"], connection=queue, app=app).work(burst=True)

    assert job.get_status() == "finished", job.latest_result().exc_string
    assert job.return_value() == 1
    assert _class_of(db, customer) == "G"
