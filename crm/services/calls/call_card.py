"""The screen-pop card of one call: the customer the IVR identified on THAT call, as the viewer may see them.

Never a lookup by number: two customers sharing a number pop the one the IVR chose (``Call.customer``).
Each part follows the rule the API applies to the same person:

- the customer: ``records.customer_view`` — an agent routed a call for a colleague's customer sees the
  card (like the caller-ID screen pop, anyone of the customer's branch may) with the ID number, phones,
  birthday and e-mail masked; a customer of another branch is not shown at all (as the screen pop);
- last visits: the screen pop's ``records.last_visits`` (branch-wide, as the API's screen pop gives them);
- open cases and earlier calls: only those ``access.visible`` lets the viewer list (an agent: their own);
- the caller's number: ``access.shown_phone`` (in full on a call nobody was identified on, since the agent
  on the call is the one to call back);
- suitable products: active products whose risk level suits the customer's tolerance band.
"""

from sqlalchemy import select

from crm.core import clock
from crm.models import Call, Case, Product
from crm.services.calls.call_log import call_view, calls_query
from crm.services.cases.deadlines import clock_status
from crm.services.customers import records
from crm.services.customers.suitability import ALLOWED_LEVELS, products_query
from crm.services.org import access

CLOSED_STATUSES = ("resolved", "closed")
LAST = 5


def call_card(session, viewer, call):
    customer = call.customer
    card = {
        "call": call,
        "caller_number": access.shown_phone(viewer, call.from_number, customer, call),
        "customer": None,
        "other_branch": False,
    }
    if customer is None:
        return card
    if viewer.role != "admin" and customer.branch_id != viewer.branch_id:
        return {**card, "other_branch": True}
    return {
        **card,
        "customer": records.customer_view(customer, viewer),
        "open_cases": open_cases(session, viewer, customer),
        "visits": records.last_visits(session, customer, limit=LAST),
        "calls": earlier_calls(session, viewer, call),
        "products": suitable_products(session, customer),
    }


def earlier_calls(session, viewer, call):
    """The customer's latest calls before this one that the viewer may list, as the API shows them."""
    stmt = calls_query(viewer, customer_id=call.customer_id).where(Call.id != call.id).limit(LAST)
    return [call_view(row, viewer) for row in session.scalars(stmt)]


def open_cases(session, viewer, customer):
    """The customer's open cases the viewer may see, each with its earliest running deadline and overdue mark."""
    stmt = (
        access.visible(select(Case), viewer)
        .where(Case.customer_id == customer.id, Case.status.not_in(CLOSED_STATUSES))
        .order_by(Case.opened_at.desc(), Case.id.desc())
    )
    at = clock.now()
    rows = []
    for case in session.scalars(stmt):
        clocks = [clock_status(deadline, at) for deadline in case.deadlines if deadline.met_at is None]
        due = min(clocks, key=lambda status: status["due_at"], default=None)
        rows.append({"case": case, "due_at": due and due["due_at"], "overdue": any(c["overdue"] for c in clocks)})
    return rows


def suitable_products(session, customer):
    levels = ALLOWED_LEVELS.get(customer.risk_tolerance, ALLOWED_LEVELS[None])
    stmt = products_query(active=True).where(Product.risk_level.in_(levels))
    return session.scalars(stmt.limit(LAST)).all()
