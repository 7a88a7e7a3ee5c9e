"""Staff: who am I, the branch's staff, and (admins) new staff members and their changes."""

from flask_smorest import Blueprint

from crm import signin
from crm.api.common import PageArgs, page_schema, paginate
from crm.api.schemas.staff import (
    StaffIn,
    StaffOut,
    StaffPatch,
    StaffQuery,
    StaffWithToken,
    TokenIn,
    TokenInfo,
    TokenOut,
)
from crm.api.tokens import token_body
from crm.auth import current_staff, roles
from crm.errors import NotFound
from crm.extensions import db
from crm.models import Staff
from crm.services.org import access, credentials, organisation
from crm.services.org.staff import create_staff

URL = "staff"
blp = Blueprint("staff", __name__, description="Staff members (agents, supervisors, admins)")


class StaffListArgs(StaffQuery, PageArgs):
    pass


@blp.get("/me")
@roles("agent", "supervisor", "admin")
@blp.response(200, StaffOut)
def me():
    """The signed-in staff member."""
    return current_staff()


@blp.get("")
@roles("supervisor", "admin")
@blp.arguments(StaffListArgs, location="query")
@blp.response(200, page_schema(StaffOut, "StaffPage"))
def list_staff(args):
    """Staff of the supervisor's branch, or everyone for admins; filter by role, branch, active."""
    filters = {name: args.get(name) for name in ("role", "branch_id", "active")}
    return paginate(organisation.staff_query(current_staff(), **filters), args)


@blp.post("")
@roles("admin")
@blp.arguments(StaffIn)
@blp.response(201, StaffWithToken)
def add_staff(data):
    """A new staff member. The response carries their API token: the only time it is shown."""
    branch = organisation.branch_by_id(db.session, data.pop("branch_id", None))
    staff = create_staff(db.session, branch=branch, **data)
    token = credentials.issue_api_token(staff, "created with the account")
    db.session.commit()
    return {**StaffOut().dump(staff), "api_token": token}


@blp.get("/<int:staff_id>")
@roles("agent", "supervisor", "admin")
@blp.response(200, StaffOut)
def get_staff(staff_id):
    """One staff member: agents see themselves, supervisors their branch, admins anyone."""
    return access.visible_row(db.session, current_staff(), Staff, staff_id)


@blp.patch("/<int:staff_id>")
@roles("supervisor", "admin")
@blp.arguments(StaffPatch)
@blp.response(200, StaffOut)
def change_staff(changes, staff_id):
    """Change a staff member's name, role, branch, phone, active flag, own supervisor or duty (admins);
    supervisors set who of their branch is on duty."""
    staff = _staff(staff_id)
    organisation.update_staff(db.session, current_staff(), staff, changes)
    db.session.commit()
    return staff


@blp.get("/<int:staff_id>/tokens")
@roles("agent", "supervisor", "admin")
@blp.response(200, TokenInfo(many=True))
def list_tokens(staff_id):
    """The staff member's API tokens that still work, newest first, without their secrets (admins, or oneself)."""
    return credentials.api_tokens(db.session, current_staff(), _staff(staff_id))


@blp.post("/<int:staff_id>/tokens")
@roles("agent", "supervisor", "admin")
@blp.arguments(TokenIn)
@blp.response(201, TokenOut)
def add_token(data, staff_id):
    """One more API token (admins, or oneself), expiring after KEFU_API_TOKEN_DAYS; the others keep
    working. The secret is shown this once."""
    credential, secret = credentials.new_api_token(current_staff(), _staff(staff_id), data.get("label"))
    db.session.commit()
    return token_body(credential, secret)


@blp.delete("/<int:staff_id>/tokens/<int:token_id>")
@roles("agent", "supervisor", "admin")
@blp.response(204)
def revoke_token(staff_id, token_id):
    """Revoke one API token (admins, or oneself): it stops working at once."""
    credentials.revoke_api_token(db.session, current_staff(), _staff(staff_id), token_id)
    db.session.commit()


@blp.post("/<int:staff_id>/unlock")
@roles("admin")
@blp.response(204)
def unlock(staff_id):
    """Lift a sign-in lock-out: forget the failed sign-ins counted against this job number."""
    signin.unlock(_staff(staff_id).job_no)


def _staff(staff_id):
    staff = db.session.get(Staff, staff_id)
    if staff is None:
        raise NotFound(f"No staff member {staff_id}.")
    return staff
