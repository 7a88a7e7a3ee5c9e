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

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm.core.clock import as_utc
from crm.services.cases.calendar.installation import installation_calendar

OFFERED = 3
# (name, earliest start, end) of each half day; business hours clip both ends.
# Words are English msgids spoken in the language in force (the survey's: ``telephony.webhooks.surveys``).
HALF_DAYS = ((_l("morning"), time(0), time(12)), (_l("afternoon"), time(14), time.max))
NEAR_DAYS = (_l("today"), _l("tomorrow"), _l("the day after tomorrow"))
WEEKDAYS = (
    _l("Monday %(month)s/%(day)s"),
    _l("Tuesday %(month)s/%(day)s"),
    _l("Wednesday %(month)s/%(day)s"),
    _l("Thursday %(month)s/%(day)s"),
    _l("Friday %(month)s/%(day)s"),
    _l("Saturday %(month)s/%(day)s"),
    _l("Sunday %(month)s/%(day)s"),
)


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
                found.append(Opening(as_utc(instant), _label(_day_label(day, local.date()), name)))
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


def _label(day, half):
    return _("%(day)s in the %(half)s", day=day, half=str(half)) if half else day


def _day_label(day, today):
    ahead = (day - today).days
    if ahead < len(NEAR_DAYS):
        return str(NEAR_DAYS[ahead])
    return str(WEEKDAYS[day.weekday()]) % {"month": day.month, "day": day.day}


def offer_text(offered):
    """What the customer hears: each opening with its key."""
    choices = _(", ").join(
        _("%(opening)s, press %(key)s", opening=opening.label, key=key) for key, opening in enumerate(offered, 1)
    )
    return _("When would suit you for the callback survey? %(choices)s.", choices=choices)


def picked(offered, digits):
    """The opening whose key was pressed, or None (nothing, or a key not offered)."""
    value = (digits or "").strip()
    if value.isdigit() and 1 <= int(value) <= len(offered):
        return offered[int(value) - 1]
    return None
