"""Routing decisions of the inbound IVR — issue 5 §3 — as plain functions over a session.

The webhooks (``telephony.webhooks.ivr``) ask these what to do and turn the answer into TwiML:
which line and branch the dialled number belongs to, who is calling (VIP callers hear the
wealth-club greeting and reach their own manager first), whether the centre is open (the
installation calendar), which menu key means what, and which ready agent to ring next.
Cases the IVR opens are owned by whoever answers for the branch (``Roster.responsible_for`` in
``crm.services.org.duty``: a case always has a named owner, 首问负责制, even when the first
"responder" was the machine) and keyed by CallSid (``Case.source_ref``), so a retried webhook
never opens a second one. The caller's number goes into ``Case.caller_number`` (masked like a
customer's phones), never into the case's subject or body.
"""

import functools
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import defaultload, lazyload

from crm import live
from crm.core.clock import now
from crm.core.phones import default_region, try_normalise_phone
from crm.errors import NotFound
from crm.models import Branch, Call, Case, Customer, CustomerPhone, PhoneLine
from crm.services.calls import call_log, incoming_log
from crm.services.calls.presence import ready_agents
from crm.services.cases import workflow
from crm.services.cases.calendar.installation import installation_calendar
from crm.services.customers.records import lookup_preference
from crm.services.org.duty import Roster
from crm.services.org.reference_cache import cached

# Menu key → what happens (DOMAIN §6 / issue 5 §3).
MENU = {"1": "agent", "2": "complaint", "3": "callback", "0": "agent"}
# A wrong or missing key is asked again this many times, then the caller goes to an agent.
MENU_RETRIES = 1
# Agents rung one after the other before the caller is offered voicemail.
RING_ATTEMPTS = 2
RING_TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class Route:
    """Where an inbound call stands: the line whose greeting it hears, its branch, its caller
    (``call`` is None while the incoming step decides what to answer, before the call is logged)."""

    call: Call | None
    line: str
    branch: "Branch | BranchInfo"
    customer: "Customer | CallerInfo | None"
    is_open: bool

    @property
    def case_branch_id(self):
        """The branch of a case this call opens: a known caller's own branch, else the dialled line's."""
        return self.customer.branch_id if self.customer is not None else self.branch.id

    @property
    def preferred_agent_id(self):
        """A VIP caller's own manager is rung first."""
        customer = self.customer
        return customer.manager_id if customer is not None and customer.is_vip else None


@dataclass(frozen=True)
class BranchInfo:
    """What the IVR needs of a branch (its scripts, the ``{branch}``/``{hotline}`` placeholders)."""

    id: int
    code: str
    name: str
    hotline: str | None


@dataclass(frozen=True)
class LineInfo:
    """A phone line as the IVR sees it: a snapshot kept per process (``reference_cache``)."""

    number: str
    line: str
    branch_id: int
    branch: BranchInfo


def phone_line_for(session, dialled):
    """The line of the dialled number; an unknown number falls back to the first hotline."""
    number = _dialled_e164(dialled, default_region()) or dialled
    lines = cached(session, ("phone_lines",), lambda: _phone_lines(session))
    line = lines.get(number) or lines.get(None)
    if line is None:
        raise NotFound(f"No phone line answers {dialled}.")
    return line


@functools.lru_cache(maxsize=256)
def _dialled_e164(dialled, region):
    """``try_normalise_phone``, kept per process: the dialled number is one of the centre's few lines, and
    a landline number (not the mobile fast path) costs the full parser on every incoming call."""
    return try_normalise_phone(dialled, region)


def _phone_lines(session):
    """Every line by number, and under None the first hotline (where unknown numbers go)."""
    lines = {}
    for row in session.scalars(select(PhoneLine).order_by(PhoneLine.id)):
        branch = BranchInfo(row.branch.id, row.branch.code, row.branch.name, row.branch.hotline)
        lines[row.number] = LineInfo(row.number, row.line, row.branch_id, branch)
        if row.line == "hotline":
            lines.setdefault(None, lines[row.number])
    return lines


@dataclass(frozen=True)
class CallerInfo:
    """What the incoming step needs of a known caller: one light row, not the customer's card."""

    id: int
    is_vip: bool
    branch_id: int
    manager_id: int | None


# The customer calling from a number, chosen as the screen pop chooses among customers sharing it
# (``lookup_preference``: an open account first), built once.
_CALLER = (
    select(Customer.id, Customer.is_vip, Customer.branch_id, Customer.manager_id)
    .join(CustomerPhone, CustomerPhone.customer_id == Customer.id)
    .where(CustomerPhone.e164 == bindparam("e164"))
    .order_by(*lookup_preference(None), Customer.id)
    .limit(1)
)


def caller(session, from_number):
    """The customer calling from ``from_number`` (caller ID) as a ``CallerInfo``, or None."""
    e164 = try_normalise_phone(from_number)
    # Through the connection: rows of columns need none of the ORM's result handling that the session's
    # execute gives a statement built from mapped classes (some 50 µs a call).
    row = session.connection().execute(_CALLER, {"e164": e164}).first() if e164 is not None else None
    return CallerInfo(*row) if row is not None else None


def incoming_route(session, from_number, to_number, at):
    """The route of a new inbound call: the dialled line, the caller, whether the centre is open at ``at``."""
    phone_line = phone_line_for(session, to_number)
    customer = caller(session, from_number)
    line = "wealth_club" if customer is not None and customer.is_vip else phone_line.line
    is_open = installation_calendar(session).is_open(at)
    return Route(call=None, line=line, branch=phone_line.branch, customer=customer, is_open=is_open)


