"""DOMAIN §3 suitability: which product risk levels each tolerance may be recommended."""

import pytest

from crm.errors import Conflict, InvalidInput
from crm.models import Recommendation
from crm.services.customers.suitability import create_product, is_suitable, recommend

MATRIX = [
    # tolerance, product risk level, suitable
    (None, "low", True),
    (None, "medium", False),
    (None, "high", False),
    ("very_low", "low", True),
    ("very_low", "medium", False),
    ("very_low", "high", False),
    ("low", "low", True),
    ("low", "medium", False),
    ("low", "high", False),
    ("medium", "low", True),
    ("medium", "medium", True),
    ("medium", "high", False),
    ("high", "low", True),
    ("high", "medium", True),
    ("high", "high", True),
]


@pytest.mark.parametrize(("tolerance", "level", "suitable"), MATRIX)
def test_suitability_matrix(tolerance, level, suitable):
    assert is_suitable(tolerance, level) is suitable


@pytest.mark.parametrize(("tolerance", "level", "suitable"), MATRIX)
def test_recording_a_recommendation_follows_the_matrix(db, make, agent, tolerance, level, suitable):
    customer = make.customer(manager=agent, risk_tolerance=tolerance)
    product = make.product(risk_level=level)
    if suitable:
        assert recommend(db.session, agent, customer, product).suitable is True
    else:
        with pytest.raises(Conflict):
            recommend(db.session, agent, customer, product)
        assert db.session.query(Recommendation).count() == 0


@pytest.mark.parametrize(
    ("category", "level"),
    [
        ("equity", "high"),
        ("chinext", "high"),
        ("margin", "high"),
        ("bond", "medium"),
        ("bond_biased", "medium"),
        ("short_term_bond", "low"),
        ("capital_guaranteed", "low"),
        ("money_market", "low"),
    ],
)
def test_a_products_risk_level_follows_its_category(db, category, level):
    assert create_product(db.session, code=f"X-{category}", name="基金", category=category).risk_level == level


def test_an_unknown_category_is_refused(db):
    with pytest.raises(InvalidInput) as raised:
        create_product(db.session, code="X1", name="基金", category="crypto")
    assert "category" in raised.value.fields


def test_unsuitable_recommendation_is_kept_with_a_signed_acknowledgement(db, make, agent):
    customer = make.customer(manager=agent, risk_tolerance="low")
    product = make.product(risk_level="high", category="equity")
    rec = recommend(db.session, agent, customer, product, acknowledgement={"signed": True, "document_ref": "RD-7"})
    assert (rec.suitable, rec.acknowledgement_signed, rec.acknowledgement_ref, rec.customer_tolerance) == (
        False,
        True,
        "RD-7",
        "low",
    )
