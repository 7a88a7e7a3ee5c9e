"""Deadline policies: kind × customer tier × clock → a limit in minutes or working days (DOMAIN §5)."""

from flask_smorest import Blueprint

from crm.api.schemas.calendar import PolicyChange, PolicyIn, PolicyOut
from crm.auth import roles
from crm.extensions import db
from crm.services.cases import deadlines

URL = "deadline-policies"
blp = Blueprint("deadline_policies", __name__, description="Case deadline policies (admins edit)")


@blp.get("")
@roles("agent", "supervisor", "admin")
@blp.response(200, PolicyOut(many=True))
def list_policies():
    """Every policy row."""
    return deadlines.list_policies(db.session)


@blp.put("")
@roles("admin")
@blp.arguments(PolicyIn)
@blp.response(200, PolicyOut)
def set_policy(data):
    """Set the limit of one (kind, vip, clock), creating the row if the kind had no such clock."""
    policy = deadlines.set_policy(db.session, **data)
    db.session.commit()
    return policy


@blp.patch("/<int:policy_id>")
@roles("admin")
@blp.arguments(PolicyChange)
@blp.response(200, PolicyOut)
def change_policy(data, policy_id):
    """Change one row's amount and unit. Cases already running keep their due times."""
    policy = deadlines.change_policy(db.session, policy_id, **data)
    db.session.commit()
    return policy
