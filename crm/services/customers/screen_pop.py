"""The caller-ID screen pop (DOMAIN §1): the customer card for a phone number in any format.

The hot path of every ringing phone (issue 13): two indexed queries that return exactly the card's
columns — the customer with their phones, manager and branch in one, their latest visits in the
other — built once with bound parameters and read as plain rows, no ORM objects. The card is masked
by the rule and masks of every other customer view (``records.view_of``, ``access``).

Wider than ``access``: anyone of the customer's branch (and admins) may pop the card; the ID number
and phones stay masked unless the viewer may see the customer itself. Another branch's customer is
answered exactly as a number nobody has: whether a number is a customer's is itself confidential.
"""

import functools
from types import SimpleNamespace

from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased

from crm.models import Branch, Customer, CustomerPhone, Staff, Visit
from crm.services.customers import records
from crm.services.org import access


def screen_pop(session, raw_phone, viewer):
    """The card for ``raw_phone`` as ``viewer`` may see it, with the customer's last visits (plain values)."""
    e164 = records.phone_or_nobody(raw_phone)
    card, visits = _statements()
    rows = session.execute(card, {"e164": e164, "viewer_branch": viewer.branch_id}).all()
    if not rows or (viewer.role != "admin" and rows[0].branch_id != viewer.branch_id):
        raise records.nobody_has_it()
    first = rows[0]
    owner = Customer(id=first.id, branch_id=first.branch_id, manager_id=first.manager_id)  # for the rule only
    manager = None
    if first.manager_id is not None:
        manager = {"id": first.manager_id, "job_no": first.manager_job_no, "name": first.manager_name}
    branch = {"id": first.branch_id, "code": first.branch_code, "name": first.branch_name}
    phones = [SimpleNamespace(e164=row.e164, label=row.phone_label) for row in rows]
    view = records.view_of(first, phones, access.can_see_sensitive(viewer, owner), manager, branch)
    view["last_visits"] = [
        {
            "id": row.id,
            "started_at": row.started_at,
            "channel": row.channel,
            "purpose": row.purpose,
            "summary": row.summary,
            "manager": {"id": row.manager_id, "job_no": row.manager_job_no, "name": row.manager_name},
        }
        for row in session.execute(visits, {"customer_id": first.id})
    ]
    return view


@functools.cache
def _statements():
    """The two statements, once per process (building a statement costs more than running it here)."""
    chosen = (
        select(Customer.id)
        .join(CustomerPhone, CustomerPhone.customer_id == Customer.id)
        .where(CustomerPhone.e164 == bindparam("e164"))
        .order_by(*records.lookup_preference(bindparam("viewer_branch")), Customer.id)
        .limit(1)
        .scalar_subquery()
    )
    manager = aliased(Staff)
    card = (
        select(
            *(getattr(Customer, name) for name in _CUSTOMER_COLUMNS),
            Customer.risk_assessment_pending.label("risk_assessment_pending"),
            manager.job_no.label("manager_job_no"),
            manager.name.label("manager_name"),
            Branch.code.label("branch_code"),
            Branch.name.label("branch_name"),
            CustomerPhone.e164,
            CustomerPhone.label.label("phone_label"),
        )
        .join(Branch, Branch.id == Customer.branch_id)
        .outerjoin(manager, manager.id == Customer.manager_id)
        .join(CustomerPhone, CustomerPhone.customer_id == Customer.id)
        .where(Customer.id == chosen)
        .order_by(CustomerPhone.id)
    )
    visits = (
        select(
            Visit.id,
            Visit.started_at,
            Visit.channel,
            Visit.purpose,
            Visit.summary,
            Visit.manager_id,
            Staff.job_no.label("manager_job_no"),
            Staff.name.label("manager_name"),
        )
        .join(Staff, Staff.id == Visit.manager_id)
        .where(Visit.customer_id == bindparam("customer_id"))
        .order_by(Visit.started_at.desc(), Visit.id.desc())
        .limit(records.LAST_VISITS)
    )
    return card, visits


_CUSTOMER_COLUMNS = (
    *records.COLUMNS,
    "id",
    "customer_class",
    "risk_tolerance",
    "branch_id",
    "manager_id",
    "created_at",
    "updated_at",
    "sms_opted_out_at",
)
