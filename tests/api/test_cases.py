"""Cases over HTTP: intake, who sees what, the actions, their errors (DOMAIN §1, §5)."""

from datetime import timedelta

import pytest

from crm.models import Case
from tests.api.identity import as_
from tests.case_factories import COMPLETE_RECORD

CASES = "/api/v1/cases"


@pytest.fixture
def open_case(client):
    def open_(staff, **fields):
        body = {"kind": "inquiry", "channel": "phone", "subject": "如何开通创业板", "demand": "要求答复", **fields}
        response = client.post(CASES, json=body, headers=as_(staff))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return open_


def post(client, staff, path, body=None):
    return client.post(f"{CASES}{path}", json=body or {}, headers=as_(staff))


def test_a_new_case_shows_its_owner_clocks_and_history(open_case, agent, clock):
    case = open_case(agent, kind="complaint", category="attitude", quality_type="service")
    assert case["status"] == "new" and case["owner"]["id"] == agent.id
    assert [c["clock"] for c in case["clocks"]] == ["dispatch", "first_response", "resolution"]
    dispatch = case["clocks"][0]
    assert dispatch["due_at"] == "2026-11-23T02:05:00+00:00"
    assert (dispatch["met"], dispatch["overdue"], dispatch["met_at"]) == (False, False, None)
    assert case["overdue"] is False
    assert [e["action"] for e in case["history"]] == ["opened"]
    assert case["history"][0]["actor"]["id"] == agent.id


def test_intake_validates_its_fields(client, agent):
    response = client.post(CASES, json={"kind": "gossip", "channel": "phone"}, headers=as_(agent))
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"kind", "subject"}


def test_an_admin_without_a_branch_must_name_one(client, admin, branch):
    body = {"kind": "inquiry", "channel": "phone", "subject": "x"}
    assert client.post(CASES, json=body, headers=as_(admin)).status_code == 422
    assert client.post(CASES, json={**body, "branch_id": branch.id}, headers=as_(admin)).status_code == 201


def test_a_clock_shows_overdue_once_its_deadline_passes_unmet(client, open_case, agent, clock):
    case = open_case(agent)
    clock.advance(timedelta(days=2))
    shown = client.get(f"{CASES}/{case['id']}", headers=as_(agent)).get_json()
    assert shown["clocks"][0]["overdue"] is True and shown["clocks"][0]["met"] is False
    assert shown["overdue"] is True


# --- access -------------------------------------------------------------------------------------


def test_an_agent_can_not_see_another_agents_case(client, open_case, agent, make, branch):
    other = make.staff(role="agent", branch=branch)
    case = open_case(agent)
    response = client.get(f"{CASES}/{case['id']}", headers=as_(other))
    assert response.status_code == 403
    assert post(client, other, f"/{case['id']}/resolve").status_code == 403
    assert client.get(CASES, headers=as_(other)).get_json()["total"] == 0


def test_the_handler_sees_the_case_they_handle(client, open_case, agent, supervisor, make, branch):
    handler = make.staff(role="agent", branch=branch)
    case = open_case(agent)
    post(client, supervisor, f"/{case['id']}/assign", {"handler_id": handler.id})
    assert client.get(f"{CASES}/{case['id']}", headers=as_(handler)).status_code == 200
    assert [c["id"] for c in client.get(CASES, headers=as_(handler)).get_json()["items"]] == [case["id"]]


def test_a_supervisor_sees_their_branch_and_not_another(client, open_case, agent, supervisor, make):
    elsewhere = make.staff(role="supervisor", branch=make.branch())
    case = open_case(agent)
    assert client.get(f"{CASES}/{case['id']}", headers=as_(supervisor)).status_code == 200
    assert client.get(f"{CASES}/{case['id']}", headers=as_(elsewhere)).status_code == 403
    assert client.get(CASES, headers=as_(elsewhere)).get_json()["total"] == 0


def test_an_unknown_case_is_404(client, agent):
    assert client.get(f"{CASES}/99999", headers=as_(agent)).status_code == 404


def test_cases_need_a_signed_in_caller(client):
    assert client.get(CASES, headers=as_(None)).status_code == 401


# --- list filters -------------------------------------------------------------------------------


