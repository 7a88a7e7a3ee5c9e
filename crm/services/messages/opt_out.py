"""Opting out of customer SMS (退订): the customer's reply, or staff recording their wish, and its reversal.

A reply of "TD" or "退订" (any case, spaces and punctuation ignored) to the Twilio number opts out every
customer with the sender's number; staff may set or lift it with evidence (e.g. the recorded call where the
customer asked). Each change is in the customer's audit trail (留痕) and blocks messages still queued.
"""

import re

from sqlalchemy import select

from crm.core.clock import now
from crm.core.phones import try_normalise_phone
from crm.errors import InvalidInput
from crm.models import Customer, CustomerPhone
from crm.services.messages.outbox import block_queued
from crm.services.org import audit

OPT_OUT_REPLIES = ("TD", "退订")
FIELD = "sms_opt_out"
_IGNORED = re.compile(r"[\s\W_]+")


def is_opt_out(body):
    return _IGNORED.sub("", body or "").upper() in OPT_OUT_REPLIES


def inbound_reply(session, from_number, body, message_sid):
    """Apply a customer's inbound SMS: an opt-out reply opts out every customer with ``from_number``.
    Returns how many customers it opted out (0 for any other text, which is not kept)."""
    if not is_opt_out(body):
        return 0
    number = try_normalise_phone(from_number)
    if number is None:
        return 0
    customers = session.scalars(
        select(Customer).join(CustomerPhone).where(CustomerPhone.e164 == number, Customer.sms_opted_out_at.is_(None))
    ).all()
    for customer in customers:
        _set(session, None, customer, True, f"inbound SMS {message_sid}")
    return len(customers)


def set_opt_out(session, actor, customer, opted_out, evidence):
    """Staff set (the customer asked) or lift (the customer agreed again) the opt-out, with evidence."""
    if not (evidence or "").strip():
        raise InvalidInput("Evidence is required to change the SMS opt-out.", {"evidence": ["Required."]})
    if (customer.sms_opted_out_at is not None) != opted_out:
        _set(session, actor, customer, opted_out, evidence.strip())
    return customer


def _set(session, actor, customer, opted_out, evidence):
    audit.record(session, customer, actor, FIELD, not opted_out, opted_out, evidence=evidence)
    customer.sms_opted_out_at = now() if opted_out else None
    if opted_out:
        block_queued(session, [customer.id])
