"""The call log — issue 5 §4: every call by its CallSid, what happened on it, and its outcome.

Twilio retries and repeats callbacks, so everything here is keyed: a call is found or made by
its SID, and each step is a ``CallEvent`` whose ``dedupe_key`` (``sid:step``) is unique — a
step already recorded is not applied again. Times only ever fill empty columns, so a late or
repeated status callback cannot move them.

Outcome (DOMAIN §8 counts it): busy / no_answer / failed straight from Twilio's final status;
a completed call is ``answered`` when a person took it (an agent, or the callee of an outbound
call), ``voicemail`` when the caller left a recording (voicemail or complaint), ``answered``
when the IVR served the caller itself (callback booked), else ``abandoned``: the caller hung
up before anyone answered.
"""

from datetime import timedelta

from sqlalchemy import and_, select
from sqlalchemy.orm import lazyload

from crm.core.bulk import insert_or_skip
from crm.core.clock import as_utc, now
from crm.core.filters import where_given
from crm.errors import InvalidInput, NotFound
from crm.models import Call, CallEvent, Case, CaseEvent
from crm.services.cases.workflow import get_case
from crm.services.customers.visits import visible_visit
from crm.services.org import access

# A connected call this long counts as a contact toward activity volume (DOMAIN §4).
CONTACT_MIN_SECONDS = 30
# Twilio's final CallStatus values → outcome; "completed" is worked out from the call's events.
FINAL_STATUS_OUTCOMES = {"busy": "busy", "no-answer": "no_answer", "failed": "failed", "canceled": "abandoned"}
FINAL_STATUSES = ("completed", *FINAL_STATUS_OUTCOMES)
# Event kinds that decide a completed call's outcome, strongest first.
OUTCOME_BY_EVENT = (
    ("agent_answered", "answered"),
    ("voicemail_recorded", "voicemail"),
    ("complaint_recorded", "voicemail"),
    ("callback_booked", "answered"),
)
# Which column a CallStatus fills the first time it is seen.
STATUS_TIMES = {"ringing": "ringing_at", "in-progress": "answered_at", "answered": "answered_at"}
TWILIO_DIRECTIONS = {"inbound": "inbound"}  # outbound-api, outbound-dial → outbound


def direction_of(twilio_direction):
    return TWILIO_DIRECTIONS.get(twilio_direction or "inbound", "outbound")


def find_call(session, sid, *options):
    """The call with ``sid`` (None when unknown); ``options``: how to load its related rows."""
    return session.scalar(select(Call).where(Call.sid == sid).options(*options))


def record_call(session, sid, direction="inbound", **facts):
    """The call with ``sid``, made on first sight; ``facts`` fill only columns still empty.

    A new call is one ``INSERT … ON CONFLICT DO NOTHING RETURNING`` with its facts (no savepoint,
    no second UPDATE); a concurrent callback that made it first is then read back.
    """
    call = _call_to_write(session, sid)
    if call is None:
        values = {name: value for name, value in facts.items() if value is not None}
        call = _insert_or_ignore(session, Call, "sid", sid=sid, direction=direction, started_at=now(), **values)
        if call is not None:
            return call
        call = _call_to_write(session, sid)
    for name, value in facts.items():
        if value is not None and getattr(call, name) is None:
            setattr(call, name, value)
    session.flush()
    return call


def _call_to_write(session, sid):
    """The call with ``sid`` without its customer and agent: a callback writes the call's own columns (the
    customer's joined row and its phones cost a statement and a join each time; read on access if needed)."""
    return find_call(session, sid, lazyload("*"))


def record_new_call(session, sid, direction="inbound", **facts):
    """``record_call`` for a call most likely never seen (the incoming-call webhook): the INSERT is tried
    first, without the look-up, and only a call already there (a retry, a racing callback) is read."""
    values = {name: value for name, value in facts.items() if value is not None}
    call = _insert_or_ignore(session, Call, "sid", sid=sid, direction=direction, started_at=now(), **values)
    return call if call is not None else record_call(session, sid, direction, **facts)


