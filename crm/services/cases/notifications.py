"""Per-user notices (the inbox) and the SMS that carry them to staff phones — DOMAIN §5.

A notice lands in the inbox at once. When the recipient has a phone it is also queued
for SMS: urgent pages (complaint dispatch) may go out at any hour, everything else waits
for business hours. The SMS sender collects what is due per person and sends ONE digest
message each, so ten reminders from one sweep are one text, not ten.
"""

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select, update

from crm.core import clock
from crm.errors import NotFound
from crm.i18n import DEFAULT_LANGUAGE, in_language
from crm.models import Notification, Staff
from crm.services.cases.calendar.installation import installation_calendar

# Digest wording per notice kind, most pressing first: "您有3个工单即将到期: #12 #13 #14" (English msgids, the
# Chinese in crm/translations/texts; a digest is written in its recipient's ``staff.language``).
DIGEST_PHRASES = {
    "complaint_dispatch": lambda n: ngettext(
        "%(num)d complaint case waiting for dispatch", "%(num)d complaint cases waiting for dispatch", n
    ),
    "case_branch_head": lambda n: ngettext(
        "%(num)d case overdue by more than a working day", "%(num)d cases overdue by more than a working day", n
    ),
    "case_overdue": lambda n: ngettext("%(num)d case overdue", "%(num)d cases overdue", n),
    "case_reminder": lambda n: ngettext("%(num)d case due soon", "%(num)d cases due soon", n),
    "care_reminder": lambda n: ngettext("%(num)d care reminder", "%(num)d care reminders", n),
}


def OTHER_PHRASE(n):  # noqa: N802 - one of the phrases above, for any other kind
    return ngettext("%(num)d new notice", "%(num)d new notices", n)


# A digest names at most this many cases per kind; the inbox has the rest.
DIGEST_CASES_SHOWN = 10


def notify(session, recipient, case, kind, text, dedupe_key, urgent=False, *, at=None, calendar=None, customer=None):
    """Write ``recipient``'s inbox notice and, if they have a phone, queue its SMS.

    ``dedupe_key`` is unique in the table: the same notice can never be written twice. ``customer`` links
    the customer a notice is about (its text names none).
    The SMS may go out at ``at`` when ``urgent`` or inside business hours, else at the
    next opening of ``calendar`` (the installation's calendar by default).
    """
    at = at or clock.now()
    opening = None if urgent or not recipient.phone else (calendar or installation_calendar(session)).next_opening(at)
    row = notice_row(
        recipient, case.id if case is not None else None, kind, text, dedupe_key, at, urgent=urgent, opening=opening
    )
    notice = Notification(**row, customer_id=customer.id if customer is not None else None)
    session.add(notice)
    return notice


def notice_row(recipient, case_id, kind, text, dedupe_key, at, *, urgent, opening):
    """The column values of one notice about case ``case_id`` (None: about no case); ``opening`` is the
    calendar's next opening after ``at`` (asked once by a caller writing many notices, e.g. the sweep's
    multi-row insert)."""
    pending = bool(recipient.phone)
    return {
        "recipient_id": recipient.id,
        "case_id": case_id,
        "kind": kind,
        "text": text,
        "dedupe_key": dedupe_key,
        "created_at": at,
        "sms_state": "pending" if pending else "none",
        "sms_not_before": (at if urgent else opening) if pending else None,
    }


@dataclass(frozen=True)
class Digest:
    """One SMS for one person: the notices it carries and its text."""

    recipient_id: int
    phone: str
    notification_ids: tuple
    body: str
    language: str = DEFAULT_LANGUAGE


def pending_sms_digests(session, at):
    """One digest per recipient of every SMS allowed out by ``at``.

    On PostgreSQL the notices are locked (``SKIP LOCKED``) until the transaction ends,
    so two senders running at once never pick up the same notice.
    """
    stmt = (
        select(Notification, Staff.phone, Staff.language)
        .join(Staff, Staff.id == Notification.recipient_id)
        .where(Notification.sms_state == "pending", Notification.sms_not_before <= at, Staff.phone.is_not(None))
        .order_by(Notification.recipient_id, Notification.created_at, Notification.id)
        .with_for_update(skip_locked=True, of=Notification)
    )
    by_recipient = defaultdict(list)
    phones, languages = {}, {}
    for notice, phone, language in session.execute(stmt):
        by_recipient[notice.recipient_id].append(notice)
        phones[notice.recipient_id], languages[notice.recipient_id] = phone, language
    return [
        Digest(
            recipient_id,
            phones[recipient_id],
            tuple(n.id for n in notices),
            digest_text(notices, languages[recipient_id]),
            languages[recipient_id],
        )
        for recipient_id, notices in by_recipient.items()
    ]


