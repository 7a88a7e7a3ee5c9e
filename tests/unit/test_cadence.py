"""The contact cadence by class and the call list (issue 11 item 4): boundaries at the cadence, the one
contact-call rule (a 29 s call is no contact), never-contacted customers, order, access and edits."""

from datetime import date, datetime, timedelta

import pytest

from crm.core import clock as kefu_clock
from crm.errors import Forbidden
from crm.models import Call
from crm.services.activity import cadence
from tests.times import sh

TODAY = date(2026, 11, 23)
LONG_AGO = sh(1, 5, 10)


@pytest.fixture
def cadences(db):
    cadence.ensure_default_cadences(db.session)
    db.session.commit()


@pytest.fixture
def customer(make, agent):
    def customer(**fields):
        made = make.customer(manager=agent, created_at=LONG_AGO, **fields)
        assert made.customer_class == "D-"  # the factory's assets and turnover: cadence 45 days
        return made

    return customer


def call(db, customer, agent, seconds, days_ago, outcome="answered"):
    db.session.add(
        Call(
            sid=f"CA-{customer.id}-{seconds}",
            direction="outbound",
            from_number="+862150508888",
            to_number=customer.phones[0].e164,
            branch_id=customer.branch_id,
            agent_id=agent.id,
            customer_id=customer.id,
            started_at=sh(11, 23, 10) - timedelta(days=days_ago),
            outcome=outcome,
            duration_seconds=seconds,
        )
    )
    db.session.commit()


def listed(db, viewer, manager_id=None):
    rows = db.session.execute(cadence.call_list_query(db.session, viewer, TODAY, manager_id)).all()
    return [
        (customer.id, cadence.call_list_entry(customer, at, days, TODAY)["days_overdue"]) for customer, at, days in rows
    ]


def test_a_customer_is_listed_the_day_after_the_cadence_ran_out(db, make, agent, cadences, customer, clock):
    within, due_today, overdue = customer(), customer(), customer()
    for person, days in ((within, 44), (due_today, 45), (overdue, 46)):
        make.visit(agent, person, started_at=sh(11, 23, 9) - timedelta(days=days))

    assert listed(db, agent) == [(overdue.id, 1)]


def test_a_29_second_call_is_no_contact_and_a_30_second_one_is(db, agent, cadences, customer, clock):
    short, enough, unanswered = customer(), customer(), customer()
    call(db, short, agent, 29, days_ago=2)
    call(db, enough, agent, 30, days_ago=2)
    call(db, unanswered, agent, 60, days_ago=2, outcome="no_answer")

    assert {customer_id for customer_id, _ in listed(db, agent)} == {short.id, unanswered.id}


def test_never_contacted_counts_from_creation_and_the_most_overdue_comes_first(
    db, make, agent, cadences, customer, clock
):
    oldest = customer()
    newer = make.customer(manager=agent, created_at=sh(11, 23, 10) - timedelta(days=50))
    visited = customer()
    make.visit(agent, visited, started_at=sh(11, 23, 10) - timedelta(days=60))
    make.customer(manager=agent, created_at=sh(11, 23, 10) - timedelta(days=10))  # new: not due

    entries = listed(db, agent)

    assert [customer_id for customer_id, _ in entries] == [oldest.id, visited.id, newer.id]
    assert entries[1:] == [(visited.id, 15), (newer.id, 5)]


def test_the_call_list_is_the_viewers_to_see(db, make, branch, agent, supervisor, cadences, customer, clock):
    mine = customer()
    colleague = make.staff(role="agent", branch=branch)
    theirs = make.customer(manager=colleague, created_at=LONG_AGO)
    make.customer(manager=make.staff(role="agent", branch=make.branch()), created_at=LONG_AGO)
    make.customer(created_at=LONG_AGO)  # no manager: on nobody's list

    assert [c for c, _ in listed(db, agent)] == [mine.id]
    assert sorted(c for c, _ in listed(db, supervisor)) == [mine.id, theirs.id]
    assert [c for c, _ in listed(db, supervisor, manager_id=colleague.id)] == [theirs.id]
    with pytest.raises(Forbidden):
        listed(db, agent, manager_id=colleague.id)


def test_an_edited_cadence_moves_customers_on_and_off_the_list(db, make, agent, admin, cadences, customer, clock):
    person = customer()
    make.visit(agent, person, started_at=sh(11, 23, 9) - timedelta(days=50))
    assert listed(db, agent) == [(person.id, 5)]

    cadence.set_cadence(db.session, admin, "D-", 60)

    assert listed(db, agent) == []
    assert cadence.ensure_default_cadences(db.session) == 0
    assert {row.customer_class: row.days for row in cadence.all_cadences(db.session)}["D-"] == 60
    with pytest.raises(Forbidden):
        cadence.set_cadence(db.session, agent, "D-", 7)


def test_the_defaults_see_higher_classes_more_often(db, cadences):
    days = [row.days for row in cadence.all_cadences(db.session)]

    assert [row.customer_class for row in cadence.all_cadences(db.session)][:2] == ["A+", "B+"]
    assert days == sorted(days) and days[0] < days[-1]


def test_the_due_date_is_counted_in_local_dates():
    class Customer:
        created_at = datetime(2026, 1, 1, tzinfo=kefu_clock.zone())

    late_evening = sh(10, 8, 23, 30)  # 15:30 UTC: still 8 October in Shanghai

    entry = cadence.call_list_entry(Customer(), late_evening, 45, TODAY)

    assert (entry["last_contact_on"], entry["due_on"], entry["days_overdue"]) == (
        date(2026, 10, 8),
        date(2026, 11, 22),
        1,
    )
