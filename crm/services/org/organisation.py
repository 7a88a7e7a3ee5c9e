"""Branches and staff administration: who works where, in which role — DOMAIN §1.

Creating a staff member and issuing tokens live in ``crm.services.org.staff``; this module
adds what the staff and branches API changes.
"""

from sqlalchemy import func, or_, select

from crm.core import clock
from crm.core.filters import where_given
from crm.core.phones import optional_phone
from crm.errors import Conflict, Forbidden, InvalidInput, NotFound
from crm.models import Branch, Case, PhoneLine, Staff
from crm.models.telephony import LINES
from crm.services.org import access, credentials

STAFF_CHANGEABLE = ("name", "role", "branch_id", "phone", "is_active", "on_duty", "supervisor_id")
# What a supervisor may change for the staff of their own branch (themselves included); admins change anything.
SUPERVISOR_CHANGEABLE = frozenset({"on_duty"})
BRANCH_CHANGEABLE = ("name", "hotline", "head_id", "welcome_sms")
# A case in these states needs nobody any more: its owner may move to another branch.
CLOSED_STATUSES = ("resolved", "closed")


def create_branch(session, *, code, name, hotline=None):
    """A new branch; its hotline (optional) is checked and stored in E.164, as ``update_branch`` does."""
    if session.scalar(select(Branch.id).where(Branch.code == code)):
        raise Conflict(f"Branch code {code} is taken.", {"code": ["Already in use."]})
    branch = Branch(code=code, name=name, hotline=optional_phone(hotline, "hotline"))
    session.add(branch)
    return branch


def branch_by_id(session, branch_id):
    """The branch ``branch_id`` (None for None); an unknown id is bad input in the ``branch_id`` field."""
    if branch_id is None:
        return None
    branch = session.get(Branch, branch_id)
    if branch is None:
        raise InvalidInput(f"No branch {branch_id}.", {"branch_id": ["Unknown branch."]})
    return branch


def update_branch(session, branch, changes):
    """Apply ``changes`` (name, hotline in E.164, head_id: an active supervisor of this branch, or None;
    welcome_sms: welcome new customers and prospects by SMS from now on, or stop)."""
    _require_known(changes, BRANCH_CHANGEABLE)
    changes = dict(changes)
    if "welcome_sms" in changes:
        _set_welcome_sms(branch, changes.pop("welcome_sms"))
    if "hotline" in changes:
        changes = {**changes, "hotline": optional_phone(changes["hotline"], "hotline")}
    if "head_id" in changes:
        _require_supervisor_of(session, changes["head_id"], branch.id, "head_id")
    for name, value in changes.items():
        setattr(branch, name, value)
    return branch


def _set_welcome_sms(branch, on):
    """On: customers created from now on are welcomed (not those already there); off: nobody more is."""
    if on and branch.welcome_sms_since is None:
        branch.welcome_sms_since = clock.now()
    elif not on:
        branch.welcome_sms_since = None


def staff_query(viewer, role=None, branch_id=None, active=None):
    """Staff ``viewer`` may see (supervisors: their branch; admins: all), filtered, by job number."""
    stmt = access.visible(select(Staff), viewer).order_by(Staff.job_no)
    return where_given(stmt, {Staff.role: role, Staff.branch_id: branch_id, Staff.is_active: active})


def update_staff(session, actor, staff, changes):
    """Apply ``changes`` (name, role, branch_id, phone, is_active, on_duty, supervisor_id) made by ``actor``.

    Admins change anything; a supervisor only sets who of their own branch is on duty. Only
    supervisors are on duty (they are the ones paged). Agents and supervisors keep a branch, and
    one's own supervisor is an active supervisor of that branch. The last active admin stays one.
    Deactivating ends the member's sessions and API tokens for good.
    """
    _require_may_change(actor, staff, changes)
    _require_known(changes, STAFF_CHANGEABLE)
    _require_another_admin(session, staff, changes)
    if "phone" in changes:
        changes = {**changes, "phone": optional_phone(changes["phone"])}
    role = changes.get("role", staff.role)
    if role != "supervisor":
        if changes.get("on_duty"):
            raise InvalidInput("Only supervisors are put on duty.", {"on_duty": ["Not a supervisor."]})
        changes = {**changes, "on_duty": False}
    branch = branch_by_id(session, changes["branch_id"]) if "branch_id" in changes else staff.branch
    if role != "admin" and branch is None:
        raise InvalidInput("Agents and supervisors belong to a branch.", {"branch_id": ["Required for this role."]})
    supervisor_id = changes.get("supervisor_id", staff.supervisor_id)
    if supervisor_id == staff.id:
        raise InvalidInput("Nobody is their own supervisor.", {"supervisor_id": ["Not this staff member."]})
    if "supervisor_id" in changes or "branch_id" in changes:
        _require_supervisor_of(session, supervisor_id, branch.id if branch else None, "supervisor_id")
    if role != "admin":
        _require_no_open_cases_elsewhere(session, staff, branch.id)
    if changes.get("is_active") is False:
        credentials.revoke_all(session, staff)
    for name, value in changes.items():
        setattr(staff, name, value)
    return staff


