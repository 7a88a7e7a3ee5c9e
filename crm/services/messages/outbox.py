"""Customer SMS: written, held to business hours, and sent under a lease (issue 10 item 9).

``compose`` writes the message (the database is the outbox and the log): due at once when urgent or
inside business hours, else at the next opening. ``send_due`` is the periodic sender: it claims due
messages with a conditional update that holds them for ``lease`` (``attempts`` + ``claimed_until``), as
the complaint call-outs do (``crm.services.calls.dispatch_calls``), and only the MessageSid written once
Twilio took a message confirms it. A claim never confirmed runs out and a later run takes it again.
Right before sending, the customer's opt-out is asked again: an opted-out customer gets no SMS.

Message bodies are personal data: they are never logged, only stored on the row, which the API shows to
those who may see the customer.
"""

import logging
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import exists, or_, select, update

from crm.core.bulk import insert_or_skip
from crm.core.clock import now
from crm.core.leases import claim_batch
from crm.errors import Conflict, InvalidInput
from crm.i18n import DEFAULT_LANGUAGE, in_language
from crm.models import Branch, Customer, CustomerMessage, CustomerPhone
from crm.services.cases.calendar.installation import installation_calendar
from crm.services.messages import templates
from crm.services.org.wording import refuse_marketing_words

log = logging.getLogger(__name__)

OPT_OUT_HINT = "回复TD退订"  # the Chinese of the hint below: a body already ending so keeps it
MAX_ATTEMPTS = 5
BATCH_SIZE = 50
WELCOME_STATUSES = ("active", "prospect")


def compose(session, actor, customer, *, template=None, variables=None, text=None, urgent=False):
    """Write ``actor``'s SMS to ``customer`` from the template keyed ``template`` or from free ``text``.

    Refused: a customer who opted out or was closed (409), one without a phone, a text with forbidden
    marketing words or a template lacking variables (422). Returns the queued message.
    """
    if (template is None) == (text is None):
        raise InvalidInput("Give a template or a text, not both.", {"template": ["Either this or text."]})
    _require_reachable(customer)
    if text is not None:
        refuse_marketing_words(session, text=text)
        body = text.strip()
    else:
        body = templates.render(templates.for_customer(session, template, customer), customer, variables)
        refuse_marketing_words(session, template=body)
    at = now()
    message = CustomerMessage(
        customer_id=customer.id,
        author_id=actor.id,
        kind="staff",
        template_key=template,
        body=with_opt_out_hint(body, customer.language),
        urgent=urgent,
        not_before=at if urgent else _opening(session, at),
        created_at=at,
    )
    session.add(message)
    session.flush()
    return message


def with_opt_out_hint(body, language=DEFAULT_LANGUAGE):
    """Every customer SMS tells how to stop them, in the customer's language."""
    with in_language(language):
        hint = _("Reply TD to opt out")
        # Translators: an SMS and the opt-out hint after it (Chinese: no space between).
        return body if hint in body or OPT_OUT_HINT in body else _("%(text)s %(hint)s", text=body, hint=hint)


def messages_query(customer):
    return (
        select(CustomerMessage)
        .where(CustomerMessage.customer_id == customer.id)
        .order_by(CustomerMessage.created_at.desc(), CustomerMessage.id.desc())
    )


def _require_reachable(customer):
    if customer.sms_opted_out_at is not None:
        raise Conflict("The customer opted out of SMS (退订); no message is sent to them.", code="opted_out")
    if customer.status == "closed":
        raise Conflict("The customer is closed; no message is sent to them.")
    if mobile_number(customer) is None:
        raise InvalidInput("The customer has no phone number to text.", {"customer": ["No phone number."]})


def mobile_number(customer):
    """The number a text goes to: the first mobile, else the first number on record."""
    phones = sorted(customer.phones, key=lambda phone: (phone.label != "mobile", phone.id))
    return phones[0].e164 if phones else None


def _opening(session, at):
    calendar = installation_calendar(session)
    return at if calendar.is_open(at) else calendar.next_opening(at)


# The welcome message -------------------------------------------------------------------------


