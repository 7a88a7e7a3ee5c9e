"""The agent's side of one call: who it was routed to (and so who may pop its card) and its wrap-up.

A call is routed to the agent who answered it (``Call.agent_id``, set when the agent leg ends) or, while
it still rings, to the agent the IVR rings last (the latest ``ringing_agent`` event). That agent, a
supervisor of the call's branch and admins may open the call's card; the wrap-up is the routed agent's.

The wrap-up saves, in the caller's one transaction, the disposition, the notes (long numbers masked, as
transcripts are), a booked callback and what the agent opened from it — a case (``workflow.open_case``)
and/or a visit (``visits.log_visit``, under their own rules) — linked on the call. A second wrap-up of
the same call is a 409, and while an agent has an answered call without one they cannot be ``ready``
(``crm.services.calls.presence``).
"""

from datetime import timedelta

from sqlalchemy import select, update

from crm.core import clock
from crm.core.masks import mask_long_numbers
from crm.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from crm.models import Call, CallEvent
from crm.services.calls import call_log
from crm.services.cases import workflow
from crm.services.customers import visits
from crm.services.org import access

DISPOSITIONS = ("resolved", "case_opened", "callback_booked", "visit_logged", "wrong_number", "other")
# The action a disposition says was taken: the wrap-up must carry it.
NEEDS = {"case_opened": "case", "callback_booked": "callback_at", "visit_logged": "visit"}
NOTES_MAX = 4000
# An answered call older than this no longer holds its agent back from ``ready`` (a forgotten call of
# last week, or calls from before wrap-ups existed, must not lock an agent out for good).
WRAP_UP_WINDOW = timedelta(hours=12)


def routed_agent_id(session, call):
    """The staff id the call is (or was) routed to: who answered it, else who the IVR rings last."""
    if call.agent_id is not None:
        return call.agent_id
    ring = session.scalars(
        select(CallEvent)
        .where(CallEvent.call_id == call.id, CallEvent.kind == "ringing_agent")
        .order_by(CallEvent.at.desc(), CallEvent.id.desc())
        .limit(1)
    ).first()
    return (ring.detail or {}).get("agent_id") if ring else None


def may_open(session, viewer, call):
    """The routed agent, a supervisor of the call's branch, admins (``access.may_see`` for the last two)."""
    if viewer.role in ("supervisor", "admin") and access.may_see(viewer, call):
        return True
    return viewer.role in ("agent", "supervisor") and routed_agent_id(session, call) == viewer.id


def call_for_desk(session, viewer, sid):
    """The call ``sid`` for ``viewer``'s desk: NotFound when unknown, Forbidden when not theirs to open."""
    call = call_log.find_call(session, sid)
    if call is None:
        raise NotFound(f"No call {sid}.")
    if not may_open(session, viewer, call):
        raise Forbidden("This call was routed to another agent.")
    return call


def link_customer(session, viewer, call, customer):
    """The prospect the agent just created becomes the caller of a call nobody was identified on."""
    if call.customer_id is not None:
        raise Conflict("This call already has its customer.", {"customer_id": ["Already set."]})
    access.require_visible(viewer, customer)
    call.customer_id = customer.id
    session.flush()
    return call


def wrap_up(session, actor, call, data):
    """Save the wrap-up ``data`` of ``call`` by ``actor``; flushed, not committed (the caller commits once).

    ``data``: ``disposition``, ``notes``, ``case`` (fields for ``open_case``) or None, ``visit`` (fields
    for ``log_visit``) or None, ``callback_at`` or None. Errors of the case and visit come back with their
    fields prefixed ``case_`` / ``visit_`` (the form's inputs).
    """
    if routed_agent_id(session, call) != actor.id:
        raise Forbidden("Only the agent who took the call wraps it up.")
    if call.wrapped_up_at is not None:
        raise Conflict("This call is already wrapped up.")
    _check(call, data)
    at = clock.now()
    case = _prefixed("case", lambda: _open_case(session, actor, call, data["case"])) if data.get("case") else None
    visit = _prefixed("visit", lambda: _log_visit(session, actor, call, data["visit"])) if data.get("visit") else None
    session.flush()
    values = {
        "disposition": data["disposition"],
        "wrap_up_notes": mask_long_numbers(data.get("notes")) or None,
        "wrapped_up_at": at,
        "callback_at": data.get("callback_at"),
    }
    if case is not None:
        values["case_id"] = case.id
    if visit is not None:
        values["visit_id"] = visit.id
    # Conditional on "not yet wrapped up": of two saves racing, one wins and the other gets the 409.
    saved = session.execute(
        update(Call)
        .where(Call.id == call.id, Call.wrapped_up_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if saved.rowcount != 1:
        raise Conflict("This call is already wrapped up.")
    session.refresh(call)
    return call


def unwrapped_call(session, staff):
    """An inbound call ``staff`` answered lately (``WRAP_UP_WINDOW``) and has not wrapped up; None if none."""
    stmt = (
        select(Call)
        .where(
            Call.agent_id == staff.id,
            Call.direction == "inbound",
            Call.wrapped_up_at.is_(None),
            Call.started_at >= clock.now() - WRAP_UP_WINDOW,
        )
        .order_by(Call.started_at)
        .limit(1)
    )
    return session.scalars(stmt).first()


def _check(call, data):
    errors = {}
    disposition = data.get("disposition")
    if disposition not in DISPOSITIONS:
        errors["disposition"] = [f"One of: {', '.join(DISPOSITIONS)}."]
    elif NEEDS.get(disposition) and not data.get(NEEDS[disposition]):
        errors["disposition"] = [f"{disposition} needs its action ({NEEDS[disposition]}) in the wrap-up."]
    if len(data.get("notes") or "") > NOTES_MAX:
        errors["notes"] = [f"At most {NOTES_MAX} characters."]
    callback_at = data.get("callback_at")
    if callback_at is not None and clock.as_utc(callback_at) <= clock.now():
        errors["callback_at"] = ["In the past."]
    if data.get("visit") and call.customer_id is None:
        errors["visit_summary"] = ["A visit needs the call's customer: create the prospect first."]
    if errors:
        raise InvalidInput("The wrap-up is incomplete.", errors)


def _open_case(session, actor, call, fields):
    data = {**fields, "channel": "phone", "customer_id": call.customer_id}
    if call.customer_id is None:
        data["caller_number"] = call.from_number
    return workflow.open_case(session, actor, data)


def _log_visit(session, actor, call, fields):
    started = call.answered_at or call.started_at
    minutes = round((call.talk_seconds or call.duration_seconds or 0) / 60)
    data = {"channel": "phone", "purpose": "service", "duration_minutes": minutes, **fields}
    return visits.log_visit(session, actor, call.customer, {**data, "started_at": started, "call_sid": call.sid})


def _prefixed(prefix, action):
    """Run ``action``; its error's fields renamed ``<prefix>_<field>`` (the wrap-up form's input names)."""
    try:
        return action()
    except DomainError as exc:
        exc.fields = {f"{prefix}_{name}": messages for name, messages in (exc.fields or {}).items()}
        raise
