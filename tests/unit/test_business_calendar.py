"""DOMAIN §5: working days (China's 2026 calendar with 调休) and business-time arithmetic."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.services.cases.calendar.working_days import BusinessCalendar
from tests.times import SHANGHAI, sh

CAL = BusinessCalendar()


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (sh(11, 20, 16), 1, sh(11, 23, 16)),  # Fri 16:00 + 1 = Mon 16:00
        (sh(4, 3, 16), 1, sh(4, 7, 16)),  # Monday 6 April is Qingming (observed): Tue 16:00
        (sh(11, 21, 10), 1, sh(11, 23, 17)),  # Sat 10:00 + 1 = Mon 17:00
        (sh(11, 18, 8), 2, sh(11, 19, 17)),  # Wed 08:00 + 2 = Thu 17:00
        (sh(11, 18, 9), 1, sh(11, 18, 17)),  # a whole day from opening ends at closing
        (sh(11, 18, 18), 1, sh(11, 19, 17)),  # after hours: counted from next opening
    ],
)
def test_domain_examples_of_adding_working_days(start, n, due):
    assert CAL.add_working_days(start, n) == due


def test_spring_festival_2026_is_closed_and_its_adjusted_saturdays_are_working():
    closed = [date(2026, 2, d) for d in (16, 17, 18, 19, 20, 23)]
    assert not any(CAL.is_working_day(d) for d in closed)
    assert CAL.is_working_day(date(2026, 2, 14))  # Saturday worked in exchange
    assert CAL.is_working_day(date(2026, 2, 28))


def test_national_day_2026_and_its_adjusted_weekend_days():
    working = CAL.working_days(date(2026, 9, 28), date(2026, 10, 12))
    assert working == [
        date(2026, 9, 28),
        date(2026, 9, 29),
        date(2026, 9, 30),
        date(2026, 10, 8),
        date(2026, 10, 9),
        date(2026, 10, 10),  # Saturday, adjusted working day
        date(2026, 10, 12),
    ]
    assert CAL.is_working_day(date(2026, 9, 20))  # Sunday, adjusted working day


def test_complaint_before_national_day_is_due_after_the_holiday():
    # Wed 30 Sep 16:00 + 2 working days: 1h on the 30th, 8h on 8 Oct, 7h on 9 Oct.
    assert CAL.add_working_days(sh(9, 30, 16), 2) == sh(10, 9, 16)


def test_overrides_add_a_holiday_and_a_working_day():
    cal = BusinessCalendar(
        extra_holidays=frozenset({date(2026, 11, 23)}), extra_workdays=frozenset({date(2026, 11, 22)})
    )
    assert not cal.is_working_day(date(2026, 11, 23))
    assert cal.is_working_day(date(2026, 11, 22))  # a Sunday made working
    assert cal.add_working_days(sh(11, 20, 16), 1) == sh(11, 22, 16)


def test_working_time_between_counts_only_business_hours():
    assert CAL.working_time_between(sh(11, 20, 16), sh(11, 23, 10)) == timedelta(hours=2)
    assert CAL.working_time_between(sh(11, 23, 10), sh(11, 20, 16)) == timedelta(0)


def test_next_opening():
    assert CAL.next_opening(sh(11, 20, 17, 30)) == sh(11, 23, 9)
    assert CAL.next_opening(sh(11, 23, 10)) == sh(11, 23, 10)
    assert CAL.is_open(sh(11, 23, 16, 59))
    assert not CAL.is_open(sh(11, 23, 17))


instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)).map(
    lambda d: d.replace(tzinfo=SHANGHAI)
)


@settings(max_examples=200, deadline=None)
@given(a=instants, b=instants, n=st.integers(min_value=0, max_value=10))
def test_add_working_days_is_monotonic(a, b, n):
    a, b = min(a, b), max(a, b)
    assert CAL.add_working_days(a, n) <= CAL.add_working_days(b, n)
    assert CAL.add_working_days(a, n) <= CAL.add_working_days(a, n + 1)


@settings(max_examples=200, deadline=None)
@given(a=instants, n=st.integers(min_value=0, max_value=10))
def test_working_time_between_inverts_add_working_days(a, n):
    assert CAL.working_time_between(a, CAL.add_working_days(a, n)) == n * CAL.day_length