def owe_welcomes(session, at, limit=200):
    """Queue the welcome owed to each new customer or prospect of a branch that turned it on (created since),
    reachable and not yet welcomed; once per customer (``dedupe_key``). Returns how many were queued.

    Most installations send no welcome: the branches are asked first, so that the periodic sender does not
    scan every customer each minute to find none."""
    if not session.scalar(select(exists().where(Branch.welcome_sms_since.is_not(None)))):
        return 0
    owed = session.scalars(
        select(Customer)
        .join(Branch, Branch.id == Customer.branch_id)
        .where(
            Branch.welcome_sms_since.is_not(None),
            Customer.created_at >= Branch.welcome_sms_since,
            Customer.status.in_(WELCOME_STATUSES),
            Customer.sms_opted_out_at.is_(None),
            exists().where(CustomerPhone.customer_id == Customer.id),
            ~exists().where(CustomerMessage.customer_id == Customer.id, CustomerMessage.kind == "welcome"),
        )
        .order_by(Customer.id)
        .limit(limit)
    ).all()
    if not owed:
        return 0
    opening = _opening(session, at)
    rows = [
        _welcome_row(templates.for_customer(session, templates.WELCOME, customer), customer, at, opening)
        for customer in owed
    ]
    stmt = insert_or_skip(session, CustomerMessage, ("dedupe_key",), CustomerMessage.id).values(rows)
    return len(session.execute(stmt).all())


def _welcome_row(template, customer, at, opening):
    return {
        "customer_id": customer.id,
        "author_id": None,
        "kind": "welcome",
        "template_key": template.key,
        "body": with_opt_out_hint(templates.render(template, customer), customer.language),
        "urgent": False,
        "dedupe_key": f"welcome:{customer.id}",
        "state": "queued",
        "not_before": opening,
        "attempts": 0,
        "created_at": at,
    }


# The sender ----------------------------------------------------------------------------------


@dataclass
class SendRun:
    welcomed: int = 0
    sent: int = 0
    blocked: int = 0
    failed: int = 0  # refusals by the provider (tried again after the lease, up to MAX_ATTEMPTS)


def send_due(session, at, send, lease, limit=BATCH_SIZE):
    """Queue the welcomes owed, then claim and send the messages due at ``at`` through
    ``send(to, body) -> MessageSid``, ``limit`` claims at a time; commits after each claim and each message."""
    outcome = SendRun(welcomed=owe_welcomes(session, at))
    session.commit()
    while True:
        claims = claim(session, at, lease, limit)
        session.commit()
        for message_id, attempt in claims:
            _send_one(session, message_id, attempt, send, outcome)
            session.commit()
        if len(claims) < limit:
            return outcome


def _claimable(at):
    return (
        (CustomerMessage.state == "queued")
        & (CustomerMessage.not_before <= at)
        & (CustomerMessage.attempts < MAX_ATTEMPTS)
        & or_(CustomerMessage.claimed_until.is_(None), CustomerMessage.claimed_until <= at)
    )


def claim(session, at, lease, limit=BATCH_SIZE):
    """(message id, attempt) of the due messages this worker now holds until ``at + lease``, oldest first.
    Outside business hours only urgent ones: a retry after a lease does not slip into the night."""
    urgent_only = None if installation_calendar(session).is_open(at) else CustomerMessage.urgent.is_(True)
    order = (CustomerMessage.not_before, CustomerMessage.id)
    return claim_batch(session, CustomerMessage, _claimable(at), at, lease, limit, order, urgent_only)


def _send_one(session, message_id, attempt, send, outcome):
    """Send one claimed message and confirm it; the row stays locked while it is sent."""
    message = session.scalar(
        select(CustomerMessage)
        .where(
            CustomerMessage.id == message_id,
            CustomerMessage.attempts == attempt,
            CustomerMessage.state == "queued",
        )
        .with_for_update(of=CustomerMessage)
    )
    if message is None:  # a later run took it after our lease, or it was blocked meanwhile
        return
    customer = session.get(Customer, message.customer_id)
    to = mobile_number(customer)
    if customer.sms_opted_out_at is not None or customer.status == "closed" or to is None:
        message.state, message.claimed_until = "blocked", None
        outcome.blocked += 1
        return
    try:
        sid = send(to, message.body)
    except Exception as exc:  # noqa: BLE001 — any refusal waits for the lease; the class only (no number, no text)
        log.warning("customer message %s not sent (%s)", message_id, type(exc).__name__)
        if attempt >= MAX_ATTEMPTS:
            message.state, message.claimed_until = "failed", None
        outcome.failed += 1
        return
    message.state, message.message_sid, message.sent_at, message.claimed_until = "sent", sid, now(), None
    outcome.sent += 1


def block_queued(session, customer_ids):
    """Messages still waiting for these customers will not go (they opted out)."""
    session.execute(
        update(CustomerMessage)
        .where(CustomerMessage.customer_id.in_(customer_ids), CustomerMessage.state == "queued")
        .values(state="blocked", claimed_until=None)
        .execution_options(synchronize_session=False)
    )
