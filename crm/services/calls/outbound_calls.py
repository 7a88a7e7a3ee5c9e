"""Calls an agent places from the browser softphone (click-to-call) — issue 5 §6.

The call is logged like any other through ``crm.services.calls.call_log`` (keyed by CallSid), with the
agent and, when the number is a customer's, the customer. The agent is busy while it lasts
and in wrap-up after it, so routing leaves them alone until they are ready again.

Toll fraud (issue 9 §14): a stolen agent session must not run up a bill, so the softphone dials only
the numbers of customers the agent may see and mobile or landline numbers starting with one of the
allowed prefixes (``DIAL_ALLOWED_PREFIXES``: mainland China by default). Premium-rate numbers are
never dialled, a customer's included; other service numbers and international ones only when they
are a customer's. A refused call is logged as failed, with the reason.
"""

from datetime import timedelta

from sqlalchemy import select

from crm.core import clock
from crm.core.phones import number_kind
from crm.errors import NotFound
from crm.models import Customer, CustomerPhone, Staff
from crm.services.calls import call_log
from crm.services.calls.presence import set_presence
from crm.services.customers.records import lookup_by_phone
from crm.services.org import access

CLIENT_PREFIX = "client:agent-"
# Twilio's DialCallStatus → the call's outcome.
DIAL_OUTCOMES = {
    "completed": "answered",
    "answered": "answered",
    "busy": "busy",
    "no-answer": "no_answer",
    "failed": "failed",
    "canceled": "abandoned",
}


def agent_by_client(session, client):
    """The active staff member behind a softphone ``client:agent-<job no>``, or None."""
    if not (client or "").startswith(CLIENT_PREFIX):
        return None
    job_no = client.removeprefix(CLIENT_PREFIX)
    return session.scalar(select(Staff).where(Staff.job_no == job_no, Staff.is_active.is_(True)))


def dial_refusal(session, agent, number, allowed_prefixes):
    """Why ``agent``'s softphone may not dial ``number`` (E.164): ``"premium_rate"`` or ``"not_allowed"``;
    None when it may."""
    kind = number_kind(number)
    if kind == "premium_rate":
        return "premium_rate"
    if kind == "personal" and number.startswith(tuple(allowed_prefixes)):
        return None
    customers = select(Customer.id).join(CustomerPhone).where(CustomerPhone.e164 == number)
    if session.scalar(access.visible(customers, agent).limit(1)) is not None:
        return None
    return "not_allowed"


def customer_number(session, agent, customer_id):
    """The phone of customer ``customer_id`` to dial (a mobile first) when ``agent`` may see the customer;
    None otherwise. Click-to-call sends the customer's id, never the number, from the browser."""
    customers = access.visible(select(Customer.id).where(Customer.id == customer_id), agent)
    if session.scalar(customers) is None:
        return None
    phones = select(CustomerPhone.e164).where(CustomerPhone.customer_id == customer_id)
    return session.scalar(phones.order_by(CustomerPhone.label != "mobile", CustomerPhone.id).limit(1))


def start_browser_call(session, sid, agent, number, caller_id, refused=None, at=None):
    """Log ``agent``'s call ``sid`` to ``number`` (E.164, or None when not a phone number); ``refused``
    (a ``dial_refusal``) when it is not dialled."""
    at = at or clock.now()
    customer = _customer(session, number, agent) if number else None
    call = call_log.record_call(
        session,
        sid,
        "outbound",
        from_number=caller_id,
        to_number=number,
        agent_id=agent.id,
        branch_id=agent.branch_id,
        customer_id=customer.id if customer else None,
    )
    # The number is the call's ``to_number`` (masked per viewer); events carry no personal data.
    dialled = number is not None and not refused
    call_log.record_event(session, call, "browser_dial", at=at, agent_id=agent.id, dialled=dialled, refused=refused)
    if not dialled:
        call.outcome = call.outcome or "failed"
    else:
        set_presence(session, agent, "busy", at=at)
    session.flush()
    return call


def record_dial_result(session, sid, dial_status, talk_seconds=0, at=None):
    """The customer's leg ended: outcome, talk time, and the agent into wrap-up — once per call."""
    at = at or clock.now()
    call = call_log.record_call(session, sid, "outbound")
    if (
        call_log.record_event(session, call, "dial_result", at=at, status=dial_status, talk_seconds=talk_seconds)
        is None
    ):
        return call
    outcome = DIAL_OUTCOMES.get(dial_status, "failed")
    call.outcome = call.outcome or outcome
    if outcome == "answered":
        call.answered_at = call.answered_at or at - timedelta(seconds=talk_seconds)
        call.duration_seconds = call.duration_seconds or talk_seconds
    if call.agent is not None and call.agent.presence == "busy":
        set_presence(session, call.agent, "wrap_up", at=at)
    session.flush()
    return call


def _customer(session, number, agent):
    try:
        return lookup_by_phone(session, number, viewer=agent)
    except NotFound:
        return None
