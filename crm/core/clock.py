"""The one clock. Every piece of code asks ``now()``; tests and ``--at`` move it.

Times are aware UTC. ``local(dt)`` converts to the installation's time zone for
calendar maths and display only.
"""

from contextlib import contextmanager
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

_frozen_at = None
_zone = ZoneInfo("Asia/Shanghai")


def now():
    return _frozen_at or datetime.now(UTC)


def set_timezone(name):
    global _zone
    _zone = ZoneInfo(name)


def zone():
    return _zone


def local(dt):
    return as_utc(dt).astimezone(_zone)


def as_utc(dt):
    """Aware UTC from any datetime; a naive one is taken as UTC (how SQLite returns it)."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def freeze(at):
    """Stop the clock at ``at`` (naive means UTC); ``freeze(None)`` lets it run again."""
    global _frozen_at
    _frozen_at = as_utc(at) if at is not None else None


@contextmanager
def frozen(at):
    previous = _frozen_at
    freeze(at)
    try:
        yield
    finally:
        freeze(previous)
