"""Customer search and the customer page, under the same access rules as the API.

The list and the search use the API's ``search_customers`` (name substring, account number, phone in any
format) within ``visible``; the page loads the customer as the API does (``visible_row``: 404 when there
is none, 403 when the viewer may not see it) and shows it through ``customer_view``. Every change on the
page is a ``<form data-api=…>`` to the API, so its validation and access rules apply unchanged.
"""

from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from crm.api.common import paginate
from crm.auth import current_staff
from crm.console.customer_panels import PANELS
from crm.console.nav import menu_entry
from crm.console.views import console
from crm.errors import NotFound
from crm.extensions import db
from crm.models import Customer
from crm.models.customers import CHANNELS, DECISION_STYLES, TRADING_HABITS, VALUE_SEGMENTS
from crm.services.customers.records import customer_view, search_customers
from crm.services.org.access import visible_row

PAGE_SIZE = 50
QUERY_LIMIT = 120  # the API's limit on ``q``


@console.errorhandler(NotFound)
def not_found(exc):
    return render_template("error.html", message=exc.message), 404


@console.get("/customers")
@menu_entry(_l("Customers"), roles=("agent", "supervisor", "admin"), order=30)
def customers():
    staff = current_staff()
    if staff is None:
        return redirect(url_for("console.login"))
    q = request.args.get("q", "").strip()[:QUERY_LIMIT]
    stmt = search_customers(staff, q=q or None).order_by(None).order_by(Customer.name, Customer.id)
    page = paginate(stmt, {"page": max(request.args.get("page", 1, type=int), 1), "per_page": PAGE_SIZE})
    rows = [customer_view(customer, staff) for customer in page["items"]]
    return render_template("customers/list.html", staff=staff, page=page, rows=rows, q=q)


@console.get("/customers/<int:customer_id>")
def customer_page(customer_id):
    staff = current_staff()
    if staff is None:
        return redirect(url_for("console.login"))
    customer = visible_row(db.session, staff, Customer, customer_id)
    return render_template(
        "customers/page.html",
        staff=staff,
        customer=customer,
        shown=customer_view(customer, staff),
        panels={name: load(db.session, staff, customer) for name, load in PANELS.items()},
        choices={
            "preferred_channel": CHANNELS,
            "trading_habit": TRADING_HABITS,
            "value_segment": VALUE_SEGMENTS,
            "decision_style": DECISION_STYLES,
        },
    )
