"""Staff accounts: creation, passwords and job numbers (their sessions and API tokens: ``credentials``)."""

import re

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from crm.core.phones import optional_phone
from crm.errors import Conflict, InvalidInput, NotFound
from crm.i18n import LANGUAGES
from crm.models import Branch, Staff
from crm.models.staff import ROLES

# A job number (工号): letters, digits, '-' and '_', as many as the column holds; spaces around it are dropped.
JOB_NO_LENGTH = Staff.__table__.c.job_no.type.length
JOB_NO = re.compile(rf"[A-Za-z0-9][A-Za-z0-9_-]{{0,{JOB_NO_LENGTH - 1}}}")


def job_number(raw):
    """``raw`` trimmed, if it is a job number; else ``InvalidInput`` naming ``job_no``."""
    value = (raw or "").strip()
    if not JOB_NO.fullmatch(value):
        raise InvalidInput(
            f"{value!r} is not a job number.",
            {"job_no": [f"Letters, digits, '-' and '_', at most {JOB_NO_LENGTH} characters."]},
        )
    return value


def set_password(staff, password):
    if not password or len(password) < 8:
        raise InvalidInput("Password too short.", {"password": ["At least 8 characters."]})
    staff.password_hash = generate_password_hash(password)


def check_login(session, job_no, password):
    """The active staff member with this job number (spaces around it dropped) and password, or None."""
    staff = session.scalar(select(Staff).where(Staff.job_no == (job_no or "").strip()))
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
    job_no = job_number(job_no)
    if session.scalar(select(Staff.id).where(Staff.job_no == job_no)):
        raise Conflict(f"Job number {job_no} is taken.", {"job_no": ["Already in use."]})
    staff = Staff(
        job_no=job_no,
        name=name,
        role=role,
        branch=branch,
        phone=optional_phone(phone),
        email=email,
    )
    if password:
        set_password(staff, password)
    session.add(staff)
    return staff


def set_language(session, staff, language):
    """The language the texts sent to ``staff`` are written in (their choice in the console)."""
    if language not in LANGUAGES:
        raise InvalidInput(f"Unknown language {language!r}.", {"language": [f"One of {', '.join(LANGUAGES)}."]})
    staff.language = language
    session.flush()
    return staff
