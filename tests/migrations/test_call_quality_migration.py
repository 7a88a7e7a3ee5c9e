"""Revision 0016 fills the call-quality columns of the calls made before it from their events."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from crm.extensions import db as _db

EVENTS = (
    ("menu", '{"digits": "9", "action": "retry"}', 0),
    ("menu", '{"digits": "0", "action": "agent"}', 5),
    ("queued", None, 6),
    ("ringing_agent", '{"agent_id": 1}', 6),
    ("agent_answered", '{"agent_id": 1, "talk_seconds": "45"}', 18),
)


def test_revision_0016_fills_offered_ring_and_talk_from_the_events(app, db, clock):
    _db.session.commit()
    downgrade(revision="0011")
    at = clock.at.replace(tzinfo=None)
    with _db.engine.begin() as conn:
        call_id = conn.execute(
            sa.text(
                "INSERT INTO calls (sid, direction, status, started_at) VALUES ('CA-old', 'inbound', 'completed', :at)"
                " RETURNING id"
            ),
            {"at": at},
        ).scalar()
        for n, (kind, detail, seconds) in enumerate(EVENTS):
            conn.execute(
                sa.text(
                    "INSERT INTO call_events (call_id, at, kind, detail, dedupe_key)"
                    " VALUES (:call, :at, :kind, :detail, :key)"
                ),
                {"call": call_id, "at": at + _seconds(seconds), "kind": kind, "detail": detail, "key": f"CA-old:{n}"},
            )
    upgrade()
    with _db.engine.connect() as conn:
        row = conn.execute(sa.text("SELECT offered_at, first_ring_at, talk_seconds FROM calls")).one()
    offered, ring, talk = row
    assert (_naive(offered), _naive(ring), talk) == (at + _seconds(5), at + _seconds(6), 45)


def _seconds(n):
    return timedelta(seconds=n)


def _naive(value):
    """SQLite hands back text, PostgreSQL an aware datetime: both as naive UTC."""
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value.astimezone(UTC).replace(tzinfo=None)
