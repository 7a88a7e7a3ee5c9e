"""Care (亲情服务, issue 11 item 4): the dates kept on a customer, the contact cadence by class, the call list."""

from flask_smorest import Blueprint

from crm.api.common import page_schema, paginate
from crm.api.lookups import visible_customer
from crm.api.schemas.care import CadenceIn, CadenceOut, CallListEntry, CallListQuery, CustomerDateIn, CustomerDateOut
from crm.auth import current_staff, roles
from crm.core import clock
from crm.extensions import db
from crm.services.activity import cadence, customer_dates
from crm.services.customers import records

URL = ""
blp = Blueprint("care", __name__, description="Customer dates, contact cadences and the call list")

EVERYONE = ("agent", "supervisor", "admin")


@blp.get("/customers/<int:customer_id>/dates")
@roles(*EVERYONE)
@blp.response(200, CustomerDateOut(many=True))
def list_dates(customer_id):
    """The customer's kept dates (besides the birthday), earliest first."""
    return customer_dates.dates_of(db.session, current_staff(), visible_customer(customer_id))


@blp.post("/customers/<int:customer_id>/dates")
@roles(*EVERYONE)
@blp.arguments(CustomerDateIn)
@blp.response(201, CustomerDateOut)
def add_date(data, customer_id):
    """Keep a date on the customer: the manager is reminded of it on the working day before."""
    row = customer_dates.add_date(db.session, current_staff(), visible_customer(customer_id), **data)
    db.session.commit()
    return row


@blp.delete("/customers/<int:customer_id>/dates/<int:date_id>")
@roles(*EVERYONE)
@blp.response(204)
def remove_date(customer_id, date_id):
    customer_dates.remove_date(db.session, current_staff(), visible_customer(customer_id), date_id)
    db.session.commit()


@blp.get("/contact-cadences")
@roles(*EVERYONE)
@blp.response(200, CadenceOut(many=True))
def list_cadences():
    """Days a customer of each class may go without a contact, highest class first."""
    return cadence.all_cadences(db.session)


@blp.put("/contact-cadences/<customer_class>")
@roles("admin")
@blp.arguments(CadenceIn)
@blp.response(200, CadenceOut)
def set_cadence(data, customer_class):
    """Set a class's cadence (404 for a class that does not exist)."""
    row = cadence.set_cadence(db.session, current_staff(), customer_class, data["days"])
    db.session.commit()
    return row


@blp.get("/call-list")
@roles(*EVERYONE)
@blp.arguments(CallListQuery, location="query")
@blp.response(200, page_schema(CallListEntry, "CallListPage"))
def call_list(args):
    """Customers not contacted within their class's cadence, most overdue first: agents their own,
    supervisors the branch's (``manager_id`` narrows to one manager), admins all."""
    viewer, today = current_staff(), clock.local(clock.now()).date()
    stmt = cadence.call_list_query(db.session, viewer, today, args.get("manager_id"))
    page = paginate(stmt, args, rows=True)
    return {**page, "items": [_entry(row, viewer, today) for row in page["items"]]}


def _entry(row, viewer, today):
    customer, last_contact_at, cadence_days = row
    shown = records.customer_view(customer, viewer)
    return {
        **{name: shown[name] for name in ("name", "customer_class", "phones", "masked", "manager")},
        "customer_id": customer.id,
        **cadence.call_list_entry(customer, last_contact_at, cadence_days, today),
    }