def test_the_list_filters_by_kind_status_owner_overdue_and_due_before(client, open_case, agent, admin, make, clock):
    colleague = make.staff(role="agent", branch=agent.branch)
    inquiry = open_case(agent)
    email = open_case(colleague, kind="email_inquiry", channel="email")
    clock.advance(timedelta(days=1, hours=1))  # Tue 11:00: the inquiry is late, the e-mail not yet

    def ids(**query):
        response = client.get(CASES, query_string=query, headers=as_(admin))
        assert response.status_code == 200, response.get_json()
        return [c["id"] for c in response.get_json()["items"]]

    assert ids(kind="email_inquiry") == [email["id"]]
    assert ids(owner_id=agent.id) == [inquiry["id"]]
    assert ids(overdue="true") == [inquiry["id"]]
    assert ids(overdue="false") == [email["id"]]
    assert ids(due_before="2026-11-25T00:00:00+08:00") == [inquiry["id"]]
    assert ids(status="new") == [email["id"], inquiry["id"]]
    assert ids(status="resolved") == []


def test_a_list_filter_with_a_bad_value_is_422(client, agent):
    response = client.get(CASES, query_string={"due_before": "tomorrow"}, headers=as_(agent))
    assert response.status_code == 422
    assert "due_before" in response.get_json()["error"]["fields"]


# --- actions ------------------------------------------------------------------------------------


def test_recusal_refuses_the_person_complained_about_and_keeps_the_handler(
    client, open_case, agent, supervisor, make, branch
):
    accused = make.staff(role="agent", branch=branch)
    handler = make.staff(role="agent", branch=branch)
    case = open_case(agent, kind="complaint", complained_staff_id=accused.id)
    assert post(client, supervisor, f"/{case['id']}/assign", {"handler_id": handler.id}).status_code == 200
    response = post(client, supervisor, f"/{case['id']}/assign", {"handler_id": accused.id})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"
    assert client.get(f"{CASES}/{case['id']}", headers=as_(supervisor)).get_json()["handler"]["id"] == handler.id


def test_hand_off_keeps_a_named_owner_and_records_from_and_to(client, open_case, agent, make, branch, db):
    colleague = make.staff(role="agent", branch=branch)
    case = open_case(agent)
    assert post(client, agent, f"/{case['id']}/hand-off", {"new_owner_id": None}).status_code == 422
    response = post(client, agent, f"/{case['id']}/hand-off", {"new_owner_id": colleague.id, "note": "转交"})
    assert response.status_code == 200
    shown = response.get_json()
    assert shown["owner"]["id"] == colleague.id
    assert shown["history"][-1]["detail"] == {"from": agent.id, "to": colleague.id, "note": "转交"}
    assert db.session.get(Case, case["id"]).owner_id == colleague.id


def test_a_reply_stops_the_clock_it_answers(client, open_case, agent):
    case = open_case(agent, kind="email_inquiry", channel="email")
    response = post(client, agent, f"/{case['id']}/reply", {"channel": "email", "text": "您好，已为您办理。"})
    assert response.status_code == 200
    shown = response.get_json()
    assert shown["status"] == "replied"
    assert shown["replies"][0]["text"] == "您好，已为您办理。"
    (resolution,) = shown["clocks"]
    assert resolution["met"] is True and resolution["next_action_at"] is None


def test_a_complaint_takes_no_reply_before_it_is_dispatched(client, open_case, agent):
    case = open_case(agent, kind="complaint")
    response = post(client, agent, f"/{case['id']}/reply", {"channel": "phone", "text": "我们会赔偿您"})
    assert response.status_code == 409
    assert client.get(f"{CASES}/{case['id']}", headers=as_(agent)).get_json()["replies"] == []


def test_the_whole_life_of_a_complaint(client, open_case, agent, supervisor, clock):
    case = open_case(agent, kind="complaint")
    path = f"/{case['id']}"
    assert post(client, supervisor, f"{path}/assign", {"handler_id": agent.id}).get_json()["status"] == "dispatched"
    assert post(client, agent, f"{path}/investigate").get_json()["status"] == "investigating"
    assert (
        post(client, agent, f"{path}/reply", {"channel": "phone", "text": "已处理"}).get_json()["status"] == "replied"
    )
    record = client.patch(f"{CASES}{path}/complaint", json=COMPLETE_RECORD, headers=as_(agent))
    assert record.status_code == 200 and record.get_json()["complaint"]["missing"] == []
    resolved = post(client, supervisor, f"{path}/resolve", {"note": "客户满意"}).get_json()
    assert resolved["status"] == "resolved" and all(c["met"] for c in resolved["clocks"])
    closed = post(client, supervisor, f"{path}/close").get_json()
    assert closed["status"] == "closed"
    decisions = [(d["action"], d["by"]["id"]) for d in closed["complaint"]["decisions"]]
    assert decisions == [
        ("opened", agent.id),
        ("assigned", supervisor.id),
        ("resolved", supervisor.id),
        ("closed", supervisor.id),
    ]
    clock.advance(timedelta(hours=1))
    reopened = post(client, supervisor, f"{path}/reopen", {"reason": "回访不满意"}).get_json()
    assert (reopened["status"], reopened["reopened_count"]) == ("reopened", 1)
    restarted = {c["clock"]: c for c in reopened["clocks"]}
    assert restarted["resolution"]["met_at"] is None
    assert restarted["resolution"]["started_at"] == clock.at.isoformat()
    assert restarted["dispatch"]["met"] is True


