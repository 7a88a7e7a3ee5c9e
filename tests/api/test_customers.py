"""Customers over the API: search, create, read, change, close — with access and masking (DOMAIN §1–§2)."""

from decimal import Decimal

import pytest

from crm.models import AuditEntry, Customer
from tests.api.identity import as_

API = "/api/v1/customers"


@pytest.fixture
def colleague(make, branch):
    return make.staff(role="agent", branch=branch)


@pytest.fixture
def other_branch_agent(make):
    return make.staff(role="agent", branch=make.branch())


def _ids(response):
    return {item["id"] for item in response.get_json()["items"]}


# --- search -------------------------------------------------------------------------------


def test_agent_lists_only_own_customers(client, make, agent, colleague):
    mine = make.customer(manager=agent)
    make.customer(manager=colleague)
    response = client.get(API, headers=as_(agent))
    assert response.status_code == 200
    assert _ids(response) == {mine.id}
    assert response.get_json()["total"] == 1


def test_supervisor_lists_the_branch_and_admin_lists_everyone(
    client, make, agent, supervisor, admin, other_branch_agent
):
    ours = make.customer(manager=agent)
    theirs = make.customer(manager=other_branch_agent)
    assert _ids(client.get(API, headers=as_(supervisor))) == {ours.id}
    assert _ids(client.get(API, headers=as_(admin))) == {ours.id, theirs.id}


def test_search_by_name_substring_account_and_phone_in_any_format(client, make, agent):
    wang = make.customer(manager=agent, name="王小明", phones=("13911112222",))
    make.customer(manager=agent, name="李四", phones=("13933334444",), account_no="ACC-77")
    assert _ids(client.get(API, query_string={"q": "小明"}, headers=as_(agent))) == {wang.id}
    assert _ids(client.get(API, query_string={"q": "+86 139 1111 2222"}, headers=as_(agent))) == {wang.id}
    assert _ids(client.get(API, query_string={"q": "0086-139-1111-2222"}, headers=as_(agent))) == {wang.id}
    assert len(_ids(client.get(API, query_string={"q": "ACC-77"}, headers=as_(agent)))) == 1


def test_search_filters_by_class_status_manager_and_branch(client, make, agent, colleague, supervisor):
    rich = make.customer(manager=agent, assets=Decimal("6000000"), turnover_rate=Decimal("4"))
    prospect = make.customer(manager=colleague, status="prospect")
    assert _ids(client.get(API, query_string={"class": "A+"}, headers=as_(supervisor))) == {rich.id}
    assert _ids(client.get(API, query_string={"status": "prospect"}, headers=as_(supervisor))) == {prospect.id}
    assert _ids(client.get(API, query_string={"manager_id": colleague.id}, headers=as_(supervisor))) == {prospect.id}
    assert _ids(client.get(API, query_string={"branch_id": agent.branch_id + 999}, headers=as_(supervisor))) == set()


def test_list_is_paginated(client, make, agent):
    for _ in range(3):
        make.customer(manager=agent)
    body = client.get(API, query_string={"per_page": 2, "page": 2}, headers=as_(agent)).get_json()
    assert (body["total"], body["page"], body["per_page"], len(body["items"])) == (3, 2, 2, 1)


def test_list_with_an_unknown_class_is_422_naming_the_field(client, agent):
    response = client.get(API, query_string={"class": "Z"}, headers=as_(agent))
    assert response.status_code == 422
    assert "class" in response.get_json()["error"]["fields"]


def test_list_without_credentials_is_401(client):
    assert client.get(API, headers=as_()).status_code == 401


def test_list_masks_phones_and_id_for_a_viewer_who_may_not_see_them(client, make, agent, supervisor, admin):
    make.customer(manager=agent, phones=("13800138000",))
    for viewer in (agent, supervisor, admin):
        item = client.get(API, headers=as_(viewer)).get_json()["items"][0]
        assert item["phones"][0]["number"] == "+8613800138000"
        assert item["id_number"] == "310101199001011234"
        assert item["masked"] is False


# --- create -------------------------------------------------------------------------------


def test_agent_creates_a_customer_they_manage_with_a_computed_class(client, agent, db):
    body = {
        "name": "张三",
        "account_no": "88001",
        "phones": [{"number": "138 0013 8000"}, {"number": "021-6888 1234", "label": "home"}],
        "assets": "1200000",
        "turnover_rate": 3.5,
        "email": "zhang@example.com",
    }
    response = client.post(API, json=body, headers=as_(agent))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["manager"]["id"] == agent.id
    assert created["class"] == "A"
    assert created["phones"] == [
        {"number": "+8613800138000", "label": "mobile"},
        {"number": "+862168881234", "label": "home"},
    ]
    assert created["branch"]["id"] == agent.branch_id
    assert db.session.get(Customer, created["id"]).customer_class == "A"


def test_agent_may_not_create_a_customer_for_someone_else(client, agent, colleague):
    response = client.post(API, json={"name": "X", "manager_id": colleague.id}, headers=as_(agent))
    assert response.status_code == 403


