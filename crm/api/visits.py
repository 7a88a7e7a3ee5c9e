"""Visit logs (拜访记录, DOMAIN §4): managers log and correct their visits; supervisors read the branch's."""

from flask_smorest import Blueprint

from crm.api.common import PageArgs, page_schema, paginate
from crm.api.lookups import visible_customer
from crm.api.schemas.customers import AuditEntryOut
from crm.api.schemas.visits import VisitIn, VisitOut, VisitPatch, VisitQuery
from crm.auth import current_staff, roles
from crm.extensions import db
from crm.services.customers import visits
from crm.services.org import audit

URL = "visits"
blp = Blueprint("visits", __name__, description="Visit logs")


@blp.get("")
@roles("agent", "supervisor", "admin")
@blp.arguments(VisitQuery, location="query")
@blp.response(200, page_schema(VisitOut, "VisitPage"))
def list_visits(args):
    """Visits newest first: agents their own, supervisors the branch's, admins all.
    ``from``/``to`` are dates in the installation's time zone, both inclusive."""
    filters = {name: args.get(name) for name in ("manager_id", "customer_id", "channel", "date_from", "date_to")}
    return paginate(visits.visits_query(current_staff(), **filters), args)


@blp.post("")
@roles("agent", "supervisor", "admin")
@blp.arguments(VisitIn)
@blp.response(201, VisitOut)
def log_visit(data):
    """Log a visit; the signed-in staff member is its manager."""
    customer = visible_customer(data.pop("customer_id"))
    visit = visits.log_visit(db.session, current_staff(), customer, data)
    db.session.commit()
    return visit


@blp.get("/<int:visit_id>")
@roles("agent", "supervisor", "admin")
@blp.response(200, VisitOut)
def get_visit(visit_id):
    return visits.visible_visit(db.session, current_staff(), visit_id)


@blp.patch("/<int:visit_id>")
@roles("agent", "supervisor", "admin")
@blp.arguments(VisitPatch)
@blp.response(200, VisitOut)
def change_visit(changes, visit_id):
    """Correct a visit; only the manager who logged it may."""
    visit = visits.visible_visit(db.session, current_staff(), visit_id)
    visits.update_visit(db.session, current_staff(), visit, changes)
    db.session.commit()
    return visit


@blp.get("/<int:visit_id>/audit")
@roles("agent", "supervisor", "admin")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(AuditEntryOut, "VisitAuditPage"))
def visit_audit(args, visit_id):
    """The changes made to the visit after it was logged (``visit.<field>``: who, when, old, new), newest first."""
    return paginate(audit.visit_history_query(visits.visible_visit(db.session, current_staff(), visit_id)), args)
