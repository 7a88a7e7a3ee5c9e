"""Console sessions and API tokens: issued, looked up, listed, revoked — DOMAIN §1.

A credential is a random secret handed out once (in the session cookie, or as a bearer token);
the database keeps its sha256 and when it expires or was revoked. Signing out revokes the
session's row, so a copied cookie stops working; deactivating a staff member revokes all of
theirs, and re-activating them revives none.
"""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import object_session

from crm.core.bulk import delete_in_batches
from crm.core.clock import now
from crm.errors import Forbidden, NotFound
from crm.models import Credential, Staff
from crm.services.org import credential_cache

_lifetimes = {"session": timedelta(hours=12), "api": timedelta(days=30)}
# An ended credential is kept this long (to answer "was this token still valid then?"), then pruned.
ENDED_KEPT = timedelta(days=30)
PRUNE_BATCH = 1000


def configure(session_hours, api_token_days):
    """How long a console session and an API token last (settings KEFU_SESSION_HOURS, KEFU_API_TOKEN_DAYS)."""
    _lifetimes.update(session=timedelta(hours=session_hours), api=timedelta(days=api_token_days))


def hash_secret(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(staff, kind, label=None):
    """A fresh credential of ``kind`` for ``staff`` (in a session); returns ``(credential, secret)``.

    Only the secret's hash is kept: show the secret now or never.
    """
    secret = secrets.token_urlsafe(32)
    issued_at = now()
    credential = Credential(
        staff=staff,
        kind=kind,
        secret_hash=hash_secret(secret),
        label=label,
        created_at=issued_at,
        expires_at=issued_at + _lifetimes[kind],
    )
    object_session(staff).add(credential)
    return credential, secret


def issue_api_token(staff, label=None):
    """A new bearer token for ``staff``, besides any they have; the secret only."""
    return issue(staff, "api", label)[1]


def staff_for(session, secret, kind, cached=False):
    """The active staff member a live credential of ``kind`` with this secret belongs to, else None.

    ``cached``: an answer found less than a second ago in this app may do (``credential_cache``; reads
    only). Otherwise one query: this runs on every request.
    """
    if not secret:
        return None
    key = (hash_secret(secret), kind)
    if cached and (staff := credential_cache.remembered(session, key)) is not None:
        return staff
    row = session.execute(
        select(Staff, Credential.expires_at)
        .join(Credential, Credential.staff_id == Staff.id)
        .where(Credential.secret_hash == key[0], Credential.kind == kind, *_live(), Staff.is_active.is_(True))
    ).first()
    if row is None:
        credential_cache.forget(key)
        return None
    credential_cache.remember(key, row[0], row[1])
    return row[0]


def viewer_for(session, secret, kind):
    """Whom a live credential of ``kind`` with this secret belongs to, as the access rules read a viewer
    (``id``, ``role``, ``branch_id``), else None: reads only, like ``staff_for(cached=True)``, whose answer it
    is, but a remembered one comes without building a ``Staff`` in the session (the screen pop's lane)."""
    if secret and (entry := credential_cache.live_entry((hash_secret(secret), kind))) is not None:
        return entry
    return staff_for(session, secret, kind, cached=True)


def revoke_secret(session, secret, kind):
    """End the credential with this secret (sign-out); an unknown or ended one is left alone."""
    credential = session.scalar(select(Credential).where(*_matching(secret, kind), *_live())) if secret else None
    if credential is not None:
        credential.revoked_at = now()
    if secret:
        credential_cache.forget((hash_secret(secret), kind))


def revoke_all(session, staff):
    """End every session and token of ``staff`` (deactivation)."""
    session.execute(
        update(Credential)
        .where(Credential.staff_id == staff.id, Credential.revoked_at.is_(None))
        .values(revoked_at=now())
    )
    credential_cache.forget_staff(staff.id)  # a bulk update fires no mapper event


def api_tokens(session, actor, staff):
    """``staff``'s live API tokens, newest first (their owner, or an admin)."""
    _require_self_or_admin(actor, staff)
    return session.scalars(
        select(Credential)
        .where(Credential.staff_id == staff.id, Credential.kind == "api", *_live())
        .order_by(Credential.created_at.desc(), Credential.id.desc())
    ).all()


def new_api_token(actor, staff, label=None):
    """One more API token for ``staff`` (their owner, or an admin): ``(credential, secret)``."""
    _require_self_or_admin(actor, staff)
    return issue(staff, "api", label)


def revoke_api_token(session, actor, staff, token_id):
    """End one of ``staff``'s API tokens (their owner, or an admin)."""
    _require_self_or_admin(actor, staff)
    credential = session.get(Credential, token_id)
    if credential is None or credential.staff_id != staff.id or credential.kind != "api":
        raise NotFound(f"Staff member {staff.id} has no API token {token_id}.")
    if credential.revoked_at is None:
        credential.revoked_at = now()


def prune_ended(session, at, batch_size=PRUNE_BATCH):
    """Delete the credentials that ended (expired or revoked) more than ``ENDED_KEPT`` before ``at``: they
    can no longer sign anyone in and no listing shows them. How many were deleted."""
    cutoff = at - ENDED_KEPT
    ended = or_(Credential.expires_at < cutoff, Credential.revoked_at < cutoff)
    return delete_in_batches(session, Credential, ended, Credential.id, batch_size)


def _require_self_or_admin(actor, staff):
    if actor.role != "admin" and actor.id != staff.id:
        raise Forbidden("Only an admin or the staff member themself may see or change these tokens.")


def _matching(secret, kind):
    return Credential.secret_hash == hash_secret(secret), Credential.kind == kind


def _live():
    """Conditions of a credential still in force: neither revoked nor expired."""
    return Credential.revoked_at.is_(None), Credential.expires_at > now()