def test_supervisor_names_a_manager_of_the_branch_but_not_of_another(client, supervisor, agent, other_branch_agent):
    ok = client.post(API, json={"name": "X", "manager_id": agent.id}, headers=as_(supervisor))
    assert ok.status_code == 201
    assert ok.get_json()["manager"]["job_no"] == agent.job_no
    bad = client.post(API, json={"name": "Y", "manager_id": other_branch_agent.id}, headers=as_(supervisor))
    assert bad.status_code == 422
    assert "manager_id" in bad.get_json()["error"]["fields"]


def test_admin_creates_in_the_managers_branch_or_must_name_one(client, admin, agent):
    ok = client.post(API, json={"name": "X", "manager_id": agent.id}, headers=as_(admin))
    assert ok.status_code == 201
    assert ok.get_json()["branch"]["id"] == agent.branch_id
    missing = client.post(API, json={"name": "Y"}, headers=as_(admin))
    assert missing.status_code == 422
    assert "branch_id" in missing.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": "X", "customer_class": "A+"}, "customer_class"),
        ({"name": "X", "risk_tolerance": "high"}, "risk_tolerance"),
        ({"name": "X", "phones": [{"number": "12345"}]}, "phones"),
        ({"name": "X", "phones": [{"number": "13800138000"}, {"number": "+86 138 0013 8000"}]}, "phones"),
        ({"name": "X", "assets": -1}, "assets"),
        ({"name": "X", "trading_habit": "gambler"}, "trading_habit"),
        ({"name": "X", "email": "not-an-email"}, "email"),
    ],
)
def test_bad_customer_input_is_422_naming_the_field_and_creates_nothing(client, agent, db, body, field):
    response = client.post(API, json=body, headers=as_(agent))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert db.session.query(Customer).count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id_number", "310101199001011235"),  # its check digit is 4
        ("assets", "10000000000000000"),  # Numeric(18, 2) holds less than 1e16
        ("assets", "9999999999999999.995"),  # rounds to 1e16
        ("turnover_rate", 1000000),  # Numeric(10, 4) holds less than 1e6
        ("account_no", "88 001"),
    ],
)
def test_a_value_the_csv_import_refuses_is_422_naming_the_field(client, agent, db, field, value):
    response = client.post(API, json={"name": "X", field: value}, headers=as_(agent))
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == [field]
    assert db.session.query(Customer).count() == 0


def test_the_largest_amounts_the_columns_hold_and_any_id_document_are_accepted_as_on_import(client, agent):
    body = {"name": "X", "assets": "9999999999999999.99", "turnover_rate": "999999.9999"}
    assert client.post(API, json=body, headers=as_(agent)).status_code == 201
    for given, stored in (("11010119800101007x", "11010119800101007X"), ("E12345678", "E12345678")):
        response = client.post(API, json={"name": "X", "id_number": given}, headers=as_(agent))
        assert response.status_code == 201
        assert response.get_json()["id_number"] == stored


def test_a_duplicate_account_number_is_409(client, make, agent):
    make.customer(manager=agent, account_no="88001")
    response = client.post(API, json={"name": "X", "account_no": "88001"}, headers=as_(agent))
    assert response.status_code == 409
    assert "account_no" in response.get_json()["error"]["fields"]


def test_create_without_credentials_is_401(client):
    assert client.post(API, json={"name": "X"}, headers=as_()).status_code == 401


# --- read ---------------------------------------------------------------------------------


def test_manager_reads_their_customer_unmasked(client, make, agent):
    customer = make.customer(manager=agent)
    body = client.get(f"{API}/{customer.id}", headers=as_(agent)).get_json()
    assert body["name"] == customer.name
    assert body["masked"] is False
    assert body["phones"][0]["number"] == "+8613800138000"


def test_another_agent_or_branch_may_not_read_a_customer(client, make, agent, colleague, other_branch_agent):
    customer = make.customer(manager=agent)
    assert client.get(f"{API}/{customer.id}", headers=as_(colleague)).status_code == 403
    assert client.get(f"{API}/{customer.id}", headers=as_(other_branch_agent)).status_code == 403


def test_reading_an_unknown_customer_is_404(client, agent):
    response = client.get(f"{API}/999999", headers=as_(agent))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


# --- change -------------------------------------------------------------------------------


def test_changing_assets_recomputes_the_class(client, make, agent):
    customer = make.customer(manager=agent, assets=Decimal("200000"), turnover_rate=Decimal("1"))
    response = client.patch(f"{API}/{customer.id}", json={"assets": "5000000"}, headers=as_(agent))
    assert response.status_code == 200
    assert response.get_json()["class"] == "B+"


def test_a_phone_change_without_evidence_is_422_and_with_it_succeeds(client, make, agent, db):
    customer = make.customer(manager=agent, phones=("13800138000",))
    change = {"phones": [{"number": "13900139000"}]}
    refused = client.patch(f"{API}/{customer.id}", json=change, headers=as_(agent))
    assert refused.status_code == 422
    assert "evidence" in refused.get_json()["error"]["fields"]
    accepted = client.patch(f"{API}/{customer.id}", json={**change, "evidence": "CA123"}, headers=as_(agent))
    assert accepted.status_code == 200
    assert [p["number"] for p in accepted.get_json()["phones"]] == ["+8613900139000"]