def digest_text(notices, language=DEFAULT_LANGUAGE):
    """「【客服提醒】您有3个工单即将到期: #12 #13 #14；1个工单已超期: #9」, or in English
    "[Service reminder] You have 3 cases due soon: #12 #13 #14; 1 case overdue: #9"."""
    groups = defaultdict(list)
    for notice in notices:
        groups[notice.kind if notice.kind in DIGEST_PHRASES else None].append(notice)
    order = [*DIGEST_PHRASES, None]
    with in_language(language):
        parts = [_digest_part(kind, groups[kind]) for kind in order if groups.get(kind)]
        # Translators: between the parts of an SMS digest.
        return _("[Service reminder] You have %(parts)s", parts=_("; ").join(parts))


def _digest_part(kind, notices):
    phrase = DIGEST_PHRASES.get(kind, OTHER_PHRASE)
    case_ids = sorted({n.case_id for n in notices if n.case_id is not None})
    shown = " ".join(f"#{case_id}" for case_id in case_ids[:DIGEST_CASES_SHOWN])
    if len(case_ids) > DIGEST_CASES_SHOWN:
        shown = _("%(cases)s and more", cases=shown)
    counted = phrase(len(notices))
    return f"{counted}: {shown}" if shown else counted


def mark_sent(session, ids, sid, at=None):
    session.execute(
        update(Notification)
        .where(Notification.id.in_(ids), Notification.sms_state == "pending")
        .values(sms_state="sent", sms_sid=sid, sms_sent_at=at or clock.now())
        .execution_options(synchronize_session=False)
    )


def mark_failed(session, ids):
    session.execute(
        update(Notification)
        .where(Notification.id.in_(ids), Notification.sms_state == "pending")
        .values(sms_state="failed")
        .execution_options(synchronize_session=False)
    )


@dataclass
class SmsRun:
    sent: int = 0
    failed: int = 0


def send_due_sms(session, at, send):
    """Send every digest due by ``at`` through ``send(to, body) -> sid`` and record the outcome.

    A digest whose ``send`` raises is marked failed (its notices stay in the inbox); the
    others still go. The caller commits. Should the process die between sending and that
    commit, the notices are still pending and go out again: at least once, never lost.
    """
    run = SmsRun()
    for digest in pending_sms_digests(session, at):
        try:
            sid = send(digest.phone, digest.body)
        except Exception:  # any gateway failure fails this digest only
            mark_failed(session, digest.notification_ids)
            run.failed += 1
        else:
            mark_sent(session, digest.notification_ids, sid, at)
            run.sent += 1
    return run


# The inbox --------------------------------------------------------------------------------


def inbox_query(staff, unread=None):
    """``staff``'s own notices, newest first; ``unread=True`` only the unread ones."""
    stmt = select(Notification).where(Notification.recipient_id == staff.id)
    if unread is not None:
        stmt = stmt.where(Notification.read_at.is_(None) if unread else Notification.read_at.is_not(None))
    return stmt.order_by(Notification.created_at.desc(), Notification.id.desc())


def mark_read(session, staff, notification_id, at=None):
    """Mark one of ``staff``'s notices read (again is harmless); someone else's is not found."""
    notice = session.get(Notification, notification_id)
    if notice is None or notice.recipient_id != staff.id:
        raise NotFound(f"No notification {notification_id}.")
    if notice.read_at is None:
        notice.read_at = at or clock.now()
    return notice


def mark_all_read(session, staff, at=None):
    """Mark every unread notice of ``staff`` read; returns how many."""
    result = session.execute(
        update(Notification)
        .where(Notification.recipient_id == staff.id, Notification.read_at.is_(None))
        .values(read_at=at or clock.now())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def unread_count(session, staff):
    return session.scalar(
        select(func.count()).where(Notification.recipient_id == staff.id, Notification.read_at.is_(None))
    )
