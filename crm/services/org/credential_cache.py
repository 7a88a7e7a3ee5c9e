"""Who a live credential belongs to, remembered by each app (so each process) for at most one second.

Every authenticated read asks "whose is this token?"; the screen pop's budget has no room for a
database round trip for it. So a read remembers the answer for ``TTL`` seconds: a credential
revoked or a staff member deactivated in another process stops working within that second, and one
revoked in this process at once (the mapper events below, and ``forget_staff`` after bulk updates).
Expiry is checked on every use against the cached ``expires_at``, so an expired credential never
works. Only what access decisions read is kept (id, role, branch); any other attribute of the staff
member is loaded fresh from the database when a request uses it. Writes never use the cache
(``crm.auth``).
"""

import time
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from crm.core.clock import now
from crm.models import Credential, Staff

TTL = 1.0  # seconds: the longest a revocation in another process may go unnoticed
_EXTENSION = "kefu.credential_cache"
# The clock of the TTL (tests move it); ``now()`` stays the clock of expiry.
monotonic = time.monotonic


@dataclass(frozen=True)
class Entry:
    """What is remembered of a credential: its staff member as the access rules read a viewer (``id``,
    ``role``, ``branch_id``), when it expires, and when it was found."""

    id: int  # the staff member's
    role: str
    branch_id: int | None
    expires_at: datetime
    stored_at: float


def _entries():
    """This app's cache: secret hash and kind → ``Entry``."""
    return current_app.extensions.setdefault(_EXTENSION, {})


def live_entry(key):
    """The ``Entry`` found for ``key`` less than ``TTL`` ago, unless it has expired since; else None."""
    entry = _entries().get(key)
    if entry is None or monotonic() - entry.stored_at >= TTL or entry.expires_at <= now():
        return None
    return entry


def remembered(session, key):
    """The staff member ``key`` was found to belong to less than ``TTL`` ago, in ``session``; else None."""
    entry = live_entry(key)
    if entry is None:
        return None
    present = session.identity_map.get(identity_key(Staff, entry.id))
    if present is not None:
        return present
    staff = Staff(id=entry.id, role=entry.role, branch_id=entry.branch_id, is_active=True)
    make_transient_to_detached(staff)  # persistent without a query; other attributes load when read
    session.add(staff)
    return staff


def remember(key, staff, expires_at):
    entries = _entries()
    if len(entries) > 10_000:  # stale entries of tokens seen once; never more than a burst's worth
        entries.clear()
    entries[key] = Entry(staff.id, staff.role, staff.branch_id, expires_at, monotonic())


def forget(key):
    _entries().pop(key, None)


def forget_staff(staff_id):
    """Forget every credential of ``staff_id`` in this app (revoked, deactivated, role or branch changed)."""
    if not has_app_context():
        return
    entries = _entries()
    for key, entry in list(entries.items()):  # a copy: another thread of this worker may add meanwhile
        if entry.id == staff_id:
            entries.pop(key, None)


@event.listens_for(Credential, "after_update")
@event.listens_for(Credential, "after_delete")
def _credential_changed(mapper, connection, credential):
    forget_staff(credential.staff_id)


@event.listens_for(Staff, "after_update")
@event.listens_for(Staff, "after_delete")
def _staff_changed(mapper, connection, staff):
    forget_staff(staff.id)
