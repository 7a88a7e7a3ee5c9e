"""The demo data: a realistic branch over every class, loaded once, the same on every machine."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from crm.models import (
    AuditEntry,
    Customer,
    CustomerDate,
    Product,
    Recommendation,
    RiskAssessment,
    Staff,
    SurveyAnswer,
    Visit,
    WorkLog,
)
from crm.models.customers import CLASSES
from crm.services.activity import spot_checks
from crm.services.customers import documents
from crm.services.customers.records import lookup_by_phone
from crm.services.demo import seed
from crm.services.org.staff import check_login
from crm.services.quality import qa_checks
from crm.services.quality.call_quality import build_report


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_is_two_branches_of_customers_over_every_class_with_a_month_of_visits_and_calls(db, clock):
    loaded = seed.seed(db.session, documents.store_from(current_app.config))
    db.session.commit()

    roles = db.session.execute(select(Staff.role, func.count()).group_by(Staff.role)).all()
    assert dict(roles) == {"admin": 1, "supervisor": 2, "agent": 8}
    assert check_login(db.session, "9001", seed.PASSWORD).role == "admin"
    assert check_login(db.session, "1101", seed.PASSWORD).branch.name == "上海浦东营业部"
    assert count(db, Customer) == loaded.customers == 500
    assert set(db.session.scalars(select(Customer.customer_class))) == set(CLASSES)
    assert set(db.session.scalars(select(Product.risk_level))) == {"low", "medium", "high"}
    assert lookup_by_phone(db.session, "+86 138 0013 8000").account_no == "310100000001"
    assert count(db, RiskAssessment) == loaded.assessments > 300
    assert db.session.scalar(select(func.count()).where(Customer.is_vip)) > 0
    assert db.session.scalar(select(func.count()).where(Customer.trading_habit.is_not(None))) > 0
    first, last = db.session.execute(select(func.min(Visit.started_at), func.max(Visit.started_at))).one()
    assert clock.at - timedelta(days=31) < first and last < clock.at

    # What a supervisor finds (issue 11): calls in the report, QA results, surveys, work logs, a spot check.
    supervisor = db.session.scalar(select(Staff).where(Staff.role == "supervisor").order_by(Staff.id))
    today = clock.at.date()

    report = build_report(db.session, supervisor, today - timedelta(days=30), today - timedelta(days=1), "agent")

    totals = report["totals"]
    assert totals["offered"] > totals["answered"] > 0
    assert totals["abandoned_in_queue"] and totals["to_voicemail"]
    assert 0 < totals["service_level"] < 1
    results = db.session.scalars(qa_checks.results_query(supervisor)).all()
    assert results and any(result.flags for result in results) and any(result.passed for result in results)
    assert db.session.scalar(select(func.count()).select_from(SurveyAnswer)) > 0
    assert count(db, WorkLog) > 0
    assert len(db.session.scalars(spot_checks.register_query(supervisor)).all()) == 1
    assert count(db, CustomerDate) > 0


def test_each_assessed_customers_tolerance_is_their_assessed_band(db, clock):
    seed.seed(db.session, documents.store_from(current_app.config))
    db.session.commit()

    pairs = db.session.execute(select(Customer.risk_tolerance, RiskAssessment.band).join(RiskAssessment)).all()
    assert pairs and all(tolerance == band for tolerance, band in pairs)


def test_no_demo_record_is_changed_or_used_before_it_was_created(db, clock):
    seed.seed(db.session, documents.store_from(current_app.config))
    db.session.commit()

    opened = db.session.scalar(select(func.max(Customer.created_at)))
    assert opened < clock.at
    assert db.session.scalar(select(func.max(Staff.created_at))) <= opened
    assert db.session.scalar(select(func.count()).where(Customer.updated_at < Customer.created_at)) == 0
    happened = [
        (RiskAssessment.taken_at, RiskAssessment.customer_id),
        (Recommendation.recommended_at, Recommendation.customer_id),
        (Visit.started_at, Visit.customer_id),
        (AuditEntry.at, AuditEntry.customer_id),
    ]
    for at, customer_id in happened:
        too_early = (
            select(func.count()).select_from(Customer).where(Customer.id == customer_id, at < Customer.created_at)
        )
        assert db.session.scalar(too_early) == 0, at


def test_seed_does_nothing_when_the_database_already_has_staff(db, make):
    make.staff(role="admin")

    assert seed.seed(db.session, documents.store_from(current_app.config)) is None
    assert count(db, Customer) == 0 and count(db, Staff) == 1
