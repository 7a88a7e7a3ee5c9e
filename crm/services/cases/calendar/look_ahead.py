"""The nightly look ahead at the installation calendar (DOMAIN §5): is next year's arrangement known?

China publishes each year's holiday arrangement — which weekends are worked in exchange for
the long holidays (调休) — in the autumn before. The holiday library ships it with a release;
until then it computes next year's holidays from the statutory rules alone, without a single
adjusted working weekend, and every deadline falling there is a working day off. This check
walks the calendar over the coming ``HORIZON_DAYS`` (filling, in passing, the library's per-year
tables of the calling process) and names the years that lack the
arrangement, so the nightly job can tell the operators to upgrade ``holidays`` or enter the
adjusted days as admin overrides.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from crm.services.cases.calendar.installation import installation_calendar

# Deadlines reach a few weeks ahead; a year and a month covers any policy an admin may set.
HORIZON_DAYS = 400


@dataclass(frozen=True)
class CalendarLookahead:
    first: date
    last: date
    working_days: int
    years_without_arrangement: tuple  # years whose adjusted working weekends are not published yet

    def as_dict(self):
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "working_days": self.working_days,
            "years_without_arrangement": list(self.years_without_arrangement),
        }


def look_ahead(session, today, days=HORIZON_DAYS):
    """Walk the installation calendar from ``today`` for ``days`` days; see the module docstring."""
    calendar = installation_calendar(session)
    last = today + timedelta(days=days - 1)
    working = calendar.working_days(today, last)
    years = range(today.year, last.year + 1)
    return CalendarLookahead(today, last, len(working), _years_without_arrangement(calendar, years))


def _years_without_arrangement(calendar, years):
    """Years with no adjusted working weekend, when this (the first) year has official ones — a country
    that never adjusts has nothing missing. An admin's extra working day in a year counts as its
    arrangement entered by hand."""
    adjusted = {day.year for day in _worked_weekend_days(calendar, years) if day not in calendar.extra_workdays}
    if years[0] not in adjusted:
        return ()
    adjusted |= {day.year for day in calendar.extra_workdays}
    return tuple(year for year in years if year not in adjusted)


def _worked_weekend_days(calendar, years):
    first, last = date(years[0], 1, 1), date(years[-1], 12, 31)
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in days if day.weekday() >= 5 and calendar.is_working_day(day)]
