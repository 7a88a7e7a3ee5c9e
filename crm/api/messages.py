"""SMS to a customer (S2 §34–35): send from a template or free text, the customer's message log with
delivery status, and the opt-out (退订) staff set or lift with evidence. Nested under ``/customers/<id>``;
only those who may see the customer send, read or change anything here.
"""

from flask import current_app
from flask_smorest import Blueprint

from crm.api.common import PageArgs, page_schema, paginate
from crm.api.lookups import visible_customer
from crm.api.schemas.customers import CustomerOut
from crm.api.schemas.messages import MessageIn, MessageOut, OptOutIn
from crm.auth import current_staff, roles
from crm.core import clock
from crm.extensions import db, queues
from crm.services.customers import records
from crm.services.messages import opt_out, outbox
from workers.messages import send_customer_messages

URL = "customers"
blp = Blueprint("customer_messages", __name__, description="SMS to customers, their delivery status and opt-out")


@blp.post("/<int:customer_id>/messages")
@roles("agent", "supervisor", "admin")
@blp.arguments(MessageIn)
@blp.response(202, MessageOut)
def send_message(data, customer_id):
    """Queue an SMS to the customer: sent at once in business hours (or when ``urgent``), else when they open.

    Refused: the customer opted out (409 ``opted_out``), a forbidden marketing word (422 ``forbidden_words``,
    the words named), a template variable missing (422). The delivery status follows on the message.
    """
    message = outbox.compose(db.session, current_staff(), visible_customer(customer_id), **data)
    db.session.commit()
    if message.not_before <= clock.now():
        _send_soon()
    return message


@blp.get("/<int:customer_id>/messages")
@roles("agent", "supervisor", "admin")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(MessageOut, "CustomerMessagePage"))
def list_messages(args, customer_id):
    """Every SMS to the customer, newest first, with its delivery status."""
    return paginate(outbox.messages_query(visible_customer(customer_id)), args)


@blp.put("/<int:customer_id>/sms-opt-out")
@roles("agent", "supervisor", "admin")
@blp.arguments(OptOutIn)
@blp.response(200, CustomerOut)
def set_opt_out(data, customer_id):
    """Set (the customer asked) or lift (the customer agreed again) the SMS opt-out; audited with the evidence."""
    viewer = current_staff()
    customer = visible_customer(customer_id)
    opt_out.set_opt_out(db.session, viewer, customer, data["opted_out"], data["evidence"])
    db.session.commit()
    return records.customer_view(customer, viewer)


def _send_soon():
    """Run the sender now rather than at the next minute; if the queue is down, the periodic run sends it."""
    try:
        queues.queue("telephony").enqueue(send_customer_messages)
    except Exception as exc:  # noqa: BLE001 — the message is safe in the database either way
        current_app.logger.warning("customer SMS sender not enqueued (%s)", type(exc).__name__)
