"""Cases under first-responder ownership (首问负责制) — DOMAIN §5.

Whoever first takes a customer's question owns the case until the customer has an answer; a
hand-off moves ownership in one update, so a case has a named owner at every moment. The person
complained about takes no part in the complaint (被投诉人应当回避, ``complaints``): when they take it
first, it goes at intake to the supervisor on duty, who is told. Cases follow the branch: staff open
cases only in their own branch (admins anywhere), and owner and handler are always staff of the
case's branch (or admins), whoever names them; only an admin moves a case to another branch, with
an owner (and handler) of that branch. Status changes follow the
``TRANSITIONS`` table and are conditional updates (``WHERE status = <the status we saw>``), so two
people acting at once cannot both win. Every action writes a ``CaseEvent`` (留痕) in the same
transaction; callers commit.
"""

from flask_babel import gettext as _
from sqlalchemy import exists, select, true, update

from crm.core.clock import now
from crm.core.filters import where_given
from crm.errors import Conflict, Forbidden, InvalidInput
from crm.i18n import in_language
from crm.models import Branch, Case, CaseDeadline, CaseEvent, CaseReply, Customer, Staff
from crm.models.cases import CLOCKS
from crm.services.cases import complaints, deadlines
from crm.services.cases.notifications import notify
from crm.services.org import access
from crm.services.org.duty import Roster
from crm.services.org.organisation import branch_by_id
from crm.services.org.wording import refuse_marketing_words

# action → {status it may start from: status it leads to}
TRANSITIONS = {
    "assign": {
        "new": "dispatched",
        "dispatched": "dispatched",
        "investigating": "investigating",
        "reopened": "dispatched",
    },
    "investigate": {"new": "investigating", "dispatched": "investigating", "reopened": "investigating"},
    "reply": {s: "replied" for s in ("new", "dispatched", "investigating", "replied", "reopened")},
    "resolve": {s: "resolved" for s in ("new", "dispatched", "investigating", "replied", "reopened")},
    "close": {"resolved": "closed"},
    "reopen": {"resolved": "reopened", "closed": "reopened"},
    "hand_off": {s: s for s in ("new", "dispatched", "investigating", "replied", "resolved", "reopened")},
    "move": {s: s for s in ("new", "dispatched", "investigating", "replied", "resolved", "reopened")},
    "name_accused": {s: s for s in ("new", "dispatched", "investigating", "replied", "resolved", "reopened")},
}

# action → {kind: clocks it stops}; "*" applies to every kind without its own entry.
CLOCKS_MET = {
    "assign": {"*": ("dispatch",)},
    "investigate": {"complaint": ("first_response",), "*": ()},
    # A (satisfactory) reply is the resolution of these kinds; a report is delivered by a reply.
    "reply": {
        "*": ("first_response",),
        **dict.fromkeys(("complaint", "opinion", "email_inquiry", "report_delivery"), ("first_response", "resolution")),
    },
    "resolve": {"*": CLOCKS},
}

# Kinds on which nothing may be promised to the customer before the handling decision (a handler).
NEEDS_HANDLING_DECISION = {"complaint"}

CASE_FIELDS = (
    "kind",
    "channel",
    "subject",
    "body",
    "caller_number",
    "priority",
    "category",
    "quality_type",
    "source_ref",
)


def get_case(session, viewer, case_id):
    return access.visible_row(session, viewer, Case, case_id)


def open_case(session, actor, data):
    """A new case owned by its first responder (``actor``), or by ``owner_id`` when a supervisor
    names one. Its clocks start at intake."""
    customer = _customer(session, data.get("customer_id"))
    branch_id = customer.branch_id if customer else data.get("branch_id") or actor.branch_id
    if branch_id is None:
        raise InvalidInput("Say which branch the case belongs to.", {"branch_id": ["Required without a customer."]})
    branch_by_id(session, branch_id)  # an unknown branch is a 422 naming branch_id, not a foreign-key error
    _require_own_branch(actor, branch_id, customer)
    complained = _active_staff(session, data.get("complained_staff_id"), "complained_staff_id", active_only=False)
    owner, recused = _owner_for_intake(session, actor, data.get("owner_id"), branch_id, complained)
    demand = data.get("demand")
    if data.get("kind") == "complaint" and not demand:
        raise InvalidInput("Take down what the customer asks for (诉求).", {"demand": ["Required for a complaint."]})
    _require_unique_source(session, data.get("source_ref"))
    case = Case(
        **{name: data[name] for name in CASE_FIELDS if data.get(name) is not None},
        customer_id=customer.id if customer else None,
        branch_id=branch_id,
        is_vip=bool(customer and customer.is_vip),
        owner_id=owner.id,
        complained_staff_id=complained.id if complained else None,
        created_by_id=actor.id,
        opened_at=now(),
        status="new",
    )
    session.add(case)
    deadlines.start_clocks(session, case, case.opened_at)
    session.flush()
    if complaints.is_complaint(case):
        complaints.open_record(session, case, demand)
    _record(
        session, case, actor, "opened", data.get("channel"), owner_id=owner.id, kind=case.kind, recused=recused or None
    )
    if recused:
        _tell_of_recusal(session, case, owner)
    return case


