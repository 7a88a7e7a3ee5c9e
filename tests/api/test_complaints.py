"""Complaint governance over HTTP (issue 10 items 1–3): recusal by every route, decisions by a supervisor,
the complaint record an auditor reads, and its number."""

import pytest
from sqlalchemy import select

from crm.models import Notification
from tests.api.identity import as_
from tests.case_factories import COMPLETE_RECORD

CASES = "/api/v1/cases"


def post(client, staff, path, body=None):
    return client.post(f"{CASES}{path}", json=body or {}, headers=as_(staff))


def complain(client, staff, **fields):
    body = {"kind": "complaint", "channel": "phone", "subject": "服务态度差", "demand": "要求道歉", **fields}
    response = client.post(CASES, json=body, headers=as_(staff))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def duty(make, branch, db):
    """The branch's supervisor on duty."""
    supervisor = make.staff(role="supervisor", branch=branch)
    supervisor.on_duty = True
    db.session.commit()
    return supervisor


def test_an_accused_agent_who_takes_the_complaint_does_not_own_it_and_the_duty_supervisor_is_told(
    client, agent, duty, db
):
    case = complain(client, agent, complained_staff_id=agent.id)
    assert case["owner"]["id"] == duty.id
    assert case["history"][0]["detail"]["recused"] is True
    notices = db.session.scalars(select(Notification).where(Notification.case_id == case["id"])).all()
    assert [(n.recipient_id, n.kind) for n in notices] == [(duty.id, "complaint_recusal")]
    assert client.get(f"{CASES}/{case['id']}", headers=as_(agent)).status_code == 403


def test_the_accused_cannot_reply_resolve_close_or_take_over_by_any_route(client, agent, duty, make, branch):
    accused = make.staff(role="supervisor", branch=branch)  # a supervisor sees the whole branch
    case = complain(client, agent, complained_staff_id=accused.id)
    path = f"/{case['id']}"
    assert post(client, duty, f"{path}/assign", {"handler_id": agent.id}).status_code == 200
    refused = {
        "assign": post(client, accused, f"{path}/assign", {"handler_id": agent.id}),
        "hand-off": post(client, accused, f"{path}/hand-off", {"new_owner_id": agent.id}),
        "investigate": post(client, accused, f"{path}/investigate"),
        "reply": post(client, accused, f"{path}/reply", {"channel": "phone", "text": "没问题"}),
        "resolve": post(client, accused, f"{path}/resolve"),
        "record": client.patch(f"{CASES}{path}/complaint", json={"finding": "unfounded"}, headers=as_(accused)),
    }
    assert {name: r.status_code for name, r in refused.items()} == dict.fromkeys(refused, 403)
    assert post(client, duty, f"{path}/hand-off", {"new_owner_id": accused.id}).status_code == 409
    client.patch(f"{CASES}{path}/complaint", json=COMPLETE_RECORD, headers=as_(agent))
    assert post(client, duty, f"{path}/resolve").status_code == 200
    assert post(client, accused, f"{path}/close").status_code == 403
    shown = client.get(f"{CASES}/{case['id']}", headers=as_(duty)).get_json()
    assert (shown["status"], shown["replies"], shown["complaint"]["finding"]) == ("resolved", [], "partly_founded")


def test_an_agent_replies_and_investigates_but_cannot_assign_resolve_or_close(client, agent, duty, make, branch):
    colleague = make.staff(role="agent", branch=branch)
    case = complain(client, agent)
    path = f"/{case['id']}"
    assert post(client, agent, f"{path}/assign", {"handler_id": colleague.id}).status_code == 403
    assert post(client, duty, f"{path}/assign", {"handler_id": agent.id}).status_code == 200
    assert post(client, agent, f"{path}/investigate").status_code == 200
    assert post(client, agent, f"{path}/reply", {"channel": "phone", "text": "正在核实"}).status_code == 200
    assert post(client, agent, f"{path}/resolve").status_code == 403
    client.patch(f"{CASES}{path}/complaint", json=COMPLETE_RECORD, headers=as_(agent))
    assert post(client, duty, f"{path}/resolve").status_code == 200
    assert post(client, agent, f"{path}/close").status_code == 403
    closed = post(client, duty, f"{path}/close")
    assert closed.status_code == 200
    assert closed.get_json()["history"][-1]["actor"]["id"] == duty.id


