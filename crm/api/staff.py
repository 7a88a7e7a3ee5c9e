"""Staff: who am I, the branch's staff, and (admins) new staff members and their changes."""

from flask_smorest import Blueprint

from crm.api.common import PageArgs, page_schema, paginate
from crm.api.schemas.staff import StaffIn, StaffOut, StaffPatch, StaffQuery, StaffWithToken, TokenOut
from crm.auth import current_staff, roles
from crm.errors import NotFound
from crm.extensions import db
from crm.models import Staff
from crm.services.org import access, organisation
from crm.services.org.staff import create_staff, issue_api_token

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
    token = issue_api_token(staff)
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


@blp.post("/<int:staff_id>/token")
@roles("agent", "supervisor", "admin")
@blp.response(200, TokenOut)
def rotate_token(staff_id):
    """A new API token (admins, or oneself); the old one stops working. Shown once."""
    token = organisation.rotate_api_token(current_staff(), _staff(staff_id))
    db.session.commit()
    return {"api_token": token}


def _staff(staff_id):
    staff = db.session.get(Staff, staff_id)
    if staff is None:
        raise NotFound(f"No staff member {staff_id}.")
    return staff