def assign(session, actor, case, handler_id):
    """The handling decision: a handler is named and the dispatch clock stops."""
    _guard(case, actor, "assign")
    handler = _branch_staff(session, handler_id, "handler_id", case.branch_id)
    _require_not_complained_about(case.complained_staff_id, handler, "handler_id")
    previous = case.handler_id
    stopped = _transition(session, case, "assign", values={"handler_id": handler.id})
    _record(session, case, actor, "assigned", None, **{"from": previous, "to": handler.id, "clocks_met": stopped})
    return case


def hand_off(session, actor, case, new_owner_id, note=None):
    """Move ownership to ``new_owner_id`` in one update; the case is never without an owner. The new owner
    finds it in their inbox."""
    _guard(case, actor, "hand_off")
    if new_owner_id is None:
        raise InvalidInput("A case always has an owner; name the new one.", {"new_owner_id": ["Required."]})
    new_owner = _branch_staff(session, new_owner_id, "new_owner_id", case.branch_id)
    _require_not_complained_about(case.complained_staff_id, new_owner, "new_owner_id")
    previous = case.owner_id
    if new_owner.id == previous:
        raise Conflict("That person already owns the case.", {"new_owner_id": ["Already the owner."]})
    _transition(session, case, "hand_off", values={"owner_id": new_owner.id}, expect=Case.owner_id == previous)
    _record(session, case, actor, "handed_off", None, **{"from": previous, "to": new_owner.id, "note": note})
    with in_language(new_owner.language):  # the case's number only: the notice may reach a phone by SMS
        text = _("Case #%(id)s has been handed to you.", id=case.id)
    key = f"case:{case.id}:handed_off:{new_owner.id}:{now().isoformat()}"
    notify(session, new_owner, case, "case_handed_off", text, key)
    return case


def move(session, actor, case, branch_id, new_owner_id=None, handler_id=None, note=None):
    """An admin moves the case to branch ``branch_id``; its owner and handler (when it has one) must be
    staff of that branch: the ones named, else the current ones if they are."""
    if actor.role != "admin":
        raise Forbidden("Only an admin moves a case to another branch.")
    _guard(case, actor, "move")
    if session.get(Branch, branch_id) is None:
        raise InvalidInput(f"No branch {branch_id}.", {"branch_id": ["Unknown branch."]})
    previous = case.branch_id
    if branch_id == previous:
        raise Conflict("The case is already in that branch.", {"branch_id": ["The case's own branch."]})
    owner = _branch_staff(session, _given(new_owner_id, case.owner_id), "new_owner_id", branch_id)
    handler = _branch_staff(session, _given(handler_id, case.handler_id), "handler_id", branch_id)
    for staff, field in ((owner, "new_owner_id"), (handler, "handler_id")):
        if staff is not None:
            _require_not_complained_about(case.complained_staff_id, staff, field)
    values = {"branch_id": branch_id, "owner_id": owner.id, "handler_id": handler.id if handler else None}
    _transition(session, case, "move", values=values, expect=Case.branch_id == previous)
    moved = {"from": previous, "to": branch_id, "owner_id": owner.id, "handler_id": values["handler_id"]}
    _record(session, case, actor, "moved", None, **moved, note=note)
    return case


def name_accused(session, actor, case, complained_staff_id):
    """Name the person complained about after intake (a complaint from the IVR names nobody): a
    supervisor's decision. An accused owner gives the complaint up to the supervisor on duty, who is told;
    an accused handler must be replaced first (409)."""
    if not complaints.is_complaint(case):
        raise InvalidInput("Only a complaint names a person complained about.", {"kind": [case.kind]})
    _guard(case, actor, "assign")
    if case.complained_staff_id is not None:
        raise Conflict("The person complained about is already named.", {"complained_staff_id": ["Already named."]})
    accused = _active_staff(session, complained_staff_id, "complained_staff_id", active_only=False)
    if accused is None:
        raise InvalidInput("Name the person complained about.", {"complained_staff_id": ["Required."]})
    if accused.id == case.handler_id:
        raise Conflict("Assign another handler first: this one is complained about.", {"handler_id": ["Must recuse."]})
    recused = accused.id == case.owner_id
    owner = Roster(session).responsible_for(case.branch_id, excluding=accused.id) if recused else case.owner
    values = {"complained_staff_id": accused.id, "owner_id": owner.id}
    _transition(session, case, "name_accused", values=values, expect=Case.complained_staff_id.is_(None))
    _record(session, case, actor, "accused_named", None, complained_staff_id=accused.id, owner_id=owner.id)
    if recused:
        _tell_of_recusal(session, case, owner)
    return case