def test_a_supervisor_of_another_branch_decides_nothing_but_an_admin_anywhere(client, agent, admin, make):
    case = complain(client, agent)
    stranger = make.staff(role="supervisor", branch=make.branch())
    assert post(client, stranger, f"/{case['id']}/assign", {"handler_id": agent.id}).status_code == 403
    assert post(client, admin, f"/{case['id']}/assign", {"handler_id": agent.id}).status_code == 200


def test_closing_without_the_finding_fields_is_422_naming_them(client, agent, duty):
    case = complain(client, agent)
    path = f"/{case['id']}"
    post(client, duty, f"{path}/assign", {"handler_id": agent.id})
    client.patch(f"{CASES}{path}/complaint", json={"finding": "founded"}, headers=as_(agent))
    post(client, duty, f"{path}/resolve")
    response = post(client, duty, f"{path}/close")
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {
        "finding_reason",
        "responsible",
        "corrective_action",
        "result",
        "result_channel",
        "customer_reaction",
        "evaluation",
    }
    assert client.get(f"{CASES}{path}", headers=as_(duty)).get_json()["status"] == "resolved"


def test_a_complaint_needs_the_customers_demand_at_intake(client, agent):
    body = {"kind": "complaint", "channel": "phone", "subject": "服务态度差"}
    response = client.post(CASES, json=body, headers=as_(agent))
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"demand"}


def test_complaints_are_numbered_per_branch_and_month(client, agent, make, clock):
    code = agent.branch.code
    first, second = complain(client, agent), complain(client, agent)
    elsewhere = complain(client, make.staff(role="agent", branch=make.branch(code="SH01")))
    assert [first["complaint_number"], second["complaint_number"]] == [f"{code}-202611-0001", f"{code}-202611-0002"]
    assert elsewhere["complaint_number"] == "SH01-202611-0001"
    assert first["complaint"]["demand"] == "要求道歉"
    inquiry = client.post(
        CASES, json={"kind": "inquiry", "channel": "phone", "subject": "咨询"}, headers=as_(agent)
    ).get_json()
    assert (inquiry["complaint_number"], inquiry["complaint"]) == (None, None)


def test_the_accused_supervisor_neither_lists_nor_opens_the_complaint_about_them(client, agent, duty, make, branch):
    accused = make.staff(role="supervisor", branch=branch)
    case = complain(client, agent, complained_staff_id=accused.id)
    other = complain(client, agent)
    listed = client.get(CASES, headers=as_(accused)).get_json()["items"]
    assert [c["id"] for c in listed] == [other["id"]]
    assert client.get(f"{CASES}/{case['id']}", headers=as_(accused)).status_code == 403
    assert client.get(f"{CASES}/{case['id']}", headers=as_(duty)).status_code == 200


def test_naming_the_accused_after_intake_moves_an_accused_owner_to_another_supervisor(
    client, agent, duty, make, branch, db
):
    colleague = make.staff(role="supervisor", branch=branch)
    case = complain(client, duty)  # as the IVR's complaint line does: the duty supervisor owns it, nobody named
    path = f"/{case['id']}/accused"
    assert post(client, agent, path, {"complained_staff_id": duty.id}).status_code == 403
    named = post(client, colleague, path, {"complained_staff_id": duty.id})
    assert named.status_code == 200
    shown = named.get_json()
    assert (shown["owner"]["id"], shown["complained_staff_id"]) == (colleague.id, duty.id)
    assert shown["history"][-1]["action"] == "accused_named"
    notices = db.session.scalars(select(Notification).where(Notification.case_id == case["id"])).all()
    assert [(n.recipient_id, n.kind) for n in notices] == [(colleague.id, "complaint_recusal")]
    assert client.get(f"{CASES}/{case['id']}", headers=as_(duty)).status_code == 403
    assert post(client, colleague, path, {"complained_staff_id": agent.id}).status_code == 409  # named once


def test_an_accused_handler_must_be_replaced_before_being_named(client, agent, duty):
    case = complain(client, agent)
    post(client, duty, f"/{case['id']}/assign", {"handler_id": agent.id})
    response = post(client, duty, f"/{case['id']}/accused", {"complained_staff_id": agent.id})
    assert response.status_code == 409
    assert client.get(f"{CASES}/{case['id']}", headers=as_(duty)).get_json()["complained_staff_id"] is None
