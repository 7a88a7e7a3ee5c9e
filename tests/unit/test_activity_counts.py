"""Activity counted in SQL (DOMAIN §4): the contact rule, each kind's source, local days."""

from datetime import date

import pytest
from sqlalchemy import select

from crm.models import Call
from crm.services.activity.counts import activity_counts, daily_activity_counts
from crm.services.calls.call_log import contact_call_condition, is_contact
from tests import activity_factories as rows
from tests.times import sh

MONDAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("seconds", "outcome", "with_customer", "counts"),
    [
        (29, "answered", True, False),
        (30, "answered", True, True),
        (300, "no_answer", True, False),
        (300, "answered", False, False),
    ],
)
def test_a_contact_is_an_answered_call_of_30_seconds_with_a_customer(
    db, make, agent, seconds, outcome, with_customer, counts
):
    customer = make.customer(manager=agent) if with_customer else None
    call = rows.call(db.session, agent, customer, sh(11, 23, 10), seconds=seconds, outcome=outcome)
    in_sql = db.session.scalar(select(contact_call_condition()).where(Call.id == call.id))
    assert (bool(in_sql), is_contact(call)) == (counts, counts)
    assert activity_counts(db.session, [agent.id], MONDAY, MONDAY)[agent.id]["contact_calls"] == int(counts)


def test_each_kind_counts_from_its_source_for_its_person(db, make, agent, branch, clock):
    colleague = make.staff(role="agent", branch=branch)
    customer = make.customer(manager=agent)
    at = sh(11, 23, 11)
    rows.call(db.session, agent, customer, at)
    rows.call(db.session, colleague, customer, at)
    make.visit(agent, customer, channel="on_site", started_at=at, next_step_on=date(2026, 11, 30))
    make.visit(agent, customer, channel="home_visit", started_at=at)
    make.visit(agent, customer, channel="phone", started_at=at)
    make.customer(manager=agent, status="prospect", created_at=at)
    case = rows.resolved_case(db.session, agent, customer, at)
    rows.completed_survey(db.session, case, at)
    rows.completed_survey(db.session, rows.resolved_case(db.session, colleague, customer, at), at, state="declined")
    counts = activity_counts(db.session, [agent.id, colleague.id], MONDAY, MONDAY)
    assert counts[agent.id] == {
        "contact_calls": 1,
        "appointments": 1,
        "on_site_visits": 1,
        "home_visits": 1,
        "new_prospects": 1,
        "surveys_completed": 1,
        "cases_resolved": 1,
    }
    assert counts[colleague.id] == {**dict.fromkeys(counts[agent.id], 0), "contact_calls": 1, "cases_resolved": 1}


def test_activity_falls_in_its_local_day(db, make, agent):
    customer = make.customer(manager=agent)
    rows.call(db.session, agent, customer, sh(11, 22, 23, 59))  # Sunday night: the week before
    rows.call(db.session, agent, customer, sh(11, 23, 0, 0))  # Monday midnight in Shanghai (Sunday 16:00 UTC)
    rows.call(db.session, agent, customer, sh(11, 24, 23, 59))
    rows.call(db.session, agent, customer, sh(11, 25, 0, 0))
    daily = daily_activity_counts(db.session, [agent.id], MONDAY, date(2026, 11, 24))
    assert [daily[agent.id, day]["contact_calls"] for day in (MONDAY, date(2026, 11, 24))] == [1, 1]
    assert activity_counts(db.session, [agent.id], date(2026, 11, 22), MONDAY)[agent.id]["contact_calls"] == 2
