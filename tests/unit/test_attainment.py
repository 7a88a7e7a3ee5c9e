"""Attainment (DOMAIN §4): period edges, working days, history kept across a change, precedence."""

from datetime import date

import pytest

from crm.errors import InvalidInput
from crm.models import QuotaTarget
from crm.services.activity import quotas
from crm.services.activity.attainment import attainment_rows, period_range
from tests import activity_factories as rows
from tests.times import sh


def target(db, n=10, period="day", kind="contact_calls", staff=None, branch=None, valid_from=date(2026, 1, 1)):
    row = QuotaTarget(
        kind=kind,
        period=period,
        target=n,
        valid_from=valid_from,
        staff_id=staff.id if staff else None,
        branch_id=staff.branch_id if staff else (branch.id if branch else None),
    )
    db.session.add(row)
    db.session.commit()
    return row


def contact_row(session, start, end, agent, period="day", group="manager"):
    found = attainment_rows(session, start, end, group=group, staff_id=agent.id if group == "manager" else None)
    return next(r for r in found if r["kind"] == "contact_calls" and r["target_period"] == period)


@pytest.mark.parametrize(
    ("period", "on", "expected"),
    [
        ("day", date(2026, 5, 9), (date(2026, 5, 9), date(2026, 5, 9))),
        ("week", date(2026, 11, 29), (date(2026, 11, 23), date(2026, 11, 29))),  # a Sunday: its week began Monday
        ("week", date(2026, 11, 23), (date(2026, 11, 23), date(2026, 11, 29))),
        ("month", date(2026, 2, 14), (date(2026, 2, 1), date(2026, 2, 28))),
        ("month", date(2026, 12, 31), (date(2026, 12, 1), date(2026, 12, 31))),
        ("quarter", date(2026, 11, 30), (date(2026, 10, 1), date(2026, 12, 31))),
        ("quarter", date(2026, 3, 31), (date(2026, 1, 1), date(2026, 3, 31))),
    ],
)
def test_period_range(period, on, expected):
    assert period_range(period, on) == expected


def test_a_week_starts_on_monday_and_a_month_ends_at_local_midnight(db, make, agent):
    target(db, 10)
    customer = make.customer(manager=agent)
    for at in (sh(11, 22, 23, 59), sh(11, 23, 0, 0), sh(11, 30, 23, 59), sh(12, 1, 0, 0)):
        rows.call(db.session, agent, customer, at)
    week = contact_row(db.session, *period_range("week", date(2026, 11, 25)), agent)
    assert (week["done"], week["target"], week["ratio"]) == (1, 50, 0.02)
    month = contact_row(db.session, *period_range("month", date(2026, 11, 15)), agent)
    assert (month["done"], month["target"]) == (3, 21 * 10)  # November 2026: 21 working days


def test_no_daily_target_is_owed_on_a_holiday_and_one_is_on_an_adjusted_saturday(db, agent):
    target(db, 10)
    mid_autumn = date(2026, 9, 25)  # a Friday
    assert contact_row(db.session, *period_range("week", mid_autumn), agent)["target"] == 40
    [holiday] = [r for r in attainment_rows(db.session, mid_autumn, mid_autumn) if r["kind"] == "contact_calls"]
    assert (holiday["target_period"], holiday["target"], holiday["ratio"]) == (None, None, None)
    worked_saturday = date(2026, 5, 9)  # 调休: Labour Day's days off are made up
    assert contact_row(db.session, worked_saturday, worked_saturday, agent)["target"] == 10


def test_changing_a_target_keeps_last_months_attainment(db, supervisor, agent, clock):
    clock.set(sh(10, 1, 9))
    first = quotas.set_target(db.session, supervisor, "contact_calls", "day", 12, staff_id=agent.id)
    db.session.commit()
    october = period_range("month", date(2026, 10, 1))
    before = contact_row(db.session, *october, agent)["target"]
    clock.set(sh(11, 16, 9))
    quotas.change_target(db.session, supervisor, first.id, 20)
    db.session.commit()
    assert contact_row(db.session, *october, agent)["target"] == before == 12 * 18  # Golden Week; Sat 10 worked
    # November: 10 working days at 12 before the change on the 16th, 11 at 20 from it.
    assert contact_row(db.session, *period_range("month", date(2026, 11, 1)), agent)["target"] == 120 + 220
    assert (first.valid_to, quotas.today()) == (date(2026, 11, 16), date(2026, 11, 16))


def test_a_past_start_is_refused(db, supervisor, agent, clock):
    with pytest.raises(InvalidInput):
        quotas.set_target(db.session, supervisor, "contact_calls", "day", 12, agent.id, valid_from=date(2026, 11, 1))


def test_personal_beats_team_beats_default_and_a_team_sums_its_managers(db, make, branch, agent):
    colleague = make.staff(role="agent", branch=branch)
    elsewhere = make.staff(role="agent", branch=make.branch())
    target(db, 10)
    target(db, 12, branch=branch)
    target(db, 15, staff=agent)
    monday = date(2026, 11, 23)
    assert [contact_row(db.session, monday, monday, who)["target"] for who in (agent, colleague, elsewhere)] == [
        15,
        12,
        10,
    ]
    teams = attainment_rows(db.session, monday, monday, group="team", branch_id=branch.id)
    [team] = [r for r in teams if r["kind"] == "contact_calls"]
    assert (team["branch_id"], team["target"], team["staff_id"]) == (branch.id, 27, None)


def test_a_weekly_target_is_owed_for_whole_weeks_only(db, agent):
    target(db, 60, period="week")
    assert contact_row(db.session, *period_range("week", date(2026, 11, 25)), agent, period="week")["target"] == 60
    # The week of 28 September (National Day from Thursday) has its working days Monday to Wednesday.
    assert contact_row(db.session, date(2026, 9, 28), date(2026, 9, 30), agent, period="week")["target"] == 60
    wednesday = date(2026, 11, 25)
    periods = {r["target_period"] for r in attainment_rows(db.session, wednesday, wednesday, staff_id=agent.id)}
    assert "week" not in periods