def _require_may_change(actor, staff, changes):
    if actor.role == "admin":
        return
    if actor.role == "supervisor" and staff.branch_id == actor.branch_id and set(changes) <= SUPERVISOR_CHANGEABLE:
        return
    raise Forbidden("A supervisor may only set who of their own branch is on duty; other changes are for admins.")


def _require_another_admin(session, staff, changes):
    """Demoting or deactivating the last active admin would leave nobody to administer Kefu: 409."""
    stays = changes.get("role", staff.role) == "admin" and changes.get("is_active", staff.is_active)
    if staff.role != "admin" or not staff.is_active or stays:
        return
    others = select(Staff.id).where(Staff.role == "admin", Staff.is_active.is_(True), Staff.id != staff.id)
    if session.scalar(others.limit(1)) is None:
        raise Conflict(
            "This is the last active admin: make another staff member an admin first.",
            {"role" if "role" in changes else "is_active": ["The last active admin."]},
        )


def _require_no_open_cases_elsewhere(session, staff, branch_id):
    """Owner and handler are staff of the case's branch: moving someone away from their open cases is 409."""
    elsewhere = select(func.count(Case.id)).where(
        or_(Case.owner_id == staff.id, Case.handler_id == staff.id),
        Case.branch_id != branch_id,
        Case.status.not_in(CLOSED_STATUSES),
    )
    count = session.scalar(elsewhere)
    if count:
        raise Conflict(
            f"{count} open cases of another branch are owned or handled by this staff member: hand them off first.",
            {"branch_id": ["Open cases in another branch."]},
        )


def _require_known(changes, changeable):
    unknown = set(changes) - set(changeable)
    if unknown:
        raise InvalidInput("These fields cannot be changed.", {name: ["Not changeable."] for name in unknown})


def _require_supervisor_of(session, staff_id, branch_id, field):
    """``staff_id`` (None allowed) is an active supervisor of ``branch_id``; else bad input in ``field``."""
    if staff_id is None:
        return
    staff = session.get(Staff, staff_id)
    if staff is None or not staff.is_active or staff.role != "supervisor" or staff.branch_id != branch_id:
        raise InvalidInput(
            f"Staff member {staff_id} is not an active supervisor of this branch.",
            {field: ["Not an active supervisor of this branch."]},
        )


def phone_lines(session):
    """Every dialled number Kefu answers, by line and number."""
    return session.scalars(select(PhoneLine).order_by(PhoneLine.line, PhoneLine.number)).all()


def add_phone_line(session, *, number, line, branch_id):
    """Register a dialled number (stored in E.164) as ``line`` (hotline or wealth_club) of a branch."""
    number = optional_phone(number, "number")
    if number is None:
        raise InvalidInput("A phone line needs its number.", {"number": ["Required."]})
    if line not in LINES:
        raise InvalidInput(f"No line {line!r}.", {"line": [f"One of: {', '.join(LINES)}."]})
    branch = branch_by_id(session, branch_id)
    if branch is None:
        raise InvalidInput("A phone line belongs to a branch.", {"branch_id": ["Required."]})
    if session.scalar(select(PhoneLine.id).where(PhoneLine.number == number)):
        raise Conflict(f"{number} is already a phone line.", {"number": ["Already in use."]})
    phone_line = PhoneLine(number=number, line=line, branch=branch)
    session.add(phone_line)
    session.flush()
    return phone_line


def remove_phone_line(session, line_id):
    """Stop answering a number as a phone line (calls already logged keep their line)."""
    phone_line = session.get(PhoneLine, line_id)
    if phone_line is None:
        raise NotFound(f"No phone line {line_id}.")
    session.delete(phone_line)
