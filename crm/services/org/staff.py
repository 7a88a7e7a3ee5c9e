"""Staff accounts: creation and passwords (their sessions and API tokens: ``credentials``)."""

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from crm.core.phones import normalise_phone
from crm.errors import Conflict, InvalidInput, NotFound
from crm.models import Branch, Staff
from crm.models.staff import ROLES


def set_password(staff, password):
    if not password or len(password) < 8:
        raise InvalidInput("Password too short.", {"password": ["At least 8 characters."]})
    staff.password_hash = generate_password_hash(password)


def check_login(session, job_no, password):
    staff = session.scalar(select(Staff).where(Staff.job_no == job_no))
    if staff and staff.is_active and staff.password_hash and check_password_hash(staff.password_hash, password):
        return staff
    return None


def active_staff_by_job_no(session, job_no):
    staff = session.scalar(select(Staff).where(Staff.job_no == job_no))
    if staff is None or not staff.is_active:
        raise NotFound(f"No active staff member with job number {job_no}.", {"job_no": ["Unknown or inactive."]})
    return staff


def branch_by_code(session, code):
    branch = session.scalar(select(Branch).where(Branch.code == code))
    if branch is None:
        raise NotFound(f"No branch with code {code!r}.", {"branch": ["Unknown branch."]})
    return branch


def create_staff(session, *, job_no, name, role, branch=None, password=None, phone=None, email=None):
    """Add a staff member; ``branch`` is a Branch or None (admins only)."""
    if role not in ROLES:
        raise InvalidInput(f"Unknown role {role!r}.", {"role": [f"One of {', '.join(ROLES)}."]})
    if role != "admin" and branch is None:
        raise InvalidInput("Agents and supervisors belong to a branch.", {"branch": ["Required."]})
    if session.scalar(select(Staff.id).where(Staff.job_no == job_no)):
        raise Conflict(f"Job number {job_no} is taken.", {"job_no": ["Already in use."]})
    staff = Staff(
        job_no=job_no,
        name=name,
        role=role,
        branch=branch,
        phone=normalise_phone(phone) if phone else None,
        email=email,
    )
    if password:
        set_password(staff, password)
    session.add(staff)
    return staff