def start_investigation(session, actor, case):
    """Investigation started: for a complaint, its first response (after the handling decision)."""
    _guard(case, actor, "investigate")
    _require_handling_decision(case)
    stopped = _transition(session, case, "investigate")
    _record(session, case, actor, "investigation_started", None, clocks_met=stopped)
    return case


def reply(session, actor, case, channel, text):
    """An answer to the customer; stops the clocks it answers (CLOCKS_MET). No forbidden marketing words."""
    _guard(case, actor, "reply")
    refuse_marketing_words(session, text=text)
    _require_handling_decision(case)
    at = now()
    stopped = _transition(session, case, "reply", at=at)
    case_reply = CaseReply(case_id=case.id, author_id=actor.id, channel=channel, text=text, at=at)
    session.add(case_reply)
    session.flush()
    _record(session, case, actor, "replied", channel, reply_id=case_reply.id, clocks_met=stopped)
    return case_reply


def resolve(session, actor, case, note=None):
    """The customer has an answer. ``resolved_at`` is what owes them the callback survey (DOMAIN §7): the
    survey dialer's next sweep opens it (``crm.services.surveys.runs.owe_callback_surveys``)."""
    _guard(case, actor, "resolve")
    stopped = _transition(session, case, "resolve", values={"resolved_at": now()})
    _record(session, case, actor, "resolved", None, note=note, clocks_met=stopped)
    return case


def close(session, actor, case, note=None):
    """Close a resolved case; a complaint only with its whole record (``complaints.CLOSING_FIELDS``)."""
    _guard(case, actor, "close")
    complaints.require_complete(session, case)
    _transition(session, case, "close", values={"closed_at": now()})
    _record(session, case, actor, "closed", None, note=note)
    return case


def reopen(session, actor, case, reason):
    """Back to work (e.g. a dissatisfied callback): the response and resolution clocks restart now."""
    _guard(case, actor, "reopen")
    _transition(
        session,
        case,
        "reopen",
        values={"reopened_count": case.reopened_count + 1, "resolved_at": None, "closed_at": None, "overdue": False},
    )
    deadlines.start_clocks(session, case, now(), clocks=deadlines.REOPEN_CLOCKS)
    _record(session, case, actor, "reopened", None, reason=reason)
    return case


def history(session, case):
    return session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.at, CaseEvent.id))


def replies(session, case):
    return session.scalars(select(CaseReply).where(CaseReply.case_id == case.id).order_by(CaseReply.at, CaseReply.id))


def cases_query(viewer, kind=None, status=None, owner_id=None, branch_id=None, overdue=None, due_before=None):
    """``select(Case)`` of what ``viewer`` may see, filtered; overdue and due_before look at running clocks."""
    stmt = access.visible(select(Case), viewer).order_by(Case.opened_at.desc(), Case.id.desc())
    filters = {Case.kind: kind, Case.status: status, Case.owner_id: owner_id, Case.branch_id: branch_id}
    stmt = where_given(stmt, filters)
    running = (CaseDeadline.case_id == Case.id) & CaseDeadline.met_at.is_(None)
    if overdue is not None:
        late = exists().where(running & (CaseDeadline.due_at <= now()))
        stmt = stmt.where(late if overdue else ~late)
    if due_before is not None:
        stmt = stmt.where(exists().where(running & (CaseDeadline.due_at < due_before)))
    return stmt


def _transition(session, case, action, values=None, expect=None, at=None):
    """Apply ``action`` in one ``UPDATE … WHERE status = <the status seen> [AND expect]`` (409 when
    someone else changed the case first), then stop the clocks it answers; returns their names."""
    seen = case.status
    target = TRANSITIONS[action].get(seen)
    if target is None:
        raise Conflict(f"A case that is {seen} cannot be {_PAST[action]}.", {"status": [seen]})
    guard = (Case.id == case.id) & (Case.status == seen) & (expect if expect is not None else true())
    if not session.execute(update(Case).where(guard).values(status=target, **(values or {}))).rowcount:
        raise Conflict("The case changed meanwhile; reload it.")
    _read_back(session, case, ["status", *(values or {})])
    met_by_action = CLOCKS_MET.get(action, {})
    return deadlines.meet_clocks(case, met_by_action.get(case.kind, met_by_action.get("*", ())), at or now())


