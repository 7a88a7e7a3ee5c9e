"""Reference data kept in each process while its version is unchanged (issue 13: the webhooks' hot path).

Every inbound call needs the dialled number's line and branch, the active scripts and the calendar
overrides; they change a few times a year and are read thousands of times a minute. Each process
keeps what it built under ``(key, version)``, where the version is the one row of
``reference_versions`` (a random number each change), read once per transaction (one primary-key
look-up instead of the rows).

Every ORM flush that adds, changes or deletes a row of ``REFERENCE_MODELS`` bumps the version in the
same transaction (``before_flush`` below), so when it commits the next request of every process —
web workers, RQ workers — sees a new version and rebuilds; a rolled-back change bumps nothing. Within
the writing transaction itself nothing is cached, so an uncommitted value can never be kept. Cached
values are plain snapshots (never ORM instances shared across sessions and threads). ORM bulk statements
through a session bump it too (``do_orm_execute``); Core writes on a bare connection
to these tables must call ``bump`` themselves (there are none today).
"""

import secrets
import threading

from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session, scoped_session

from crm.core.memo import forget, per_transaction
from crm.models import Branch, CalendarOverride, PhoneLine, ReferenceVersion, Script

REFERENCE_MODELS = (Branch, CalendarOverride, PhoneLine, Script)
VERSION_ROW = 1
_MEMO_KEY = "reference_version"
_DIRTY = "kefu.reference_dirty"  # the transaction that bumped the version (nothing is cached in it)

_cache = {}
_lock = threading.Lock()


def _plain(session):
    return session() if isinstance(session, scoped_session) else session


# Read through the session's connection (Core, not the ORM's execution path): the first statement of
# every webhook, built once.
_VERSION = select(ReferenceVersion.version).where(ReferenceVersion.id == VERSION_ROW)


def version(session):
    """The reference data's version as this transaction sees it (read once per transaction)."""
    return per_transaction(session, (_MEMO_KEY,), lambda: _plain(session).connection().execute(_VERSION).scalar())


def cached(session, key, build):
    """``build()``, reused by this process while the reference version is unchanged."""
    current = version(session)
    plain = _plain(session)
    if current is None or plain.info.get(_DIRTY) is plain.get_transaction():
        return build()  # no version row (an unmigrated database) or our own uncommitted change
    hit = _cache.get(key)
    if hit is not None and hit[0] == current:
        return hit[1]
    value = build()
    with _lock:
        _cache[key] = (current, value)
    return value


def clear():
    """Forget everything this process cached (tests)."""
    with _lock:
        _cache.clear()


def bump(session):
    """Mark a change of reference data: a new version, committed (or not) with the change.

    The version is a random number, not a counter: a database emptied and refilled (tests, a restore)
    can never come back to a version some process has cached. A missing row is made again."""
    plain = _plain(session)
    connection, token = plain.connection(), secrets.randbits(62)
    changed = connection.execute(
        update(ReferenceVersion).where(ReferenceVersion.id == VERSION_ROW).values(version=token)
    ).rowcount
    if not changed:
        connection.execute(insert(ReferenceVersion).values(id=VERSION_ROW, version=token))
    plain.info[_DIRTY] = plain.get_transaction()
    forget(plain, _MEMO_KEY)


@event.listens_for(Session, "before_flush")
def _bump_on_change(session, flush_context, instances):
    touched = (*session.new, *session.deleted, *(row for row in session.dirty if session.is_modified(row)))
    if any(isinstance(row, REFERENCE_MODELS) for row in touched):
        bump(session)


@event.listens_for(Session, "do_orm_execute")
def _bump_on_bulk_change(state):
    """``session.execute(update(Script)…)``, ``query(CalendarOverride).delete()``: changes without a flush."""
    writes = state.is_insert or state.is_update or state.is_delete
    if writes and state.bind_mapper is not None and issubclass(state.bind_mapper.class_, REFERENCE_MODELS):
        bump(state.session)