def log_incoming(session, route, sid, from_number, to_number, at, receipt_key, response):
    """Log the new call of ``route`` and its first event, with the webhook's receipt (``incoming_log``);
    the call's id, or None for a repeated delivery (nothing written)."""
    customer_id = route.customer.id if route.customer is not None else None
    facts = {
        "from_number": from_number,
        "to_number": to_number,
        "line": route.line,
        "branch_id": route.branch.id,
        "customer_id": customer_id,
    }
    detail = {"line": route.line, "after_hours": not route.is_open}
    return incoming_log.log_new_call(session, receipt_key, response, sid, at, facts, detail)


# The IVR's later steps read the call and its caller, never the caller's phones or the call's agent.
_ROUTED_CALL = (defaultload(Call.customer).lazyload(Customer.phones), lazyload(Call.agent))


def route_of(session, sid):
    """The route of a call already logged by ``log_incoming`` (later steps of the IVR)."""
    call = call_log.find_call(session, sid, *_ROUTED_CALL)
    if call is None or call.branch_id is None:
        raise NotFound(f"No inbound call {sid}.")
    branch = session.get(Branch, call.branch_id)
    is_open = installation_calendar(session).is_open(now())
    return Route(call=call, line=call.line or "hotline", branch=branch, customer=call.customer, is_open=is_open)


def menu_choice(digits, attempt):
    """``(action, attempt)``: the menu action for ``digits``; "retry" once for a wrong key, then "agent"."""
    action = MENU.get(digits or "")
    if action is not None:
        return action
    return "retry" if attempt < MENU_RETRIES else "agent"


def choose(session, route, digits, action):
    call_log.record_event(session, route.call, "menu", digits=digits, action=action)
    if route.call.menu_choice is None and digits in MENU:
        route.call.menu_choice = digits
    if action == "agent" and route.call.offered_at is None:
        route.call.offered_at = now()  # the call is offered to the agents (call-quality report)


def next_agent(session, route, tried=()):
    """The next ready agent of the branch not yet rung (a VIP's manager first); None when none is left."""
    if len(tried) >= RING_ATTEMPTS:
        return None
    agents = ready_agents(session, route.branch.id, prefer_staff_id=route.preferred_agent_id)
    return next((agent for agent in agents if agent.id not in tried), None)


def ring(session, route, agent):
    """Log that the caller waits for ``agent``; the first ring starts the queue wait."""
    call_log.record_event(session, route.call, "queued", at=now())
    route.call.first_ring_at = route.call.first_ring_at or now()
    call_log.record_event(session, route.call, f"ring:{agent.id}", kind="ringing_agent", agent_id=agent.id)
    # The desk's screen pop: ids only, sent once the ring is committed (the browser reads the call next).
    customer_id = route.customer.id if route.customer is not None else None
    ringing = {"call_sid": route.call.sid, "customer_id": customer_id, "from_known": customer_id is not None}
    live.publish_after_commit(session, agent.id, "ringing", ringing)


def dial_ended(session, route, agent_id, dial_status, talk_seconds):
    """The result of ringing ``agent_id``: True when the agent answered and talked to the caller."""
    call_log.record_event(session, route.call, f"dial:{agent_id}", kind="dial_result", status=dial_status)
    if dial_status != "completed":
        return False
    call_log.agent_answered(
        session, route.call, agent_id, talk_seconds, queued_at=call_log.queued_at(session, route.call)
    )
    return True


# --- cases opened by the IVR ----------------------------------------------------------------


def open_ivr_case(session, route, source, owner, **data):
    """Open (once per call and ``source``) a case from the IVR; the call is linked to it."""
    source_ref = f"{source}:{route.call.sid}"
    existing = session.scalar(select(Case).where(Case.source_ref == source_ref))
    if existing is not None:
        return existing
    customer = route.customer
    case = workflow.open_case(
        session,
        owner,
        {
            "channel": "ivr",
            "customer_id": customer.id if customer else None,
            "branch_id": route.case_branch_id,
            "caller_number": route.call.from_number,
            "source_ref": source_ref,
            **data,
        },
    )
    route.call.case_id = route.call.case_id or case.id
    session.flush()
    return case


def voicemail_owner(session, route):
    """A known customer's own manager answers the message; else whoever answers for the case's branch."""
    manager = route.customer.manager if route.customer is not None else None
    if manager is not None and manager.is_active and manager.branch_id == route.case_branch_id:
        return manager
    return Roster(session).responsible_for(route.case_branch_id)


def take_voicemail(session, route, reason, recording_url, recording_sid=None):
    """The caller's message becomes an ``inquiry`` case; out of hours its clock starts at the next opening."""
    subject = VOICEMAIL_SUBJECTS.get(reason, VOICEMAIL_SUBJECTS["no_agent"])
    case = open_ivr_case(
        session,
        route,
        "voicemail",
        voicemail_owner(session, route),
        kind="inquiry",
        subject=subject,
        body=f"留言录音：{recording_url}",
    )
    call_log.record_event(session, route.call, "voicemail_recorded", reason=reason, case_id=case.id)
    if recording_sid:
        call_log.record_recording(session, route.call.sid, recording_sid, recording_url)
    return case


VOICEMAIL_SUBJECTS = {"after_hours": "非工作时间来电留言", "no_agent": "来电留言（坐席忙）"}


def book_callback(session, route):
    """Menu 3: an ``inquiry`` case asking to call the caller back on their number."""
    case = open_ivr_case(
        session,
        route,
        "callback",
        voicemail_owner(session, route),
        kind="inquiry",
        subject="客户预约回电",
    )
    call_log.record_event(session, route.call, "callback_booked", case_id=case.id)
    return case
