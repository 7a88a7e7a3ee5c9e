"""The audit trail (留痕): every change of phones, e-mail, manager, labels and class keeps who, when,
old → new and the evidence, in the same transaction as the change (DOMAIN §1)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from crm.models import AuditEntry, Customer
from crm.services.org import audit
from tests.api.identity import as_

API = "/api/v1/customers"


@pytest.fixture
def customer(make, agent):
    return make.customer(manager=agent, phones=("13800138000",), email="old@example.com")


def _entries(db, customer):
    return {entry.field: entry for entry in db.session.query(AuditEntry).filter_by(customer_id=customer.id)}


def _patch(client, staff, customer, **body):
    return client.patch(f"{API}/{customer.id}", json=body, headers=as_(staff))


def test_a_phone_change_records_who_when_old_new_and_the_evidence(client, db, clock, agent, customer):
    response = _patch(client, agent, customer, phones=[{"number": "139 0013 9000"}], evidence="CA0123")
    assert response.status_code == 200
    entry = _entries(db, customer)["phones"]
    assert (entry.old_value, entry.new_value) == ("+8613800138000", "+8613900139000")
    assert (entry.actor_id, entry.evidence) == (agent.id, "CA0123")
    assert entry.at.replace(tzinfo=None) == clock.at.replace(tzinfo=None)


def test_an_email_change_is_audited(client, db, agent, customer):
    assert _patch(client, agent, customer, email="new@example.com", evidence="note 7").status_code == 200
    entry = _entries(db, customer)["email"]
    assert (entry.old_value, entry.new_value, entry.evidence) == ("old@example.com", "new@example.com", "note 7")


def test_a_manager_change_is_audited_by_job_number(client, db, make, branch, agent, supervisor, customer):
    colleague = make.staff(role="agent", branch=branch)
    assert _patch(client, supervisor, customer, manager_id=colleague.id).status_code == 200
    entry = _entries(db, customer)["manager"]
    assert (entry.old_value, entry.new_value, entry.actor_id) == (agent.job_no, colleague.job_no, supervisor.id)


def test_label_and_vip_changes_are_audited(client, db, clock, agent, customer):
    body = {"trading_habit": "value", "value_segment": "gold", "decision_style": "independent", "is_vip": True}
    assert _patch(client, agent, customer, **body).status_code == 200
    entries = _entries(db, customer)
    assert entries["trading_habit"].new_value == "value"
    assert entries["value_segment"].new_value == "gold"
    assert entries["decision_style"].new_value == "independent"
    assert (entries["is_vip"].old_value, entries["is_vip"].new_value) == ("false", "true")
    assert entries["vip_since"].new_value == "2026-11-23"


def test_a_class_change_is_audited(client, db, agent, customer):
    assert _patch(client, agent, customer, assets="6000000", turnover_rate="5").status_code == 200
    entry = _entries(db, customer)["customer_class"]
    assert (entry.old_value, entry.new_value) == ("D-", "A+")


def test_a_change_to_the_same_value_writes_no_audit_row(client, db, agent, customer):
    body = {"email": "old@example.com", "phones": [{"number": "+86 138 0013 8000"}], "manager_id": agent.id}
    assert _patch(client, agent, customer, **body).status_code == 200
    assert _entries(db, customer) == {}


def test_a_refused_update_writes_neither_the_change_nor_an_audit_row(client, db, agent, customer):
    response = _patch(client, agent, customer, email="new@example.com", phones=[{"number": "12345"}], evidence="CA0123")
    assert response.status_code == 422
    assert "phones" in response.get_json()["error"]["fields"]
    db.session.commit()  # a later commit in the same session must not carry a half-applied change
    assert db.session.get(Customer, customer.id).email == "old@example.com"
    assert db.session.query(AuditEntry).count() == 0


def test_a_refused_reassignment_keeps_the_email_change_out_too(client, db, make, supervisor, customer):
    stranger = make.staff(role="agent", branch=make.branch())
    response = _patch(client, supervisor, customer, email="new@example.com", manager_id=stranger.id, evidence="n")
    assert response.status_code == 422
    db.session.commit()  # a later commit in the same session must not carry a half-applied change
    assert db.session.get(Customer, customer.id).email == "old@example.com"
    assert db.session.query(AuditEntry).count() == 0


# --- GET /customers/<id>/audit ------------------------------------------------------------


def test_the_trail_is_listed_newest_first_and_paginated(client, db, clock, agent, customer):
    _patch(client, agent, customer, email="a@example.com", evidence="first")
    clock.advance(timedelta(minutes=5))
    _patch(client, agent, customer, email="b@example.com", evidence="second")
    body = client.get(f"{API}/{customer.id}/audit", query_string={"per_page": 1}, headers=as_(agent)).get_json()
    assert body["total"] == 2
    [latest] = body["items"]
    assert (latest["field"], latest["old_value"], latest["new_value"]) == ("email", "a@example.com", "b@example.com")
    assert latest["evidence"] == "second"
    assert latest["actor"]["job_no"] == agent.job_no


def test_a_system_change_has_no_actor(client, db, agent, customer):
    audit.record(db.session, customer, None, "customer_class", "D-", "G", "nightly reclassification")
    db.session.commit()
    [item] = client.get(f"{API}/{customer.id}/audit", headers=as_(agent)).get_json()["items"]
    assert item["actor"] is None
    assert item["evidence"] == "nightly reclassification"


def test_the_trail_is_for_those_who_may_see_the_customer(client, make, branch, customer):
    colleague = make.staff(role="agent", branch=branch)
    assert client.get(f"{API}/{customer.id}/audit", headers=as_(colleague)).status_code == 403
    assert client.get(f"{API}/{customer.id}/audit", headers=as_()).status_code == 401
    assert client.get(f"{API}/999999/audit", headers=as_(colleague)).status_code == 404


def test_a_bad_page_is_422(client, agent, customer):
    response = client.get(f"{API}/{customer.id}/audit", query_string={"page": 0}, headers=as_(agent))
    assert response.status_code == 422
    assert "page" in response.get_json()["error"]["fields"]


def test_history_returns_the_trail_newest_first(db, clock, agent, customer):
    audit.record(db.session, customer, agent, "email", "a", "b", "one")
    clock.advance(timedelta(seconds=1))
    audit.record(db.session, customer, agent, "email", "b", Decimal("1.5"), "two")
    db.session.commit()
    assert [(e.new_value, e.evidence) for e in audit.history(db.session, customer)] == [("1.5", "two"), ("b", "one")]
