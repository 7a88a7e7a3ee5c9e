"""``kefu calendar`` and ``kefu deadline``: what an operator reads (DOMAIN §5, China 2026)."""

from datetime import date

import pytest

from crm.models import CalendarOverride, DeadlinePolicy


@pytest.fixture
def run(kefu_lines):
    """``run(*args)``: (exit code, printed lines) of ``kefu calendar`` or ``kefu deadline``."""
    return kefu_lines


def test_complaint_friday_1600_is_dispatched_by_1605_and_answered_on_the_adjusted_working_sunday(run):
    # Sunday 2026-09-20 is worked in exchange for National Day, so the first working day after
    # Friday 18 September is that Sunday, not Monday.
    code, lines = run("deadline", "--kind", "complaint", "--at", "2026-09-18T16:00:00+08:00")
    assert code == 0
    assert lines == [
        "dispatch_due: 2026-09-18T16:05:00+08:00",
        "first_response_due: 2026-09-20T16:00:00+08:00",
        "resolution_due: 2026-09-21T16:00:00+08:00",
    ]


def test_an_ordinary_friday_afternoon_complaint_is_due_monday_then_tuesday(run):
    code, lines = run("deadline", "--kind", "complaint", "--at", "2026-11-20T16:00:00+08:00")
    assert code == 0
    assert lines == [
        "dispatch_due: 2026-11-20T16:05:00+08:00",
        "first_response_due: 2026-11-23T16:00:00+08:00",
        "resolution_due: 2026-11-24T16:00:00+08:00",
    ]


def test_an_instant_without_offset_is_local_time_and_output_keeps_the_installation_offset(run):
    code, lines = run("deadline", "--kind", "opinion", "--vip", "--at", "2026-11-21T10:00:00")
    assert code == 0
    assert lines == ["resolution_due: 2026-11-23T17:00:00+08:00"]  # Sat 10:00 + 1 = Mon 17:00


def test_an_instant_in_utc_is_shown_in_the_installation_time_zone(run):
    code, lines = run("deadline", "--kind", "email_inquiry", "--at", "2026-11-18T00:00:00Z")
    assert code == 0
    assert lines == ["resolution_due: 2026-11-19T17:00:00+08:00"]  # Wed 08:00 Shanghai + 2 = Thu 17:00


def test_deadline_reads_the_policies_from_the_database(run, db):
    policy = db.session.query(DeadlinePolicy).filter_by(kind="inquiry", vip=True, clock="first_response").one()
    policy.amount, policy.unit = 30, "minutes"
    db.session.commit()
    assert run("deadline", "--kind", "inquiry", "--vip", "--at", "2026-11-23T10:00:00+08:00")[1] == [
        "first_response_due: 2026-11-23T10:30:00+08:00"
    ]
    assert run("deadline", "--kind", "inquiry", "--at", "2026-11-23T10:00:00+08:00")[1] == [
        "first_response_due: 2026-11-24T10:00:00+08:00"
    ]


def test_an_override_holiday_moves_the_deadline(run, db):
    db.session.add(CalendarOverride(day=date(2026, 11, 23), kind="holiday"))
    db.session.commit()
    code, lines = run("deadline", "--kind", "inquiry", "--at", "2026-11-20T16:00:00+08:00")
    assert lines == ["first_response_due: 2026-11-24T16:00:00+08:00"]


def test_a_bad_instant_is_refused_with_a_usage_error(run):
    code, lines = run("deadline", "--kind", "complaint", "--at", "next friday")
    assert code == 2
    assert any("ISO 8601" in line for line in lines)


def test_calendar_lists_the_working_days_around_national_day_2026(run):
    code, lines = run("calendar", "--from", "2026-09-28", "--to", "2026-10-12")
    assert code == 0
    assert lines == [
        "2026-09-28 Mon",
        "2026-09-29 Tue",
        "2026-09-30 Wed",
        "2026-10-08 Thu",
        "2026-10-09 Fri",
        "2026-10-10 Sat  adjusted working day",
        "2026-10-12 Mon",
    ]


def test_calendar_all_names_the_holidays_on_closed_days(run):
    code, lines = run("calendar", "--from", "2026-10-01", "--to", "2026-10-04", "--all")
    assert code == 0
    assert lines == [
        "2026-10-01 Thu  closed  National Day",
        "2026-10-02 Fri  closed  National Day",
        "2026-10-03 Sat  closed  National Day",
        "2026-10-04 Sun  closed",
    ]


def test_calendar_shows_overrides(run, db):
    db.session.add_all(
        [
            CalendarOverride(day=date(2026, 10, 11), kind="workday"),
            CalendarOverride(day=date(2026, 10, 12), kind="holiday"),
        ]
    )
    db.session.commit()
    code, lines = run("calendar", "--from", "2026-10-10", "--to", "2026-10-12", "--all")
    assert lines == [
        "2026-10-10 Sat  working  adjusted working day",
        "2026-10-11 Sun  working  working day (override)",
        "2026-10-12 Mon  closed  closed (override)",
    ]


def test_calendar_refuses_a_reversed_range(run):
    code, lines = run("calendar", "--from", "2026-10-12", "--to", "2026-09-28")
    assert code == 2