def test_an_illegal_transition_is_409_and_changes_nothing(client, open_case, agent):
    case = open_case(agent)
    response = post(client, agent, f"/{case['id']}/close")
    assert response.status_code == 409
    assert client.get(f"{CASES}/{case['id']}", headers=as_(agent)).get_json()["status"] == "new"


def test_reopen_needs_a_reason(client, open_case, agent):
    case = open_case(agent)
    post(client, agent, f"/{case['id']}/resolve")
    response = post(client, agent, f"/{case['id']}/reopen", {})
    assert response.status_code == 422
    assert "reason" in response.get_json()["error"]["fields"]


# --- cases follow the branch (issue 9 item 1) ----------------------------------------------------


def test_an_agent_may_not_open_a_case_on_another_branchs_customer(client, make, agent, db):
    theirs = make.customer(branch=make.branch(), is_vip=True)
    body = {"kind": "inquiry", "channel": "phone", "subject": "问题", "customer_id": theirs.id}
    response = client.post(CASES, json=body, headers=as_(agent))
    assert response.status_code == 403
    assert "is_vip" not in response.get_json()
    assert db.session.query(Case).count() == 0


def test_a_case_is_never_handed_to_nor_assigned_staff_of_another_branch(client, open_case, agent, supervisor, make):
    case = open_case(agent)
    stranger = make.staff(role="agent", branch=make.branch())
    hand_off = post(client, agent, f"/{case['id']}/hand-off", {"new_owner_id": stranger.id})
    assign = post(client, supervisor, f"/{case['id']}/assign", {"handler_id": stranger.id})
    assert (hand_off.status_code, list(hand_off.get_json()["error"]["fields"])) == (422, ["new_owner_id"])
    assert (assign.status_code, list(assign.get_json()["error"]["fields"])) == (422, ["handler_id"])
    assert client.get(f"{CASES}/{case['id']}", headers=as_(stranger)).status_code == 403


def test_only_an_admin_moves_a_case_with_an_owner_of_the_new_branch(client, open_case, agent, supervisor, admin, make):
    case = open_case(agent)
    elsewhere = make.branch()
    new_owner = make.staff(role="agent", branch=elsewhere)
    move = {"branch_id": elsewhere.id, "new_owner_id": new_owner.id}
    assert post(client, supervisor, f"/{case['id']}/move", move).status_code == 403
    assert post(client, admin, f"/{case['id']}/move", {"branch_id": elsewhere.id}).status_code == 422
    response = post(client, admin, f"/{case['id']}/move", move)
    assert response.status_code == 200
    moved = response.get_json()
    assert (moved["branch_id"], moved["owner"]["id"], moved["history"][-1]["action"]) == (
        elsewhere.id,
        new_owner.id,
        "moved",
    )
    assert client.get(f"{CASES}/{case['id']}", headers=as_(new_owner)).status_code == 200
    assert client.get(f"{CASES}/{case['id']}", headers=as_(supervisor)).status_code == 403


# --- the caller's number in a field of its own (issue 9 item 2) --------------------------------------


def test_the_callers_number_is_masked_like_a_customers_phone(client, db, make, branch, agent, supervisor):
    colleague = make.staff(role="agent", branch=branch)
    customer = make.customer(manager=colleague, phones=("13800138000",))
    case = Case(
        kind="inquiry",
        channel="ivr",
        subject="来电留言",
        customer_id=customer.id,
        branch_id=branch.id,
        owner_id=agent.id,
        caller_number="+8613800138000",
    )
    db.session.add(case)
    db.session.commit()
    shown = {
        who.id: client.get(f"{CASES}/{case.id}", headers=as_(who)).get_json()["caller_number"]
        for who in (agent, supervisor)
    }
    assert shown == {agent.id: "138****8000", supervisor.id: "+8613800138000"}
    listed = client.get(CASES, headers=as_(agent)).get_json()["items"]
    assert [item["caller_number"] for item in listed] == ["138****8000"]