def _read_back(session, case, written):
    """Read back the columns an UPDATE wrote; the whole case with its related rows only when it changed whom
    or where the case points to (owner, handler, branch…): the rows loaded through those are stale then."""
    session.refresh(case, None if any(name.endswith("_id") for name in written) else written)


_PAST = {
    "assign": "assigned",
    "investigate": "investigated",
    "reply": "replied to",
    "resolve": "resolved",
    "close": "closed",
    "reopen": "reopened",
    "hand_off": "handed off",
    "move": "moved",
    "name_accused": "given a person complained about",
}


def _record(session, case, actor, action, channel, **detail):
    session.add(
        CaseEvent(
            case_id=case.id,
            actor_id=actor.id if actor else None,
            action=action,
            channel=channel,
            detail={k: v for k, v in detail.items() if v not in (None, [])} or None,
            at=now(),
        )
    )
    session.flush()


def _customer(session, customer_id):
    if customer_id is None:
        return None
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise InvalidInput(f"No customer {customer_id}.", {"customer_id": ["Unknown customer."]})
    return customer


def _active_staff(session, staff_id, field, active_only=True):
    if staff_id is None:
        return None
    staff = session.get(Staff, staff_id)
    if staff is None or (active_only and not staff.is_active):
        raise InvalidInput(f"No active staff member {staff_id}.", {field: ["Unknown or inactive staff member."]})
    return staff


def _owner_for_intake(session, actor, owner_id, branch_id, complained):
    """``(owner, recused)``: the first responder, or the owner a supervisor names; when the first responder
    is the person complained about, the branch's supervisor on duty instead (``recused``)."""
    if owner_id is None or owner_id == actor.id:
        if complained is None or complained.id != actor.id:
            return actor, False
        return Roster(session).responsible_for(branch_id, excluding=complained.id), True
    if actor.role not in ("supervisor", "admin"):
        raise Forbidden("Only a supervisor names another owner; the first responder owns the case.")
    owner = _branch_staff(session, owner_id, "owner_id", branch_id)
    _require_not_complained_about(complained.id if complained else None, owner, "owner_id")
    return owner, False


def _require_own_branch(actor, branch_id, customer):
    """Staff open cases in their own branch only (for its customers); admins anywhere."""
    if actor.role == "admin" or actor.branch_id == branch_id:
        return
    if customer is not None:
        raise Forbidden("This customer belongs to another branch.")
    raise Forbidden("You open cases in your own branch only.", {"branch_id": ["Another branch."]})


def _branch_staff(session, staff_id, field, branch_id):
    """The active staff member ``staff_id`` (None for None) if they work in ``branch_id`` or are an admin."""
    staff = _active_staff(session, staff_id, field)
    if staff is not None and staff.role != "admin" and staff.branch_id != branch_id:
        raise InvalidInput(
            f"Staff member {staff.id} does not work in the case's branch.", {field: ["Not staff of the case's branch."]}
        )
    return staff


def _given(value, default):
    return default if value is None else value


def _tell_of_recusal(session, case, owner):
    """The supervisor who takes over a complaint from the person it is about is told at once."""
    with in_language(owner.language):
        text = _(
            "Complaint case #%(id)s “%(subject)s” is now yours: the person complained about stands aside. "
            "Please dispatch it.",
            id=case.id,
            subject=case.subject,
        )
    notify(session, owner, case, "complaint_recusal", text, f"case:{case.id}:recusal:{owner.id}", urgent=True)


def _guard(case, actor, action):
    """Recusal and the decision level of complaints (``complaints``), before any action."""
    complaints.require_not_accused(case, actor)
    complaints.require_decision_level(case, actor, action)


def _require_not_complained_about(complained_staff_id, staff, field):
    if complained_staff_id is not None and staff.id == complained_staff_id:
        raise Conflict("The person complained about may not handle this complaint.", {field: ["Must recuse."]})


def _require_handling_decision(case):
    if case.kind in NEEDS_HANDLING_DECISION and case.handler_id is None:
        raise Conflict("No promise may be recorded before the handling decision: assign a handler first.")


def _require_unique_source(session, source_ref):
    if source_ref is None:
        return
    existing = session.scalar(select(Case.id).where(Case.source_ref == source_ref))
    if existing is not None:
        raise Conflict(f"Case {existing} was already opened from {source_ref}.", {"source_ref": [str(existing)]})
