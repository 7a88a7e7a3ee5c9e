"""The customer page's sections that change when a form on the page saves: visits, recommendations with
the suitability check, risk assessments, kept dates and the audit trail.

Each has a loader (what the section shows, read through the services the API uses, within what the
viewer may see) and a partial at ``/customers/<id>/panels/<name>`` that htmx reloads on ``kefu:saved``.
"""

from flask import abort, render_template

from crm.auth import current_staff
from crm.console.views import console
from crm.core import clock
from crm.extensions import db
from crm.models import Customer
from crm.models.care import DATE_KINDS
from crm.models.customers import CHANNELS
from crm.models.visits import PURPOSES
from crm.services.activity import customer_dates
from crm.services.customers import questionnaire, suitability, visits
from crm.services.org import audit
from crm.services.org.access import visible_row

ROWS = 20
AUDIT_ROWS = 50


def load_visits(session, staff, customer):
    stmt = visits.visits_query(staff, customer_id=customer.id).limit(ROWS)
    return {
        "visits": session.scalars(stmt).all(),
        "channels": CHANNELS,
        "purposes": PURPOSES,
        "now": clock.local(clock.now()).strftime("%Y-%m-%dT%H:%M"),  # the form's default start
    }


def load_recommendations(session, staff, customer):
    """Past recommendations and, for each product on offer, whether it suits the customer's tolerance."""
    products = session.scalars(suitability.products_query(active=True)).all()
    return {
        "recommendations": suitability.recommendations_of(session, customer)[:ROWS],
        "products": [
            {"product": product, "suitable": suitability.is_suitable(customer.risk_tolerance, product.risk_level)}
            for product in products
        ],
    }


def load_assessments(session, staff, customer):
    return {"assessments": questionnaire.assessments_of(session, customer), "questions": questionnaire.QUESTIONS}


def load_dates(session, staff, customer):
    return {"dates": customer_dates.dates_of(session, staff, customer), "kinds": DATE_KINDS}


def load_audit(session, staff, customer):
    return {"entries": session.scalars(audit.history_query(customer).limit(AUDIT_ROWS)).all()}


PANELS = {
    "visits": load_visits,
    "recommendations": load_recommendations,
    "assessments": load_assessments,
    "dates": load_dates,
    "audit": load_audit,
}


@console.get("/customers/<int:customer_id>/panels/<name>")
def customer_panel(customer_id, name):
    staff = current_staff()
    if staff is None:
        abort(401)
    if name not in PANELS:
        abort(404)
    customer = visible_row(db.session, staff, Customer, customer_id)
    return render_template(
        f"customers/panels/{name}.html", staff=staff, customer=customer, p=PANELS[name](db.session, staff, customer)
    )
