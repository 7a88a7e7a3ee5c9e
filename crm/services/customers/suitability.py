"""Products, their risk levels and suitability (适当性) of recommendations — DOMAIN §3.

A product's risk level follows from its category (``CATEGORY_RISK``); a customer may be
recommended the levels their tolerance allows (``ALLOWED_LEVELS``). Recording an unsuitable
recommendation needs the customer's signed risk acknowledgement (风险提示书).

High-risk business (S2 §49: warrants, margin trading, ChiNext, STAR market, and any product an admin
marks ``needs_disclosure``) needs more, whatever the tolerance: a signed risk disclosure document on
the customer's dossier.
"""

from sqlalchemy import select

from crm.core import clock
from crm.core.filters import where_given
from crm.errors import Conflict, InvalidInput
from crm.models import Product, Recommendation
from crm.services.customers import documents
from crm.services.org.wording import refuse_marketing_words

# Category → risk level (DOMAIN §3).
CATEGORY_RISK = {
    "equity": "high",
    "index": "high",
    "enhanced_index": "high",
    "equity_biased": "high",
    "balanced": "high",
    "flexible_allocation": "high",
    "warrant": "high",
    "margin": "high",
    "chinext": "high",
    "star_market": "high",
    "bond_biased": "medium",
    "bond": "medium",
    "short_term_bond": "low",
    "capital_guaranteed": "low",
    "money_market": "low",
}

# Tolerance band (None: never assessed) → product risk levels that suit it.
ALLOWED_LEVELS = {
    None: ("low",),
    "very_low": ("low",),
    "low": ("low",),
    "medium": ("low", "medium"),
    "high": ("low", "medium", "high"),
}

# Categories whose new products need a signed risk disclosure (S2 §49); admins may mark any other product.
DISCLOSURE_CATEGORIES = ("warrant", "margin", "chinext", "star_market")

UPDATABLE_PRODUCT_FIELDS = ("name", "category", "is_active", "needs_disclosure")


def is_suitable(tolerance, risk_level):
    return risk_level in ALLOWED_LEVELS[tolerance]


def risk_level_for(category):
    if category not in CATEGORY_RISK:
        raise InvalidInput(
            f"Unknown product category {category!r}.",
            {"category": [f"One of {', '.join(CATEGORY_RISK)}."]},
        )
    return CATEGORY_RISK[category]


def create_product(session, *, code, name, category, is_active=True, needs_disclosure=None):
    """A new product; ``needs_disclosure`` defaults to whether its category is high-risk business."""
    if session.scalar(select(Product.id).where(Product.code == code)):
        raise Conflict(f"Product code {code} is taken.", {"code": ["Already in use."]})
    if needs_disclosure is None:
        needs_disclosure = category in DISCLOSURE_CATEGORIES
    product = Product(
        code=code,
        name=name,
        category=category,
        risk_level=risk_level_for(category),
        is_active=is_active,
        needs_disclosure=needs_disclosure,
    )
    session.add(product)
    return product


def update_product(session, product, changes):
    """Apply ``changes`` (name, category, is_active); a new category brings its risk level."""
    unknown = set(changes) - set(UPDATABLE_PRODUCT_FIELDS)
    if unknown:
        raise InvalidInput("These fields cannot be changed.", {name: ["Not changeable."] for name in unknown})
    if "category" in changes:
        product.risk_level = risk_level_for(changes["category"])
    for name, value in changes.items():
        setattr(product, name, value)
    return product


def products_query(category=None, risk_level=None, active=None):
    filters = {Product.category: category, Product.risk_level: risk_level, Product.is_active: active}
    return where_given(select(Product).order_by(Product.code), filters)


def recommend(session, actor, customer, product, note=None, acknowledgement=None):
    """Record that ``actor`` recommended ``product`` to ``customer``.

    ``acknowledgement`` is ``{"signed": bool, "document_ref": str}`` or None. An unsuitable
    product is refused (``Conflict``) unless it is signed. A product that needs a disclosure is
    refused (``InvalidInput``) without a signed risk disclosure on the dossier, whatever the tolerance;
    a note with a forbidden marketing word is refused (422).
    """
    refuse_marketing_words(session, note=note)
    if not product.is_active:
        raise InvalidInput(f"Product {product.code} is no longer offered.", {"product_id": ["Inactive product."]})
    require_disclosure(session, customer, product)
    tolerance = customer.risk_tolerance
    suitable = is_suitable(tolerance, product.risk_level)
    signed = bool(acknowledgement and acknowledgement.get("signed"))
    if not suitable and not signed:
        raise Conflict(_unsuitable_message(customer, product), {"risk_acknowledgement": ["Required: signed."]})
    recommendation = Recommendation(
        customer_id=customer.id,
        product=product,
        manager_id=actor.id,
        recommended_at=clock.now(),
        note=note,
        customer_tolerance=tolerance,
        suitable=suitable,
        acknowledgement_signed=signed,
        acknowledgement_ref=acknowledgement.get("document_ref") if signed else None,
    )
    session.add(recommendation)
    return recommendation


def require_disclosure(session, customer, product):
    """``InvalidInput`` when ``product`` is high-risk business and the customer signed no risk disclosure."""
    if product.needs_disclosure and documents.latest_disclosure(session, customer) is None:
        raise InvalidInput(
            f"Product {product.code} is high-risk business: add the customer's signed risk disclosure "
            "(document kind risk_disclosure) to their dossier before recommending it, whatever their tolerance.",
            {"product_id": ["Needs a signed risk disclosure on the customer's dossier."]},
            code="disclosure_required",
        )


def _unsuitable_message(customer, product):
    tolerance = customer.risk_tolerance or "not assessed"
    allowed = ", ".join(ALLOWED_LEVELS[customer.risk_tolerance])
    return (
        f"Product {product.code} is {product.risk_level} risk but the customer's risk tolerance is {tolerance} "
        f"(suits {allowed} risk only). Record the customer's signed risk acknowledgement to recommend it anyway."
    )


def recommendations_of(session, customer):
    stmt = (
        select(Recommendation)
        .where(Recommendation.customer_id == customer.id)
        .order_by(Recommendation.recommended_at.desc(), Recommendation.id.desc())
    )
    return session.scalars(stmt).all()
