"""The times a survey call offers when the customer says "not convenient now" — DOMAIN §7, issue 10 §10.

An opening is the start of a half day of a working day, clipped to business hours: the morning
(上午) from the opening time, the afternoon (下午) from 14:00 — with 09:00–17:00, 9:00 and 14:00.
The call offers the next ``OFFERED`` openings after the instant it asks, one key each
(「今天下午请按1，明天上午请按2，明天下午请按3」). The openings depend only on that instant and the
installation's calendar, so the step that reads the key works out the same list from the instant
the prompt was spoken (carried in the signed URL): key 1 is what the customer heard as key 1, even
when a half day began in between.
"""

from dataclasses import dataclass
from datetime import datetime, time

from crm.core.clock import as_utc
from crm.services.cases.calendar.installation import installation_calendar

OFFERED = 3
# (name, earliest start, end) of each half day; business hours clip both ends.
HALF_DAYS = (("上午", time(0), time(12)), ("下午", time(14), time.max))
NEAR_DAYS = ("今天", "明天", "后天")
WEEKDAYS = "一二三四五六日"
PROMPT = "请问您什么时候方便接听回访？{choices}。"


@dataclass(frozen=True)
class Opening:
    at: datetime  # UTC
    label: str  # as spoken: 今天下午, 12月7日星期一上午


def openings(session, at, count=OFFERED):
    """The next ``count`` openings strictly after ``at`` (an aware datetime)."""
    calendar = installation_calendar(session)
    local = as_utc(at).astimezone(calendar.zone)
    starts = _half_day_starts(calendar)
    found = []
    day = local.date() if calendar.is_working_day(local.date()) else calendar.next_working_day(local.date())
    while len(found) < count:
        for name, start in starts:
            instant = datetime.combine(day, start, tzinfo=calendar.zone)
            if instant > local:
                found.append(Opening(as_utc(instant), _day_label(day, local.date()) + name))
        day = calendar.next_working_day(day)
    return found[:count]


def _half_day_starts(calendar):
    """``(name, start)`` of the half days business hours reach into; hours that fit neither (12:00–14:00)
    offer the whole day from its opening."""
    starts = []
    for name, earliest, end in HALF_DAYS:
        start = max(earliest, calendar.opens)
        if start < min(end, calendar.closes):
            starts.append((name, start))
    return starts or [("", calendar.opens)]


def _day_label(day, today):
    ahead = (day - today).days
    if ahead < len(NEAR_DAYS):
        return NEAR_DAYS[ahead]
    return f"{day.month}月{day.day}日星期{WEEKDAYS[day.weekday()]}"


def offer_text(offered):
    """What the customer hears: each opening with its key."""
    choices = "，".join(f"{opening.label}请按{key}" for key, opening in enumerate(offered, start=1))
    return PROMPT.format(choices=choices)


def picked(offered, digits):
    """The opening whose key was pressed, or None (nothing, or a key not offered)."""
    value = (digits or "").strip()
    if value.isdigit() and 1 <= int(value) <= len(offered):
        return offered[int(value) - 1]
    return None
