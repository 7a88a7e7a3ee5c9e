"""The SQL pieces the call-quality report's statements are built from, evaluated by the database."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import literal, select

from crm.core.sql_time import at_least_seconds_after
from crm.models.types import UTCDateTime
from crm.services.quality.call_quality_queries import Scope

T0 = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)
WEEK = 7 * 86400


def instant(value):
    return literal(value, UTCDateTime)


def test_at_least_seconds_after_holds_from_the_boundary_on(db):
    def holds(later):
        return db.session.scalar(select(at_least_seconds_after(instant(later), instant(T0), WEEK)))

    assert [holds(T0 + timedelta(seconds=WEEK - 1)), holds(T0 + timedelta(seconds=WEEK))] == [False, True]


def test_local_day_finds_each_of_five_days_by_its_bounds(db):
    days = tuple((date(2026, 11, 16 + n), T0 + timedelta(days=n), T0 + timedelta(days=n + 1)) for n in range(5))
    scope = Scope(T0, days[-1][2], days, "day", None, 20, 7, T0)
    probes = [at for _, lo, hi in days for at in (lo, hi - timedelta(seconds=1))]
    found = [db.session.scalar(select(scope.local_day(instant(at)))) for at in probes]
    assert found == [day.isoformat() for day, _, _ in days for _ in range(2)]
