"""Twilio's status callbacks on a customer SMS: the row keyed by MessageSid follows the message forward.

Twilio may post a status twice or out of order ("sent" after "delivered"): a status never moves a message
back, so applying a callback again changes nothing.
"""

from sqlalchemy import select

from crm.core.clock import now
from crm.models import CustomerMessage

# Twilio's MessageStatus → our state; statuses before "sent" (queued, accepted, sending …) change nothing.
STATES = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",
    "undelivered": "undelivered",
    "failed": "failed",
    "canceled": "failed",
}
RANK = {"queued": 0, "sent": 1, "delivered": 2, "undelivered": 2, "failed": 2, "blocked": 2}


def apply_status(session, message_sid, status, error_code=None):
    """Record Twilio's ``status`` on the message it sent as ``message_sid``; returns the message or None
    (unknown SID: a staff digest or another system's message)."""
    message = session.scalar(select(CustomerMessage).where(CustomerMessage.message_sid == message_sid))
    state = STATES.get(status)
    if message is None or state is None or RANK[state] <= RANK[message.state]:
        return message
    message.state, message.status_at = state, now()
    if error_code:
        message.error_code = error_code
    return message
