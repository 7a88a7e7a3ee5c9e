"""Products and their risk levels through the API (DOMAIN §3)."""

import pytest

from crm.models import Product
from tests.api.identity import as_

PRODUCTS = "/api/v1/products"


def test_everyone_lists_products_with_filters(client, make, agent):
    make.product(code="P-LOW", risk_level="low", category="money_market")
    make.product(code="P-MID", risk_level="medium", category="bond")
    make.product(code="P-OLD", risk_level="high", category="equity", is_active=False)

    everything = client.get(PRODUCTS, headers=as_(agent)).get_json()
    assert (everything["total"], [p["code"] for p in everything["items"]]) == (3, ["P-LOW", "P-MID", "P-OLD"])
    by_level = client.get(PRODUCTS, query_string={"risk_level": "medium"}, headers=as_(agent)).get_json()
    assert [p["code"] for p in by_level["items"]] == ["P-MID"]
    by_category = client.get(PRODUCTS, query_string={"category": "money_market"}, headers=as_(agent)).get_json()
    assert [p["code"] for p in by_category["items"]] == ["P-LOW"]
    active = client.get(PRODUCTS, query_string={"active": "false"}, headers=as_(agent)).get_json()
    assert [(p["code"], p["active"]) for p in active["items"]] == [("P-OLD", False)]


def test_a_bad_filter_is_422_naming_it(client, agent):
    response = client.get(PRODUCTS, query_string={"risk_level": "extreme"}, headers=as_(agent))
    assert response.status_code == 422
    assert "risk_level" in response.get_json()["error"]["fields"]


def test_listing_needs_a_signed_in_user(client):
    assert client.get(PRODUCTS, headers=as_()).status_code == 401


def test_categories_carry_their_risk_levels(client, agent):
    categories = {
        c["category"]: c["risk_level"] for c in client.get(f"{PRODUCTS}/categories", headers=as_(agent)).get_json()
    }
    assert (categories["index"], categories["bond_biased"], categories["capital_guaranteed"]) == (
        "high",
        "medium",
        "low",
    )


@pytest.mark.parametrize(
    ("category", "level"), [("enhanced_index", "high"), ("bond", "medium"), ("money_market", "low")]
)
def test_an_admin_adds_a_product_whose_risk_level_follows_its_category(client, db, admin, category, level):
    response = client.post(PRODUCTS, json={"code": "F1", "name": "某基金", "category": category}, headers=as_(admin))
    assert response.status_code == 201
    assert (response.get_json()["risk_level"], response.get_json()["active"]) == (level, True)
    assert db.session.query(Product).filter_by(code="F1").one().risk_level == level


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "F1", "name": "某基金", "category": "crypto"}, "category"),
        ({"code": "F1", "category": "bond"}, "name"),
        ({"code": "", "name": "某基金", "category": "bond"}, "code"),
    ],
)
def test_adding_a_product_with_bad_input_is_422(client, db, admin, body, field):
    response = client.post(PRODUCTS, json=body, headers=as_(admin))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert db.session.query(Product).count() == 0


def test_a_taken_product_code_is_409(client, make, admin):
    make.product(code="F1")
    response = client.post(PRODUCTS, json={"code": "F1", "name": "某基金", "category": "bond"}, headers=as_(admin))
    assert response.status_code == 409


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_only_admins_add_or_change_products(client, make, branch, role):
    staff = make.staff(role=role, branch=branch)
    product = make.product()
    body = {"code": "F1", "name": "某基金", "category": "bond"}
    assert client.post(PRODUCTS, json=body, headers=as_(staff)).status_code == 403
    assert client.patch(f"{PRODUCTS}/{product.id}", json={"active": False}, headers=as_(staff)).status_code == 403


def test_changing_the_category_changes_the_risk_level(client, make, admin):
    product = make.product(risk_level="low", category="money_market")
    response = client.patch(
        f"{PRODUCTS}/{product.id}", json={"category": "equity_biased", "active": False}, headers=as_(admin)
    )
    assert response.status_code == 200
    assert (response.get_json()["risk_level"], response.get_json()["active"]) == ("high", False)


def test_changing_a_product_checks_input_and_existence(client, make, admin):
    product = make.product()
    bad = client.patch(f"{PRODUCTS}/{product.id}", json={"category": "lottery"}, headers=as_(admin))
    assert (bad.status_code, list(bad.get_json()["error"]["fields"])) == (422, ["category"])
    assert client.patch(f"{PRODUCTS}/999999", json={"active": False}, headers=as_(admin)).status_code == 404
