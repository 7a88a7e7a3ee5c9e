"""Activity-volume quota targets (DOMAIN §4): supervisors set their branch's, admins any; agents read their own."""

from flask_smorest import Blueprint

from crm.api.common import page_schema, paginate
from crm.api.schemas.quotas import QuotaChange, QuotaIn, QuotaOut, QuotaQuery
from crm.auth import current_staff, roles
from crm.extensions import db
from crm.services.activity import quotas

URL = "quotas"
blp = Blueprint("quotas", __name__, description="Activity-volume quota targets and attainment")

ANYONE = ("agent", "supervisor", "admin")
SETTERS = ("supervisor", "admin")


@blp.get("")
@roles(*ANYONE)
@blp.arguments(QuotaQuery, location="query")
@blp.response(200, page_schema(QuotaOut, "QuotaPage"))
def list_quotas(args):
    """Targets newest first, history included: agents their own, supervisors their branch's, admins all."""
    filters = {name: args.get(name) for name in ("staff_id", "branch_id", "kind", "period", "in_force")}
    return paginate(quotas.quotas_query(current_staff(), **filters), args)


@blp.post("")
@roles(*SETTERS)
@blp.arguments(QuotaIn)
@blp.response(201, QuotaOut)
def set_quota(data):
    """Set a target from ``valid_from`` (default today); the one in force for the same scope ends then."""
    row = quotas.set_target(db.session, current_staff(), **data)
    db.session.commit()
    return row


@blp.get("/<int:quota_id>")
@roles(*ANYONE)
@blp.response(200, QuotaOut)
def get_quota(quota_id):
    return quotas.get_quota(db.session, current_staff(), quota_id)


@blp.patch("/<int:quota_id>")
@roles(*SETTERS)
@blp.arguments(QuotaChange)
@blp.response(200, QuotaOut)
def change_quota(data, quota_id):
    """A new figure from today (or ``valid_from``): this row ends, the new row is returned; history stays."""
    row = quotas.change_target(db.session, current_staff(), quota_id, **data)
    db.session.commit()
    return row


@blp.delete("/<int:quota_id>")
@roles(*SETTERS)
@blp.response(200, QuotaOut)
def end_quota(quota_id):
    """End the target's validity today; the row stays for the periods it applied to."""
    row = quotas.end_target(db.session, current_staff(), quota_id)
    db.session.commit()
    return row
