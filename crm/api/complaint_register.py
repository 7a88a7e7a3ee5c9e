"""The daily complaint register: every complaint a branch received on a day, and the supervisor's sign-off."""

from flask_smorest import Blueprint

from crm.api.schemas.complaint_register import RegisterOut, RegisterQuery, SignOffIn
from crm.auth import current_staff, roles
from crm.extensions import db
from crm.services.cases import complaint_register

URL = "complaint-register"
blp = Blueprint("complaint_register", __name__, description="The daily complaint register (投诉登记台帐)")


@blp.get("")
@roles("supervisor", "admin")
@blp.arguments(RegisterQuery, location="query")
@blp.response(200, RegisterOut)
def show(args):
    """One branch's register of one day, with each complaint's state and the sign-off (null while unsigned)."""
    return complaint_register.register(db.session, current_staff(), args.get("branch_id"), args["day"])


@blp.post("/sign-off")
@roles("supervisor", "admin")
@blp.arguments(SignOffIn)
@blp.response(201, RegisterOut)
def sign_off(data):
    """Sign the register of a day (once; 409 after): who and when are recorded, with the remark."""
    register = complaint_register.sign_off(
        db.session, current_staff(), data.get("branch_id"), data["day"], data.get("remark")
    )
    db.session.commit()
    return register
