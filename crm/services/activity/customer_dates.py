"""The dates kept on a customer for care reminders (亲情服务): account or wedding anniversaries, a family
birthday, any other day — yearly on their month and day, or once. Whoever may edit the customer (their
manager, a supervisor of the branch, an admin) reads and keeps them."""

from sqlalchemy import select

from crm.errors import NotFound
from crm.models import CustomerDate
from crm.services.org import access


def dates_of(session, viewer, customer):
    access.require_visible(viewer, customer)
    stmt = select(CustomerDate).where(CustomerDate.customer_id == customer.id)
    return session.scalars(stmt.order_by(CustomerDate.day, CustomerDate.id)).all()


def add_date(session, actor, customer, kind, day, yearly=True, label=None):
    access.require_visible(actor, customer)
    row = CustomerDate(customer_id=customer.id, kind=kind, day=day, yearly=yearly, label=label, created_by_id=actor.id)
    session.add(row)
    session.flush()
    return row


def remove_date(session, actor, customer, date_id):
    access.require_visible(actor, customer)
    row = session.get(CustomerDate, date_id)
    if row is None or row.customer_id != customer.id:
        raise NotFound(f"No date {date_id} on this customer.")
    session.delete(row)
    session.flush()
