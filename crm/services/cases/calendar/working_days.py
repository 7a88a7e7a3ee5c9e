"""Working days and business hours — DOMAIN §5.

A working day is Monday–Friday minus public holidays plus officially adjusted working
weekends (China's 调休), both from the ``holidays`` library, then the installation's
own overrides on top. "N working days" is N × the length of a business day, counted
only inside business hours on working days, from the intake instant (or the next
opening when intake is outside hours).

All public functions take and return aware datetimes; results are UTC.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays

from crm.core.clock import as_utc

# Far enough ahead for any deadline, short enough that a loop bug cannot spin forever.
_MAX_DAYS_SCANNED = 3660


@dataclass(frozen=True)
class BusinessCalendar:
    country: str = "CN"
    timezone: str = "Asia/Shanghai"
    opens: time = time(9, 0)
    closes: time = time(17, 0)
    extra_holidays: frozenset = field(default_factory=frozenset)
    extra_workdays: frozenset = field(default_factory=frozenset)

    @cached_property
    def zone(self):
        return ZoneInfo(self.timezone)

    @cached_property
    def _public(self):
        return holidays.country_holidays(self.country)

    @property
    def day_length(self):
        return datetime.combine(date.min, self.closes) - datetime.combine(date.min, self.opens)

    def is_working_day(self, day):
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        return self._public.is_working_day(day)

    def holiday_name(self, day):
        return self._public.get(day)

    def working_days(self, start, end):
        """Working days from ``start`` to ``end`` inclusive."""
        return [d for d in _dates(start, end) if self.is_working_day(d)]

    def next_working_day(self, day):
        """The first working day strictly after ``day``."""
        return next(d for d in _dates(day + timedelta(days=1)) if self.is_working_day(d))

    def _hours(self, day):
        """Opening and closing instants of ``day`` (local, aware)."""
        return (
            datetime.combine(day, self.opens, tzinfo=self.zone),
            datetime.combine(day, self.closes, tzinfo=self.zone),
        )

    def next_opening(self, at):
        """``at`` itself when inside business hours, else the next opening (UTC)."""
        local = as_utc(at).astimezone(self.zone)
        for day in _dates(local.date()):
            if not self.is_working_day(day):
                continue
            opens, closes = self._hours(day)
            if local < closes:
                return as_utc(max(local, opens))
        raise OverflowError("no working day within ten years")

    def is_open(self, at):
        return self.next_opening(at) == as_utc(at)

    def add_business_time(self, start, amount):
        """The instant when ``amount`` of business time has passed since ``start`` (UTC)."""
        if amount < timedelta(0):
            raise ValueError("amount must not be negative")
        local = as_utc(start).astimezone(self.zone)
        remaining = amount
        for day in _dates(local.date()):
            if not self.is_working_day(day):
                continue
            opens, closes = self._hours(day)
            begin = max(local, opens)
            if begin >= closes:
                continue
            available = closes - begin
            if remaining <= available:
                return as_utc(begin + remaining)
            remaining -= available
        raise OverflowError("no working day within ten years")

    def add_working_days(self, start, n):
        return self.add_business_time(start, n * self.day_length)

    def working_time_between(self, a, b):
        """Business time inside [a, b); zero when b is not after a."""
        a_local, b_local = as_utc(a).astimezone(self.zone), as_utc(b).astimezone(self.zone)
        total = timedelta(0)
        if b_local <= a_local:
            return total
        for day in _dates(a_local.date(), b_local.date()):
            if not self.is_working_day(day):
                continue
            opens, closes = self._hours(day)
            begin, end = max(a_local, opens), min(b_local, closes)
            if end > begin:
                total += end - begin
        return total


def _dates(start, end=None):
    last = end if end is not None else start + timedelta(days=_MAX_DAYS_SCANNED)
    day = start
    while day <= last:
        yield day
        day += timedelta(days=1)
