"""Recommending products, refused above the customer's tolerance unless acknowledged (DOMAIN §3)."""

import io

import pytest

from crm.models import Recommendation
from tests.api.identity import as_


def url(customer):
    return f"/api/v1/customers/{customer.id}/recommendations"


def test_a_suitable_recommendation_is_recorded(client, db, make, agent, clock):
    customer = make.customer(manager=agent, risk_tolerance="medium")
    product = make.product(risk_level="medium", category="bond")
    response = client.post(url(customer), json={"product_id": product.id, "note": "到期再投"}, headers=as_(agent))
    assert response.status_code == 201
    body = response.get_json()
    assert (body["suitable"], body["acknowledgement_signed"], body["customer_tolerance"]) == (True, False, "medium")
    assert (body["product"]["code"], body["manager"]["id"], body["note"]) == (product.code, agent.id, "到期再投")
    assert db.session.query(Recommendation).filter_by(customer_id=customer.id).count() == 1


@pytest.mark.parametrize(
    ("tolerance", "shown"), [("low", "risk tolerance is low"), (None, "risk tolerance is not assessed")]
)
def test_an_unsuitable_product_without_acknowledgement_is_409_naming_both_levels(
    client, db, make, agent, tolerance, shown
):
    customer = make.customer(manager=agent, risk_tolerance=tolerance)
    product = make.product(risk_level="high", category="equity")
    response = client.post(url(customer), json={"product_id": product.id}, headers=as_(agent))
    assert response.status_code == 409
    message = response.get_json()["error"]["message"]
    assert "high risk" in message and shown in message and "acknowledgement" in message
    assert customer.name not in message  # error texts reach logs and clients unmasked
    assert db.session.query(Recommendation).count() == 0


def test_an_unsigned_acknowledgement_does_not_count(client, make, agent):
    customer = make.customer(manager=agent, risk_tolerance="very_low")
    product = make.product(risk_level="medium", category="bond")
    body = {"product_id": product.id, "risk_acknowledgement": {"signed": False, "document_ref": "RD-1"}}
    assert client.post(url(customer), json=body, headers=as_(agent)).status_code == 409


def test_an_unsuitable_product_with_a_signed_acknowledgement_is_recorded_as_unsuitable(client, make, agent):
    customer = make.customer(manager=agent, risk_tolerance="low")
    product = make.product(risk_level="high", category="chinext")
    body = {"product_id": product.id, "risk_acknowledgement": {"signed": True, "document_ref": "风险提示书-2026-118"}}
    response = client.post(url(customer), json=body, headers=as_(agent))
    assert response.status_code == 201
    saved = response.get_json()
    assert (saved["suitable"], saved["acknowledgement_signed"], saved["acknowledgement_ref"]) == (
        False,
        True,
        "风险提示书-2026-118",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "product_id"),
        ({"product_id": 999999}, "product_id"),
        ({"product_id": 999999, "risk_acknowledgement": {"signed": True}}, "risk_acknowledgement"),
    ],
    ids=["missing-product", "unknown-product", "acknowledgement-without-document"],
)
def test_bad_input_is_422_naming_the_field(client, db, make, agent, body, field):
    customer = make.customer(manager=agent, risk_tolerance="low")
    response = client.post(url(customer), json=body, headers=as_(agent))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert db.session.query(Recommendation).count() == 0


def test_an_inactive_product_is_not_recommended(client, make, agent):
    customer = make.customer(manager=agent, risk_tolerance="high")
    product = make.product(risk_level="low", is_active=False)
    response = client.post(url(customer), json={"product_id": product.id}, headers=as_(agent))
    assert (response.status_code, list(response.get_json()["error"]["fields"])) == (422, ["product_id"])


def test_recommendations_are_listed_newest_first(client, make, agent, clock):
    from datetime import timedelta

    customer = make.customer(manager=agent, risk_tolerance="high")
    first, second = make.product(risk_level="low"), make.product(risk_level="high", category="warrant")
    client.post(url(customer), json={"product_id": first.id}, headers=as_(agent))
    clock.advance(timedelta(hours=1))
    client.post(url(customer), json={"product_id": second.id}, headers=as_(agent))
    response = client.get(url(customer), headers=as_(agent))
    assert response.status_code == 200
    assert [r["product"]["id"] for r in response.get_json()] == [second.id, first.id]


def test_another_managers_customer_is_forbidden_and_anonymous_is_401(client, make, agent, branch):
    other = make.customer(manager=make.staff(role="agent", branch=branch), risk_tolerance="high")
    product = make.product()
    assert client.post(url(other), json={"product_id": product.id}, headers=as_(agent)).status_code == 403
    assert client.get(url(other), headers=as_(agent)).status_code == 403
    assert client.get(url(other), headers=as_()).status_code == 401


def add_disclosure(client, staff, customer):
    data = {"kind": "risk_disclosure", "file": (io.BytesIO(b"%PDF-1.4 disclosure signed"), "disclosure.pdf")}
    url = f"/api/v1/customers/{customer.id}/documents"
    response = client.post(url, data=data, headers=as_(staff), content_type="multipart/form-data")
    assert response.status_code == 201


@pytest.mark.parametrize("category", ["warrant", "margin", "chinext", "star_market"])
def test_high_risk_business_is_refused_without_a_signed_disclosure_even_for_a_high_tolerance(
    client, db, make, admin, agent, category
):
    created = client.post(
        "/api/v1/products", json={"code": f"HR-{category}", "name": "高风险", "category": category}, headers=as_(admin)
    )
    assert created.get_json()["needs_disclosure"] is True
    customer = make.customer(manager=agent, risk_tolerance="high")
    signed_ack = {"signed": True, "document_ref": "风险揭示书-1"}
    body = {"product_id": created.get_json()["id"], "risk_acknowledgement": signed_ack}

    refused = client.post(url(customer), json=body, headers=as_(agent))
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["code"] == "disclosure_required" and "signed risk disclosure" in error["message"]
    assert db.session.query(Recommendation).count() == 0

    add_disclosure(client, agent, customer)
    assert client.post(url(customer), json=body, headers=as_(agent)).status_code == 201


def test_an_admin_marks_any_product_as_needing_a_disclosure(client, make, admin, agent):
    product = make.product(risk_level="high", category="equity")
    customer = make.customer(manager=agent, risk_tolerance="high")
    assert client.post(url(customer), json={"product_id": product.id}, headers=as_(agent)).status_code == 201
    marked = client.patch(f"/api/v1/products/{product.id}", json={"needs_disclosure": True}, headers=as_(admin))
    assert marked.status_code == 200 and marked.get_json()["needs_disclosure"] is True
    assert client.post(url(customer), json={"product_id": product.id}, headers=as_(agent)).status_code == 422
    unmarked = client.patch(f"/api/v1/products/{product.id}", json={"needs_disclosure": False}, headers=as_(agent))
    assert unmarked.status_code == 403