def test_agent_may_not_hand_a_customer_to_someone_else(client, make, agent, colleague):
    customer = make.customer(manager=agent)
    response = client.patch(f"{API}/{customer.id}", json={"manager_id": colleague.id}, headers=as_(agent))
    assert response.status_code == 403


def test_supervisor_reassigns_within_the_branch_only(client, make, agent, colleague, supervisor, other_branch_agent):
    customer = make.customer(manager=agent)
    url = f"{API}/{customer.id}"
    moved = client.patch(url, json={"manager_id": colleague.id}, headers=as_(supervisor))
    assert moved.status_code == 200
    assert moved.get_json()["manager"]["id"] == colleague.id
    refused = client.patch(url, json={"manager_id": other_branch_agent.id}, headers=as_(supervisor))
    assert refused.status_code == 422
    assert "manager_id" in refused.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"customer_class": "A+"}, "customer_class"),
        ({"risk_tolerance": "high"}, "risk_tolerance"),
        ({"decision_style": "reckless"}, "decision_style"),
        ({"branch_id": 1}, "branch_id"),
    ],
)
def test_bad_changes_are_422_naming_the_field(client, make, agent, change, field):
    customer = make.customer(manager=agent)
    response = client.patch(f"{API}/{customer.id}", json=change, headers=as_(agent))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_an_agent_may_not_close_a_customer_by_patch(client, make, agent):
    customer = make.customer(manager=agent)
    assert client.patch(f"{API}/{customer.id}", json={"status": "closed"}, headers=as_(agent)).status_code == 403


def test_change_of_another_agents_customer_is_403_and_without_credentials_401(client, make, agent, colleague):
    customer = make.customer(manager=agent)
    assert client.patch(f"{API}/{customer.id}", json={"name": "X"}, headers=as_(colleague)).status_code == 403
    assert client.patch(f"{API}/{customer.id}", json={"name": "X"}, headers=as_()).status_code == 401


# --- close --------------------------------------------------------------------------------


def test_supervisor_closes_a_customer_and_the_record_stays(client, make, agent, supervisor, db):
    customer = make.customer(manager=agent)
    response = client.delete(f"{API}/{customer.id}", headers=as_(supervisor))
    assert response.status_code == 200
    assert response.get_json()["status"] == "closed"
    assert db.session.get(Customer, customer.id).status == "closed"
    entry = db.session.query(AuditEntry).filter_by(customer_id=customer.id, field="status").one()
    assert (entry.old_value, entry.new_value, entry.actor_id) == ("active", "closed", supervisor.id)


def test_agents_may_not_close_and_other_branches_may_not_either(client, make, agent, other_branch_agent, db):
    customer = make.customer(manager=agent)
    assert client.delete(f"{API}/{customer.id}", headers=as_(agent)).status_code == 403
    assert client.delete(f"{API}/{customer.id}", headers=as_()).status_code == 401
    assert db.session.get(Customer, customer.id).status == "active"


def test_supervisor_of_another_branch_may_not_close(client, make, agent):
    customer = make.customer(manager=agent)
    stranger = make.staff(role="supervisor", branch=make.branch())
    assert client.delete(f"{API}/{customer.id}", headers=as_(stranger)).status_code == 403


def test_closing_keeps_the_evidence_given_and_refuses_an_empty_one(client, make, agent, supervisor, db):
    customer = make.customer(manager=agent)
    url = f"{API}/{customer.id}"
    refused = client.delete(url, query_string={"evidence": ""}, headers=as_(supervisor))
    assert refused.status_code == 422
    assert "evidence" in refused.get_json()["error"]["fields"]
    assert client.delete(url, query_string={"evidence": "CA777 销户"}, headers=as_(supervisor)).status_code == 200
    assert db.session.query(AuditEntry).filter_by(customer_id=customer.id).one().evidence == "CA777 销户"


def test_only_a_supervisor_or_admin_reopens_a_closed_customer(client, make, agent, supervisor):
    customer = make.customer(manager=agent, status="closed")
    url = f"{API}/{customer.id}"
    assert client.patch(url, json={"status": "active"}, headers=as_(agent)).status_code == 403
    assert client.patch(url, json={"status": "active"}, headers=as_(supervisor)).get_json()["status"] == "active"


def test_a_customers_language_is_chinese_until_changed_to_english(client, agent, make):
    customer = make.customer(manager=agent)
    assert client.get(f"{API}/{customer.id}", headers=as_(agent)).json["language"] == "zh"

    changed = client.patch(f"{API}/{customer.id}", json={"language": "en"}, headers=as_(agent))
    refused = client.patch(f"{API}/{customer.id}", json={"language": "fr"}, headers=as_(agent))

    assert changed.status_code == 200 and changed.json["language"] == "en"
    assert refused.status_code == 422 and "language" in refused.json["error"]["fields"]
