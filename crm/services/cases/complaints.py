"""Complaint governance — DOMAIN §5, the seeds' complaint rules (issue 10 items 1–3).

- **Recusal** (被投诉人应当回避): the person complained about does nothing on that complaint — no
  ownership, no handling, no reply, no decision. ``require_not_accused`` guards every action of
  ``workflow``; the CHECK ``recusal_owner_handler`` on ``cases`` guards owner and handler whatever
  the route.
- **Decisions by the right level**: naming the handler, resolving and closing a complaint are a
  supervisor's acts in the case's branch, an admin's anywhere (``DECISIONS``); agents reply and
  investigate. The case history names who decided.
- **The record** (《客户投诉记录表》): the customer's demand at intake, the finding with its reason, who
  or what was responsible, the corrective action, the result told to the customer and how, their
  reaction and the closing evaluation; a complaint is closed only with all of them (``CLOSING_FIELDS``).
  Its number is ``<branch code>-<yyyymm>-<serial>``, the serial taken per branch and month of intake
  (installation time zone) by one upsert on ``complaint_serials``: concurrent intakes each get their
  own, and a committed number is never given again.
"""

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from crm.core.clock import local, now
from crm.errors import Forbidden, InvalidInput
from crm.models import Branch, CaseEvent, ComplaintRecord, ComplaintSerial

# Actions on a complaint that only a supervisor (of its branch) or an admin takes.
DECISIONS = ("assign", "resolve", "close")
# The record's fields, in the order of the form; each must be filled before the complaint is closed.
CLOSING_FIELDS = (
    "demand",
    "finding",
    "finding_reason",
    "responsible",
    "corrective_action",
    "result",
    "result_channel",
    "customer_reaction",
    "evaluation",
)
# History actions shown as the decisions taken on a complaint, with who took them.
DECISION_EVENTS = ("opened", "assigned", "handed_off", "moved", "resolved", "closed", "reopened")
_UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def is_complaint(case):
    return case.kind == "complaint"


def require_not_accused(case, actor):
    """The person complained about takes no action on the complaint (403)."""
    if actor is not None and case.complained_staff_id is not None and actor.id == case.complained_staff_id:
        raise Forbidden("You are the person complained about: you recuse yourself from this complaint.")


def require_decision_level(case, actor, action):
    """``action`` on a complaint, when one of ``DECISIONS``, needs a supervisor of its branch or an admin."""
    if not is_complaint(case) or action not in DECISIONS or actor is None or actor.role == "admin":
        return
    if actor.role != "supervisor" or actor.branch_id != case.branch_id:
        raise Forbidden(
            f"A supervisor of the complaint's branch decides this ({action}); agents reply and investigate."
        )


def open_record(session, case, demand):
    """The record of a new complaint, numbered now."""
    record = ComplaintRecord(
        case_id=case.id, number=next_number(session, case.branch_id, case.opened_at), demand=demand
    )
    session.add(record)
    session.flush()
    return record


def next_number(session, branch_id, at):
    """The next complaint number of ``branch_id`` for the month of ``at`` (installation time zone)."""
    month = local(at).strftime("%Y%m")
    upsert = _UPSERTS[session.get_bind().dialect.name](ComplaintSerial)
    stmt = (
        upsert.values(branch_id=branch_id, month=month, last=1)
        .on_conflict_do_update(index_elements=["branch_id", "month"], set_={"last": ComplaintSerial.last + 1})
        .returning(ComplaintSerial.last)
    )
    serial = session.execute(stmt).scalar_one()
    code = session.scalar(select(Branch.code).where(Branch.id == branch_id))
    return f"{code}-{month}-{serial:04d}"


def record_of(session, case):
    """The complaint's record; a complaint taken before records existed gets one (and its number) now."""
    if not is_complaint(case):
        raise InvalidInput("Only a complaint has a complaint record.", {"kind": [case.kind]})
    return case.complaint_record or open_record(session, case, None)


def update_record(session, actor, case, changes):
    """Fill in the record: anyone acting on the complaint but the person complained about."""
    require_not_accused(case, actor)
    record = record_of(session, case)
    unknown = set(changes) - set(CLOSING_FIELDS)
    if unknown:
        raise InvalidInput("These fields are not on the complaint record.", dict.fromkeys(unknown, ["Unknown."]))
    for name, value in changes.items():
        setattr(record, name, value)
    record.updated_at, record.updated_by_id = now(), actor.id
    session.flush()
    return record


def missing_fields(record):
    return [name for name in CLOSING_FIELDS if not getattr(record, name, None)]


def require_complete(session, case):
    """A complaint is closed only with its whole record (422 naming what is missing)."""
    if not is_complaint(case):
        return
    missing = missing_fields(record_of(session, case))
    if missing:
        raise InvalidInput(
            "The complaint record is incomplete: fill these in before closing.",
            dict.fromkeys(missing, ["Required to close a complaint."]),
        )


def decisions(session, case):
    """Who decided what on the complaint, from its history."""
    events = select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.action.in_(DECISION_EVENTS))
    return session.scalars(events.order_by(CaseEvent.at, CaseEvent.id)).all()
