"""Branches and staff administration: who works where, in which role — DOMAIN §1.

Creating a staff member and issuing tokens live in ``crm.services.staff``; this module
adds what the staff and branches API changes.
"""

from sqlalchemy import false, select

from crm.errors import Conflict, Forbidden, InvalidInput
from crm.models import Branch, Staff
from crm.services.phones import normalise_phone
from crm.services.staff import issue_api_token

STAFF_CHANGEABLE = ("name", "role", "branch", "phone", "is_active")


def create_branch(session, *, code, name, hotline=None):
    if session.scalar(select(Branch.id).where(Branch.code == code)):
        raise Conflict(f"Branch code {code} is taken.", {"code": ["Already in use."]})
    branch = Branch(code=code, name=name, hotline=hotline)
    session.add(branch)
    return branch


def staff_query(viewer, role=None, branch_id=None, active=None):
    """Staff ``viewer`` may list (supervisors: their branch; admins: all), by job number."""
    stmt = select(Staff).order_by(Staff.job_no)
    if viewer.role == "supervisor":
        stmt = stmt.where(Staff.branch_id == viewer.branch_id)
    elif viewer.role != "admin":
        stmt = stmt.where(false())
    if role is not None:
        stmt = stmt.where(Staff.role == role)
    if branch_id is not None:
        stmt = stmt.where(Staff.branch_id == branch_id)
    if active is not None:
        stmt = stmt.where(Staff.is_active == active)
    return stmt


def update_staff(staff, changes):
    """Apply ``changes`` (name, role, branch, phone, is_active); agents and supervisors keep a branch."""
    unknown = set(changes) - set(STAFF_CHANGEABLE)
    if unknown:
        raise InvalidInput("These fields cannot be changed.", {name: ["Not changeable."] for name in unknown})
    if changes.get("phone"):
        changes = {**changes, "phone": normalise_phone(changes["phone"])}
    role = changes.get("role", staff.role)
    branch = changes.get("branch", staff.branch)
    if role != "admin" and branch is None:
        raise InvalidInput("Agents and supervisors belong to a branch.", {"branch_id": ["Required for this role."]})
    for name, value in changes.items():
        setattr(staff, name, value)
    return staff


def rotate_api_token(actor, staff):
    """A new API token for ``staff`` (the old one stops working); admins, or the member themself."""
    if actor.role != "admin" and actor.id != staff.id:
        raise Forbidden("Only an admin or the staff member themself may rotate this token.")
    return issue_api_token(staff)
