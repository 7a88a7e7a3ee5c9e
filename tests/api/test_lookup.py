"""Caller-ID screen pop: GET /api/v1/customers/lookup?phone=… (DOMAIN §1 masking, issue 3 item 8)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event

from crm.api.schemas.card import dump_card
from crm.api.schemas.customers import CustomerCard
from crm.core.driver_select import DriverSelect
from crm.extensions import db as _db
from crm.models import Staff
from crm.services.customers import records, screen_pop
from tests.api.identity import as_

LOOKUP = "/api/v1/customers/lookup"


@pytest.fixture
def caller(make, agent):
    return make.customer(manager=agent, phones=("13800138000", "021-6888 1234"), name="王小明")


@pytest.mark.parametrize("phone", ["+86 138 0013 8000", "13800138000", "0086-138-0013-8000", "+862168881234"])
def test_any_common_format_of_the_number_finds_the_customer(client, agent, caller, phone):
    response = client.get(LOOKUP, query_string={"phone": phone}, headers=as_(agent))
    assert response.status_code == 200
    assert response.get_json()["id"] == caller.id


@pytest.mark.parametrize("phone", ["13900000000", "not a number", "12345"])
def test_a_number_nobody_has_is_404(client, agent, caller, phone):
    response = client.get(LOOKUP, query_string={"phone": phone}, headers=as_(agent))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_lookup_without_a_phone_is_422_naming_it(client, agent):
    response = client.get(LOOKUP, headers=as_(agent))
    assert response.status_code == 422
    assert "phone" in response.get_json()["error"]["fields"]


def test_lookup_without_credentials_is_401(client, caller):
    assert client.get(LOOKUP, query_string={"phone": "13800138000"}, headers=as_()).status_code == 401


def test_the_card_shows_class_labels_vip_and_the_manager(client, make, agent):
    make.customer(manager=agent, phones=("13700137000",), is_vip=True, trading_habit="swing", risk_tolerance="medium")
    card = client.get(LOOKUP, query_string={"phone": "13700137000"}, headers=as_(agent)).get_json()
    assert card["class"] == "D-"
    assert (card["is_vip"], card["trading_habit"], card["risk_tolerance"]) == (True, "swing", "medium")
    assert card["manager"] == {"id": agent.id, "job_no": agent.job_no, "name": agent.name}


def test_the_card_lists_the_three_latest_visits_newest_first(client, make, clock, agent, caller):
    for days in range(1, 6):
        make.visit(
            agent, caller, started_at=clock.at - timedelta(days=days), purpose="care", summary=f"{days} days ago"
        )
    card = client.get(LOOKUP, query_string={"phone": "13800138000"}, headers=as_(agent)).get_json()
    assert [v["summary"] for v in card["last_visits"]] == ["1 days ago", "2 days ago", "3 days ago"]
    assert card["last_visits"][0]["manager"]["job_no"] == agent.job_no


# --- masking per role ---------------------------------------------------------------------


def _pop(client, viewer, phone="13800138000"):
    return client.get(LOOKUP, query_string={"phone": phone}, headers=as_(viewer))


def test_the_manager_sees_phones_and_id_number_in_full(client, agent, caller):
    card = _pop(client, agent).get_json()
    assert card["masked"] is False
    assert card["phones"][0]["number"] == "+8613800138000"
    assert card["id_number"] == "310101199001011234"


def test_another_agent_of_the_branch_pops_the_card_masked(client, make, branch, caller):
    colleague = make.staff(role="agent", branch=branch)
    card = _pop(client, colleague).get_json()
    assert card["masked"] is True
    assert [p["number"] for p in card["phones"]] == ["138****8000", "216****1234"]
    assert card["id_number"] == "**************1234"
    assert card["name"] == "王小明"


def test_a_supervisor_of_the_branch_and_an_admin_see_it_in_full(client, supervisor, admin, caller):
    for viewer in (supervisor, admin):
        card = _pop(client, viewer).get_json()
        assert card["masked"] is False
        assert card["phones"][0]["number"] == "+8613800138000"


def test_staff_of_another_branch_get_the_answer_for_a_number_nobody_has(client, make, caller):
    elsewhere = make.branch()
    for role in ("agent", "supervisor"):
        viewer = make.staff(role=role, branch=elsewhere)
        theirs = _pop(client, viewer)
        nobodys = client.get(LOOKUP, query_string={"phone": "13900000000"}, headers=as_(viewer))
        assert (theirs.status_code, theirs.get_json()) == (404, nobodys.get_json())


def test_a_shared_number_pops_the_callers_branch_and_an_open_account_first(client, make, agent, caller):
    closed_twin = make.customer(manager=agent, phones=("13800138000",), status="closed")
    other_branch_twin = make.customer(branch=make.branch(), phones=("13800138000",))
    assert _pop(client, agent).get_json()["id"] == caller.id
    assert closed_twin.id != caller.id
    stranger = make.staff(role="agent", branch=other_branch_twin.branch)
    assert _pop(client, stranger).get_json()["id"] == other_branch_twin.id


def test_the_screen_pop_costs_two_queries_whatever_the_customer_has(db, clock, make, agent, caller):
    """One indexed query for the number (with phones, manager and branch), one for the latest visits."""
    for days in range(1, 5):
        make.visit(agent, caller, purpose="care", summary="x", started_at=clock.at - timedelta(days=days))
    agent_id = agent.id
    db.session.expunge_all()
    viewer = db.session.get(Staff, agent_id)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        customer = records.lookup_by_phone(db.session, "13800138000", viewer)
        card = {**records.customer_view(customer, viewer), "visits": records.last_visits(db.session, customer)}
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert card["manager"].job_no == viewer.job_no and len(card["visits"]) == 3 and len(card["phones"]) == 2
    assert len(statements) == 2, statements


# --- the lean hot path (issue 13) ---------------------------------------------------------


@pytest.mark.parametrize("own", [True, False], ids=["manager", "colleague"])
def test_the_lean_card_dump_is_exactly_the_schemas(db, clock, make, branch, agent, own):
    customer = make.customer(
        manager=agent,
        phones=("13800138000", "021-6888 1234"),
        email="wang@example.com",
        birthday=date(1990, 1, 1),
        is_vip=True,
        vip_since=date(2025, 3, 1),
        last_trade_on=date(2026, 11, 2),
        assets=Decimal("1234567.50"),
        sms_opted_out_at=clock.at,
    )
    make.visit(agent, customer, started_at=clock.at - timedelta(days=1), purpose="care", summary="called back")
    viewer = agent if own else make.staff(role="agent", branch=branch)
    card = screen_pop.screen_pop(db.session, "+86 138 0013 8000", viewer)
    assert card["masked"] is not own and len(card["last_visits"]) == 1
    assert dump_card(card) == CustomerCard().dump(card)


def test_a_customer_without_manager_pops_with_manager_none(client, make, branch, supervisor):
    make.customer(branch=branch, phones=("13600136000",))
    card = client.get(LOOKUP, query_string={"phone": "13600136000"}, headers=as_(supervisor)).get_json()
    assert card["manager"] is None and card["branch"]["id"] == branch.id and card["last_visits"] == []


def test_a_remembered_caller_pops_the_card_in_one_statement(client, agent, caller, monkeypatch):
    """Whose the token is was asked on the first request; the next costs one statement: the card with its visits
    (through SQLAlchemy, or on PostgreSQL on the driver's cursor)."""
    assert _pop(client, agent).status_code == 200
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    fetch = DriverSelect._fetch
    monkeypatch.setattr(DriverSelect, "_fetch", lambda self, *args: statements.append(self.sql) or fetch(self, *args))
    event.listen(_db.engine, "before_cursor_execute", listener)
    try:
        assert _pop(client, agent).status_code == 200
    finally:
        event.remove(_db.engine, "before_cursor_execute", listener)
    assert len(statements) == 1, statements
