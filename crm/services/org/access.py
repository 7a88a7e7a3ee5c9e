"""Who may see what (DOMAIN §1).

Agents see their own customers, supervisors their branch, admins everything. The
caller-ID screen pop is wider: any agent may see the card of a customer of their own
branch who calls in, but with ID number and phones masked unless it is their customer.
"""

from sqlalchemy import false

from crm.errors import Forbidden
from crm.models import Customer


def customer_scope(stmt, viewer):
    """Narrow a ``select(Customer)`` to what ``viewer`` may list."""
    if viewer.role == "admin":
        return stmt
    if viewer.role == "supervisor":
        return stmt.where(Customer.branch_id == viewer.branch_id)
    if viewer.role == "agent":
        return stmt.where(Customer.manager_id == viewer.id)
    return stmt.where(false())


def can_view(viewer, customer):
    if viewer.role == "admin":
        return True
    if viewer.role == "supervisor":
        return customer.branch_id == viewer.branch_id
    return customer.manager_id == viewer.id


def can_see_sensitive(viewer, customer):
    """Unmasked ID number and phones: the customer's own manager, a supervisor of the branch, admins."""
    return can_view(viewer, customer)


def require_view(viewer, customer):
    if not can_view(viewer, customer):
        raise Forbidden("This customer belongs to another manager or branch.")


def require_staff_in_scope(viewer, staff):
    """Supervisors act on their own branch's staff; admins on anyone."""
    if viewer.role == "admin":
        return
    if viewer.role == "supervisor" and staff.branch_id == viewer.branch_id:
        return
    if staff.id == viewer.id:
        return
    raise Forbidden("That staff member is outside your branch.")