def record_event(session, call, step, kind=None, at=None, **detail):
    """Write step ``step`` of ``call`` once; returns the event, or None when it was already recorded."""
    key = f"{call.sid}:{step}"
    values = {"call_id": call.id, "kind": kind or step, "at": at or now(), "detail": detail or None}
    return _insert_or_ignore(session, CallEvent, "dedupe_key", dedupe_key=key, **values)


def _insert_or_ignore(session, model, unique, **values):
    """The new ``model`` row, or None when one with the same ``unique`` column exists (one statement)."""
    return session.scalars(insert_or_skip(session, model, [unique], model).values(**values)).first()


def has_event(session, call, kind):
    return session.scalar(select(CallEvent.id).where(CallEvent.call_id == call.id, CallEvent.kind == kind)) is not None


def apply_status(session, sid, status, duration=None, direction=None, at=None, **facts):
    """A status callback: times, duration and outcome, each set once; a repeat changes nothing. ``facts``
    (``from_number``, ``to_number``, ``customer_id``…) fill the call's columns still empty, as ``record_call``."""
    at = at or now()
    call = record_call(session, sid, direction_of(direction), **facts)
    if record_event(session, call, f"status:{status}", kind="status", at=at, status=status) is None:
        return call
    final = status in FINAL_STATUSES
    # Worked out before the call changes: its query would flush the changes first, a second UPDATE.
    outcome = (call.outcome or derive_outcome(session, call, status)) if final else None
    call.status = status
    column = STATUS_TIMES.get(status)
    if column and getattr(call, column) is None:
        setattr(call, column, at)
    if final:
        call.ended_at = call.ended_at or at
        if duration is not None and call.duration_seconds is None:
            call.duration_seconds = int(duration)
        call.outcome = outcome
    session.flush()
    return call


def derive_outcome(session, call, final_status):
    if final_status in FINAL_STATUS_OUTCOMES:
        return FINAL_STATUS_OUTCOMES[final_status]
    if call.direction == "outbound":
        return "answered" if call.answered_at else "no_answer"
    kinds = set(session.scalars(select(CallEvent.kind).where(CallEvent.call_id == call.id)))
    return next((outcome for kind, outcome in OUTCOME_BY_EVENT if kind in kinds), "abandoned")


def agent_answered(session, call, agent_id, talk_seconds, queued_at=None, at=None):
    """An agent took the call ``talk_seconds`` before ``at`` (Twilio reports it when the leg ends)."""
    at = at or now()
    answered = at - timedelta(seconds=int(talk_seconds or 0))
    event = record_event(session, call, "agent_answered", at=answered, agent_id=agent_id, talk_seconds=talk_seconds)
    if event is None:
        return call
    call.agent_id = agent_id
    call.talk_seconds = int(talk_seconds or 0)
    if queued_at is not None and call.queue_wait_seconds is None:
        call.queue_wait_seconds = max(0, int((answered - as_utc(queued_at)).total_seconds()))
    session.flush()
    return call


def queued_at(session, call):
    """When the caller started waiting for an agent (the first ``queued`` event)."""
    return session.scalar(
        select(CallEvent.at).where(CallEvent.call_id == call.id, CallEvent.kind == "queued").order_by(CallEvent.at)
    )


def record_recording(session, sid, recording_sid, recording_url, duration=None):
    call = record_call(session, sid)
    if record_event(session, call, f"recording:{recording_sid}", kind="recording", duration=duration) is None:
        return call
    call.recording_sid, call.recording_url = recording_sid, recording_url
    session.flush()
    return call


