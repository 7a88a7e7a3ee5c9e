"""The installation's business calendar: the holiday library (country from config) plus the
admin's overrides stored in ``calendar_overrides`` — DOMAIN §5.

``installation_calendar(session)`` is what every deadline computation asks for. Building a
``BusinessCalendar`` is cheap, but its holiday tables fill year by year on first use, so the
last one built is kept and reused while the override rows are unchanged. The cache key *is*
the override rows (a handful of dates), kept per process while the reference version is unchanged
(``crm.services.org.reference_cache``: a change bumps it in its own transaction), so a change made by
another web process or worker is seen by the next request, with no invalidation message to lose.
"""

from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crm.core.memo import forget, per_transaction
from crm.errors import Conflict, InvalidInput, NotFound
from crm.models import CalendarOverride
from crm.services.cases.calendar.working_days import BusinessCalendar
from crm.services.org.reference_cache import cached

OVERRIDE_KINDS = ("holiday", "workday")
# Longest range the working-days listing answers in one go.
MAX_RANGE_DAYS = 366

_settings = {"country": "CN", "timezone": "Asia/Shanghai", "opens": time(9), "closes": time(17)}
_cache = {}
MEMO_KEY = "installation_calendar"


def configure(country, timezone, business_hours):
    """Set the installation's country, time zone and ``"HH:MM-HH:MM"`` business hours (app start)."""
    opens, closes = parse_business_hours(business_hours)
    _settings.update(country=country, timezone=timezone, opens=opens, closes=closes)
    _cache.clear()


def parse_business_hours(text):
    try:
        opens, closes = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError as exc:
        raise ValueError(f"Business hours must look like 09:00-17:00, not {text!r}.") from exc
    if closes <= opens:
        raise ValueError(f"Business hours {text!r} close before they open.")
    return opens, closes


def installation_calendar(session):
    """The BusinessCalendar of this installation, overrides included (read once per transaction)."""
    return per_transaction(session, (MEMO_KEY, tuple(sorted(_settings.items()))), lambda: _calendar(session))


def warm_up(session, at):
    """Build the installation calendar and fill its holiday table for the year of ``at`` in this process.

    The holiday library's first use (its country module imported, the year computed) costs about
    0.4 s, a sixth of a sweep of 10,000 steps. A production worker forks a work horse per job,
    which keeps what its parent had: the worker warms up once before it serves (``crm.cli.workers``).
    """
    installation_calendar(session).next_opening(at)


def _calendar(session):
    rows = cached(session, (MEMO_KEY,), lambda: _override_rows(session))
    key = (tuple(sorted(_settings.items())), rows)
    if key not in _cache:
        _cache.clear()
        _cache[key] = BusinessCalendar(
            **_settings,
            extra_holidays=frozenset(day for day, kind in rows if kind == "holiday"),
            extra_workdays=frozenset(day for day, kind in rows if kind == "workday"),
        )
    return _cache[key]


def _override_rows(session):
    """The override rows, kept per process until a change bumps the reference version (``reference_cache``)."""
    return frozenset(map(tuple, session.execute(select(CalendarOverride.day, CalendarOverride.kind))))


def describe_day(calendar, day):
    """``(working, note)`` for one day: the holiday's name on a closed day, and why a weekend day
    is worked (China's 调休 or an override); None for a plain weekday or weekend."""
    working = calendar.is_working_day(day)
    if day in calendar.extra_workdays:
        return working, "working day (override)"
    if day in calendar.extra_holidays:
        return working, "closed (override)"
    if working:
        return working, "adjusted working day" if day.weekday() >= 5 else None
    return working, calendar.holiday_name(day)


def days_between(start, end):
    """Every day from ``start`` to ``end`` inclusive; 422 for a reversed or too long range."""
    if end < start:
        raise InvalidInput("'to' is before 'from'.", {"to": ["Must not be before 'from'."]})
    if (end - start).days >= MAX_RANGE_DAYS:
        raise InvalidInput(f"Ask for at most {MAX_RANGE_DAYS} days at a time.", {"to": ["Range too long."]})
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def list_overrides(session, start=None, end=None):
    stmt = select(CalendarOverride).order_by(CalendarOverride.day)
    if start is not None:
        stmt = stmt.where(CalendarOverride.day >= start)
    if end is not None:
        stmt = stmt.where(CalendarOverride.day <= end)
    return session.scalars(stmt).all()


def add_override(session, actor, day: date, kind, note=None):
    """An extra holiday or extra working day; one override per day (409 for a second)."""
    if kind not in OVERRIDE_KINDS:
        raise InvalidInput(f"Unknown override kind {kind!r}.", {"kind": [f"One of {', '.join(OVERRIDE_KINDS)}."]})
    if session.scalar(select(CalendarOverride.id).where(CalendarOverride.day == day)) is not None:
        raise Conflict(f"{day.isoformat()} already has an override; delete it first.", {"day": ["Already overridden."]})
    override = CalendarOverride(day=day, kind=kind, note=note, created_by_id=actor.id if actor else None)
    try:
        with session.begin_nested():  # two admins adding the same day at once: the unique index decides
            session.add(override)
    except IntegrityError as exc:
        raise Conflict(f"{day.isoformat()} already has an override.", {"day": ["Already overridden."]}) from exc
    forget(session, MEMO_KEY)
    return override


def remove_override(session, day: date):
    override = session.scalar(select(CalendarOverride).where(CalendarOverride.day == day))
    if override is None:
        raise NotFound(f"No override on {day.isoformat()}.")
    session.delete(override)
    session.flush()
    forget(session, MEMO_KEY)
    return override
