"""Phone calls to the duty supervisors about complaints still undispatched after their deadline (issue 5 §5).

The database says which calls are owed, as the escalation ladder does (issue 14): each run of the periodic
job first writes the calls that became owed (one ``ComplaintCallout`` per case and supervisor on duty with a
phone), then claims the owed calls with a conditional update that holds them for ``lease``, and places them.
Only the call's SID, written once the call was placed, pays the debt — and only then does the supervisor's
inbox say "the system phoned you". A claim that is never confirmed (the job lost with the queue, the worker
killed between claim and call) runs out with its lease and a later run takes the call again; the claim's
``attempts`` counter tells a stale holder that the call is no longer its own, so two workers never both ring.

A call the provider refuses is tried again when its lease runs out, at most ``MAX_ATTEMPTS`` claims in all
(the supervisor also has the urgent SMS page and the escalation notices).
"""

import logging
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import exists, or_, select

from crm.core.bulk import insert_or_skip
from crm.core.clock import now
from crm.core.leases import claim_batch
from crm.i18n import in_language
from crm.models import Case, CaseDeadline, ComplaintCallout, Notification, Staff
from crm.services.calls.complaint_line import UNDISPATCHED
from crm.services.org.duty import Roster

log = logging.getLogger(__name__)

CALL_KIND = "complaint_dispatch_call"  # the inbox notice written once the call was placed
MAX_ATTEMPTS = 5
BATCH_SIZE = 50


@dataclass
class CalloutRun:
    owed: int = 0  # calls that became owed in this run
    placed: list = field(default_factory=list)  # (case id, staff id, CallSid)
    failed: int = 0  # calls the provider refused (tried again after the lease)


def run(session, at, place, lease, limit=BATCH_SIZE):
    """Owe, claim and place the dispatch calls due at ``at`` through ``place(case_id, phone) -> CallSid``,
    ``limit`` claims at a time until none is left; commits after each claim and after each call."""
    outcome = CalloutRun(owed=owe_calls(session, at))
    while True:
        claims = claim_calls(session, at, lease, limit)
        session.commit()
        for callout_id, attempt in claims:
            _place_one(session, callout_id, attempt, place, outcome)
            session.commit()
        if len(claims) < limit:  # a claim holds its calls past ``at``: no call is claimed twice in a run
            return outcome


def owe_calls(session, at):
    """Write the calls owed for complaints past their dispatch deadline and still undispatched: one per
    supervisor on duty with a phone, once per case. Returns how many became owed."""
    due = (
        select(Case.id, Case.branch_id)
        .join(CaseDeadline, (CaseDeadline.case_id == Case.id) & (CaseDeadline.clock == "dispatch"))
        .where(
            Case.kind == "complaint",
            Case.status.in_(UNDISPATCHED),
            CaseDeadline.met_at.is_(None),
            CaseDeadline.due_at <= at,
            ~exists().where(ComplaintCallout.case_id == Case.id),
        )
    )
    roster = Roster(session)
    rows = [
        {"case_id": case_id, "staff_id": supervisor.id, "owed_at": at, "attempts": 0}
        for case_id, branch_id in session.execute(due).all()
        for supervisor in roster.on_duty(branch_id)
        if supervisor.phone
    ]
    if not rows:
        return 0
    stmt = insert_or_skip(session, ComplaintCallout, ("case_id", "staff_id"), ComplaintCallout.id).values(rows)
    return len(session.execute(stmt).all())


def _claimable(at):
    return (
        ComplaintCallout.placed_at.is_(None)
        & (ComplaintCallout.attempts < MAX_ATTEMPTS)
        & or_(ComplaintCallout.claimed_until.is_(None), ComplaintCallout.claimed_until <= at)
    )


def claim_calls(session, at, lease, limit=BATCH_SIZE):
    """(callout id, attempt) of the owed calls this worker now holds until ``at + lease``, oldest first."""
    still_undispatched = exists().where(Case.id == ComplaintCallout.case_id, Case.status.in_(UNDISPATCHED))
    order = (ComplaintCallout.owed_at, ComplaintCallout.id)
    return claim_batch(session, ComplaintCallout, _claimable(at), at, lease, limit, order, still_undispatched)


def _still_mine(session, callout_id, attempt):
    """The claim is still this worker's (no later run took it after the lease) and the call still owed."""
    row = session.execute(
        select(ComplaintCallout.case_id, Staff.phone, Staff.language, Case.status)
        .join(Staff, Staff.id == ComplaintCallout.staff_id)
        .join(Case, Case.id == ComplaintCallout.case_id)
        .where(
            ComplaintCallout.id == callout_id,
            ComplaintCallout.attempts == attempt,
            ComplaintCallout.placed_at.is_(None),
        )
        .with_for_update(of=ComplaintCallout)
    ).first()
    return row if row is not None and row.status in UNDISPATCHED and row.phone else None


def _called_text(case_id, language):
    with in_language(language):
        return _("Complaint case #%(id)s is still not dispatched; the system has called you.", id=case_id)


def _place_one(session, callout_id, attempt, place, outcome):
    """Place one claimed call and confirm it; the row stays locked while the call is placed."""
    row = _still_mine(session, callout_id, attempt)
    if row is None:
        return
    try:
        sid = place(row.case_id, row.phone)
    except Exception as exc:  # noqa: BLE001 — any refusal (bad number, provider down) waits for the lease
        log.warning("complaint call-out %s not placed (%s): tried after the lease", callout_id, type(exc).__name__)
        outcome.failed += 1
        return
    callout = session.get(ComplaintCallout, callout_id)
    placed_at = now()
    callout.placed_at, callout.call_sid, callout.claimed_until = placed_at, sid, None
    session.add(
        Notification(
            recipient_id=callout.staff_id,
            case_id=callout.case_id,
            kind=CALL_KIND,
            text=_called_text(callout.case_id, row.language),
            dedupe_key=f"case:{callout.case_id}:dispatch_call:{callout.staff_id}",
            created_at=placed_at,
        )
    )
    outcome.placed.append((callout.case_id, callout.staff_id, sid))
