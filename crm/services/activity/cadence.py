"""The contact cadence by customer class and the call list — S2 §56, issue 11 item 4.

Each class has a number of days a customer may go without a contact (``contact_cadences``, admins edit
it; ``kefu load-defaults`` installs ``DEFAULT_CADENCES``). A contact is a contact call — connected
(outcome answered), at least ``CONTACT_MIN_SECONDS`` long, with the customer — or a visit of any channel.
A customer never contacted counts from their creation.

The call list holds every active customer with a manager whose last contact's local date plus the
cadence is before today: contacted ``cadence`` days ago is due today, not yet on the list; a day more is
one day overdue. Most overdue first. One query: the customers joined to their class's cadence and to a
grouped subquery of each customer's last contact. A class without a cadence row puts nobody on the list.
"""

from datetime import datetime, time, timedelta

from sqlalchemy import func, literal, select, type_coerce, union_all

from crm.core import clock
from crm.core.day_numbers import day_number
from crm.errors import Forbidden, NotFound
from crm.models import Call, ContactCadence, Customer, Staff, Visit
from crm.models.customers import CLASSES
from crm.models.types import UTCDateTime
from crm.services.calls import call_log
from crm.services.org import access

# Days between contacts by class: the higher the class, the more often (README "Supervision").
DEFAULT_CADENCES = {
    "A+": 7,
    "B+": 7,
    "A": 14,
    "B": 14,
    "C": 30,
    "D": 30,
    "C-": 45,
    "D-": 45,
    "E": 60,
    "F": 90,
    "G": 180,
}


def ensure_default_cadences(session):
    """Add the default cadence of each class that has none (an admin's edits stay); returns how many."""
    present = set(session.scalars(select(ContactCadence.customer_class)))
    missing = [name for name in CLASSES if name not in present]
    session.add_all(ContactCadence(customer_class=name, days=DEFAULT_CADENCES[name]) for name in missing)
    session.flush()
    return len(missing)


def all_cadences(session):
    """Every class's cadence, highest class first."""
    rows = session.scalars(select(ContactCadence)).all()
    return sorted(rows, key=lambda row: CLASSES.index(row.customer_class))


def set_cadence(session, actor, customer_class, days):
    """Set ``customer_class``'s cadence to ``days`` (admins only)."""
    if actor.role != "admin":
        raise Forbidden("Contact cadences are set by admins.")
    if customer_class not in CLASSES:
        raise NotFound(f"No customer class {customer_class!r}.")
    row = session.get(ContactCadence, customer_class) or ContactCadence(customer_class=customer_class)
    row.days, row.updated_by_id = days, actor.id
    session.add(row)
    session.flush()
    return row


def last_contact_subquery():
    """Per customer, the start of their last contact (``customer_id``, ``last_at``): a contact call by the
    one rule (``call_log.contact_call_condition``) or a visit of any channel."""
    calls = select(Call.customer_id.label("customer_id"), Call.started_at.label("at")).where(
        call_log.contact_call_condition()
    )
    contacts = union_all(calls, select(Visit.customer_id, Visit.started_at)).subquery("contacts")
    grouped = select(contacts.c.customer_id, func.max(contacts.c.at).label("last_at"))
    return grouped.group_by(contacts.c.customer_id).subquery("last_contacts")


def call_list_query(session, viewer, today, manager_id=None):
    """``select(Customer, last_contact_at, cadence_days)`` of the call list ``viewer`` may see, most overdue
    first (agents: their own customers; supervisors: the branch's; admins: all), optionally of one manager."""
    last = last_contact_subquery()
    since = func.coalesce(last.c.last_at, Customer.created_at)
    due = day_number(since) + ContactCadence.days
    midnight = datetime.combine(today, time(), tzinfo=clock.zone())
    stmt = (
        select(Customer, type_coerce(last.c.last_at, UTCDateTime).label("last_contact_at"), ContactCadence.days)
        .join(ContactCadence, ContactCadence.customer_class == Customer.customer_class)
        .outerjoin(last, last.c.customer_id == Customer.id)
        .where(Customer.status == "active", Customer.manager_id.is_not(None))
        .where(due < day_number(literal(midnight, UTCDateTime)))
        .order_by(due, Customer.id)
    )
    if manager_id is not None:
        stmt = stmt.where(Customer.manager_id == access.visible_row(session, viewer, Staff, manager_id).id)
    return access.visible(stmt, viewer)


def call_list_entry(customer, last_contact_at, cadence_days, today):
    """One row of the call list: when the customer was last contacted, when they were due, how late."""
    since = last_contact_at or customer.created_at
    due_on = clock.local(since).date() + timedelta(days=cadence_days)
    return {
        "last_contact_at": last_contact_at,
        "last_contact_on": clock.local(last_contact_at).date() if last_contact_at else None,
        "cadence_days": cadence_days,
        "due_on": due_on,
        "days_overdue": (today - due_on).days,
    }
