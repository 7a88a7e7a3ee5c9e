"""Product recommendations to a customer, checked for suitability (适当性, DOMAIN §3).

Nested under ``/api/v1/customers/<id>``; the blueprint has its own name beside the customers one.
"""

from flask_smorest import Blueprint

from crm.api.lookups import named_product, visible_customer
from crm.api.schemas.recommendations import RecommendationIn, RecommendationOut
from crm.auth import current_staff, roles
from crm.extensions import db
from crm.services.customers import suitability

URL = "customers"
blp = Blueprint("recommendations", __name__, description="Product recommendations and suitability")


@blp.post("/<int:customer_id>/recommendations")
@roles("agent", "supervisor", "admin")
@blp.arguments(RecommendationIn)
@blp.response(201, RecommendationOut)
def recommend(data, customer_id):
    """Record a recommendation. A product above the customer's tolerance is refused (409) unless
    ``risk_acknowledgement`` says the customer signed the risk disclosure."""
    customer = visible_customer(customer_id)
    recommendation = suitability.recommend(
        db.session,
        current_staff(),
        customer,
        named_product(data["product_id"]),
        note=data.get("note"),
        acknowledgement=data.get("risk_acknowledgement"),
    )
    db.session.commit()
    return recommendation


@blp.get("/<int:customer_id>/recommendations")
@roles("agent", "supervisor", "admin")
@blp.response(200, RecommendationOut(many=True))
def list_recommendations(customer_id):
    """The customer's recommendations, newest first."""
    return suitability.recommendations_of(db.session, visible_customer(customer_id))