def record_transcription(session, sid, recording_sid, text):
    """Transcribed text on the call and appended to the body of the case the call opened."""
    call = record_call(session, sid)
    if not text or record_event(session, call, f"transcription:{recording_sid}", kind="transcription") is None:
        return call
    call.transcription = text
    if call.case_id is not None:
        case = session.get(Case, call.case_id)
        case.body = f"{case.body}\n\n录音转写：{text}" if case.body else f"录音转写：{text}"
        session.add(CaseEvent(case_id=case.id, action="transcribed", channel="ivr", detail={"call_sid": sid}, at=now()))
    session.flush()
    return call


def contact_call_condition():
    """The one rule of a contact (DOMAIN §4), as a SQL condition on ``Call``: a connected (answered) call of
    at least CONTACT_MIN_SECONDS with a known customer. Counting (``crm.services.activity.counts``) and the
    "last contacted" of the care cadence use it; ``is_contact`` states it for one loaded call."""
    return and_(
        Call.outcome == "answered",
        Call.duration_seconds >= CONTACT_MIN_SECONDS,
        Call.customer_id.is_not(None),
    )


def is_contact(call):
    """``contact_call_condition`` for one call already loaded (``tests/unit/test_activity_counts.py`` holds
    the two to the same cases)."""
    answered = call.outcome == "answered" and call.customer_id is not None
    return answered and (call.duration_seconds or 0) >= CONTACT_MIN_SECONDS


def contacts_query(agent_id, start, end):
    """``select(Call)`` of ``agent_id``'s calls between ``start`` and ``end`` that count as contacts."""
    return select(Call).where(
        Call.agent_id == agent_id, Call.started_at >= start, Call.started_at < end, contact_call_condition()
    )


# --- reading and linking, for the API -----------------------------------------------------


def calls_query(viewer, agent_id=None, customer_id=None, direction=None, outcome=None, start=None, end=None):
    stmt = access.visible(select(Call), viewer).order_by(Call.started_at.desc(), Call.id.desc())
    filters = {Call.agent_id: agent_id, Call.customer_id: customer_id, Call.direction: direction, Call.outcome: outcome}
    stmt = where_given(stmt, filters)
    if start is not None:
        stmt = stmt.where(Call.started_at >= start)
    if end is not None:
        stmt = stmt.where(Call.started_at < end)
    return stmt


def get_call(session, viewer, call_id):
    return access.visible_row(session, viewer, Call, call_id)


def events(session, call):
    return session.scalars(select(CallEvent).where(CallEvent.call_id == call.id).order_by(CallEvent.at, CallEvent.id))


def link(session, viewer, call, case_id=None, visit_id=None):
    """Attach ``call`` to a case and/or a visit the viewer may see."""
    if case_id is None and visit_id is None:
        raise InvalidInput("Name a case or a visit to link.", {"case_id": ["case_id or visit_id is required."]})
    if case_id is not None:
        call.case_id = _linked(lambda: get_case(session, viewer, case_id), "case_id").id
    if visit_id is not None:
        call.visit_id = _linked(lambda: visible_visit(session, viewer, visit_id), "visit_id").id
    session.flush()
    return call


def _linked(load, field):
    try:
        return load()
    except NotFound as exc:
        raise InvalidInput(exc.message, {field: ["Unknown."]}) from exc


VIEW_FIELDS = [
    "id",
    "sid",
    "parent_sid",
    "direction",
    "line",
    "branch_id",
    "customer",
    "agent",
    "case_id",
    "visit_id",
    "status",
    "outcome",
    "menu_choice",
    "started_at",
    "ringing_at",
    "answered_at",
    "ended_at",
    "queue_wait_seconds",
    "duration_seconds",
    "recording_url",
    "transcription",
]


def call_view(call, viewer):
    """The call as ``viewer`` sees it: the numbers masked unless they may see them (``access.shown_phone``)."""
    view = {name: getattr(call, name) for name in VIEW_FIELDS}
    for name in ("from_number", "to_number"):
        view[name] = access.shown_phone(viewer, getattr(call, name), call.customer, call)
    view["counts_as_contact"] = is_contact(call)
    return view
