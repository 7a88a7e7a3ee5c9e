"""Attainment of the activity-volume targets (DOMAIN §4): agents their own, supervisors their branch, admins all."""

from flask_smorest import Blueprint

from crm.api.schemas.quotas import AttainmentOut, AttainmentQuery
from crm.auth import current_staff, roles
from crm.extensions import db
from crm.services.activity import attainment

URL = "attainment"
blp = Blueprint("attainment", __name__, description="Attainment of the activity-volume targets")


@blp.get("")
@roles("agent", "supervisor", "admin")
@blp.arguments(AttainmentQuery, location="query")
@blp.response(200, AttainmentOut)
def get_attainment(args):
    """Done, target owed and ratio per manager (or team) and activity kind over the ``period`` containing
    ``on`` (day, week from Monday, month, quarter), or ``start``…``end``."""
    start, end = attainment.resolve_range(args.get("period"), args.get("on"), args.get("start"), args.get("end"))
    rows = attainment.attainment_for(
        db.session, current_staff(), start, end, args["group"], args.get("branch_id"), args.get("staff_id")
    )
    return {"period": {"start": start, "end": end}, "group": args["group"], "rows": rows}
