"""Customer search and the customer pages, under the same access rules as the API."""

from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from crm.api.common import paginate
from crm.auth import current_staff
from crm.console.nav import menu_entry
from crm.console.views import console
from crm.models import Customer
from crm.services.customers.records import customer_view
from crm.services.org.access import visible

PAGE_SIZE = 50


@console.get("/customers")
@menu_entry(_l("Customers"), roles=("agent", "supervisor", "admin"), order=30)
def customers():
    staff = current_staff()
    if staff is None:
        return redirect(url_for("console.login"))
    page = paginate(
        visible(select(Customer), staff).order_by(Customer.name, Customer.id),
        {"page": max(request.args.get("page", 1, type=int), 1), "per_page": PAGE_SIZE},
    )
    rows = [customer_view(customer, staff) for customer in page["items"]]
    return render_template("customers/list.html", staff=staff, page=page, rows=rows)
