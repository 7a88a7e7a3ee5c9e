"""Spot checks (抽查, issue 11 item 3): supervisors draw a manager's visits for verification calls and read
the register of what the customers answered."""

from flask_smorest import Blueprint

from crm.api.common import page_schema, paginate
from crm.api.schemas.spot_checks import SpotCheckDetail, SpotCheckIn, SpotCheckOut, SpotCheckQuery
from crm.auth import current_staff, roles
from crm.extensions import db
from crm.services.activity import spot_checks

URL = "spot-checks"
blp = Blueprint("spot_checks", __name__, description="Spot checks of visits (抽查)")


@blp.get("")
@roles("supervisor", "admin")
@blp.arguments(SpotCheckQuery, location="query")
@blp.response(200, page_schema(SpotCheckOut, "SpotCheckPage"))
def list_spot_checks(args):
    """The register, newest first: supervisors their branch's checks, admins all; per check the states
    of its visits counted (pending, confirmed, denied, unreachable)."""
    page = paginate(spot_checks.register_query(current_staff(), args.get("manager_id")), args)
    return {**page, "items": [spot_checks.check_summary(check) for check in page["items"]]}


@blp.post("")
@roles("supervisor", "admin")
@blp.arguments(SpotCheckIn)
@blp.response(201, SpotCheckDetail)
def draw_spot_check(data):
    """Draw ``k`` of the manager's visits from ``start`` to ``end`` at random with ``seed`` (generated when
    left out) and schedule each one's verification survey. Qualifying visits: the customer has a phone and
    the visit was never surveyed. Fewer candidates than ``k``: all of them are drawn."""
    check = spot_checks.draw_spot_check(db.session, current_staff(), **data)
    db.session.commit()
    return spot_checks.check_detail(db.session, check)


@blp.get("/<int:check_id>")
@roles("supervisor", "admin")
@blp.response(200, SpotCheckDetail)
def get_spot_check(check_id):
    """One check: its seed and candidates (to replay the draw) and each drawn visit's state and audit trail."""
    return spot_checks.check_detail(db.session, spot_checks.get_check(db.session, current_staff(), check_id))
