"""Calls API: the log with filters and scope, one call with its events, linking to a case or visit."""

from datetime import timedelta

import pytest

from crm.models import Call
from crm.services.calls import call_log
from crm.services.cases import workflow as case_service
from tests.api.identity import as_

CALLS = "/api/v1/calls"
CUSTOMER_PHONE = "+8613812345678"


@pytest.fixture
def log_call(db, branch, clock):
    def log(sid, agent=None, branch_=None, customer=None, direction="inbound", outcome="answered", duration=60):
        call = call_log.record_call(
            db.session,
            sid,
            direction,
            from_number=CUSTOMER_PHONE,
            to_number="+862150508888",
            branch_id=(branch_ or branch).id,
            agent_id=agent.id if agent else None,
            customer_id=customer.id if customer else None,
        )
        call_log.record_event(db.session, call, "incoming")
        call.status, call.outcome, call.duration_seconds = "completed", outcome, duration
        db.session.commit()
        return call

    return log


def ids(response):
    return [item["id"] for item in response.get_json()["items"]]


def test_agent_sees_only_their_own_calls(client, log_call, agent, make, branch):
    colleague = make.staff(role="agent", branch=branch)
    mine = log_call("CA1", agent=agent)
    log_call("CA2", agent=colleague)
    response = client.get(CALLS, headers=as_(agent))
    assert response.status_code == 200
    assert ids(response) == [mine.id]


def test_supervisor_sees_the_branch_and_filters(client, log_call, agent, supervisor, make, clock):
    other_branch = make.branch()
    answered = log_call("CA1", agent=agent)
    clock.advance(timedelta(hours=1))
    missed = log_call("CA2", outcome="abandoned", duration=5)
    log_call("CA3", branch_=other_branch)
    assert ids(client.get(CALLS, headers=as_(supervisor))) == [missed.id, answered.id]
    by_outcome = client.get(CALLS, query_string={"outcome": "abandoned"}, headers=as_(supervisor))
    assert ids(by_outcome) == [missed.id]
    by_agent = client.get(CALLS, query_string={"agent_id": agent.id}, headers=as_(supervisor))
    assert ids(by_agent) == [answered.id]
    window = {
        "from": (clock.at - timedelta(minutes=30)).isoformat(),
        "to": (clock.at + timedelta(minutes=1)).isoformat(),
    }
    assert ids(client.get(CALLS, query_string=window, headers=as_(supervisor))) == [missed.id]


def test_filters_are_validated(client, agent):
    response = client.get(CALLS, query_string={"outcome": "lost", "direction": "sideways"}, headers=as_(agent))
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) >= {"outcome", "direction"}


def test_one_call_shows_its_events_and_whether_it_counts_as_a_contact(client, log_call, agent, make):
    customer = make.customer(manager=agent, phones=(CUSTOMER_PHONE,))
    call = log_call("CA1", agent=agent, customer=customer)
    response = client.get(f"{CALLS}/{call.id}", headers=as_(agent))
    assert response.status_code == 200
    body = response.get_json()
    assert [e["kind"] for e in body["events"]] == ["incoming"]
    assert (body["customer"]["id"], body["agent"]["id"], body["counts_as_contact"]) == (customer.id, agent.id, True)
    assert body["from_number"] == CUSTOMER_PHONE  # the customer's own manager sees the number


def test_the_number_is_masked_for_an_agent_who_is_not_the_customers_manager(client, log_call, agent, make, branch):
    manager = make.staff(role="agent", branch=branch)
    customer = make.customer(manager=manager, phones=(CUSTOMER_PHONE,))
    call = log_call("CA1", agent=agent, customer=customer)
    assert client.get(f"{CALLS}/{call.id}", headers=as_(agent)).get_json()["from_number"] == "138****5678"


def test_another_agents_or_branchs_call_is_forbidden(client, log_call, agent, make, branch):
    colleague = make.staff(role="agent", branch=branch)
    foreign_supervisor = make.staff(role="supervisor", branch=make.branch())
    call = log_call("CA1", agent=colleague)
    assert client.get(f"{CALLS}/{call.id}", headers=as_(agent)).status_code == 403
    assert client.get(f"{CALLS}/{call.id}", headers=as_(foreign_supervisor)).status_code == 403
    assert client.get(f"{CALLS}/999999", headers=as_(agent)).status_code == 404
    assert client.get(CALLS).status_code == 401


def test_agent_links_their_call_to_their_case(client, log_call, agent, db):
    call = log_call("CA1", agent=agent)
    case = case_service.open_case(db.session, agent, {"kind": "inquiry", "channel": "phone", "subject": "问询"})
    db.session.commit()
    response = client.post(f"{CALLS}/{call.id}/link", json={"case_id": case.id}, headers=as_(agent))
    assert response.status_code == 200
    assert response.get_json()["case_id"] == case.id
    db.session.expire_all()
    assert db.session.get(Call, call.id).case_id == case.id


def test_linking_needs_a_case_or_visit_in_scope(client, log_call, agent, make, branch, db):
    call = log_call("CA1", agent=agent)
    colleague = make.staff(role="agent", branch=branch)
    theirs = case_service.open_case(db.session, colleague, {"kind": "inquiry", "channel": "phone", "subject": "x"})
    db.session.commit()
    empty = client.post(f"{CALLS}/{call.id}/link", json={}, headers=as_(agent))
    unknown = client.post(f"{CALLS}/{call.id}/link", json={"case_id": 999999}, headers=as_(agent))
    foreign = client.post(f"{CALLS}/{call.id}/link", json={"case_id": theirs.id}, headers=as_(agent))
    assert (empty.status_code, unknown.status_code, foreign.status_code) == (422, 422, 403)
    db.session.expire_all()
    assert db.session.get(Call, call.id).case_id is None
