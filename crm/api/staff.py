"""Staff: who am I, the branch's staff, and (admins) new staff members."""

from flask_smorest import Blueprint

from crm.api.schemas.staff import StaffOut
from crm.auth import current_staff, roles

URL = "staff"
blp = Blueprint("staff", __name__, description="Staff members (agents, supervisors, admins)")


@blp.get("/me")
@roles("agent", "supervisor", "admin")
@blp.response(200, StaffOut)
def me():
    """The signed-in staff member."""
    return current_staff()
