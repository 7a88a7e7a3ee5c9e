"""Staff and branches through the API (DOMAIN §1)."""

import pytest

from crm.models import Branch, Staff
from crm.services.cases import workflow
from crm.services.org.duty import Roster
from tests.api.identity import as_

STAFF = "/api/v1/staff"
BRANCHES = "/api/v1/branches"


def job_nos(response):
    return sorted(member["job_no"] for member in response.get_json()["items"])


def test_a_supervisor_lists_their_branch_and_an_admin_everyone(client, make, branch, agent, supervisor, admin):
    elsewhere = make.staff(role="agent", branch=make.branch())
    assert job_nos(client.get(STAFF, headers=as_(supervisor))) == sorted([agent.job_no, supervisor.job_no])
    assert job_nos(client.get(STAFF, headers=as_(admin))) == sorted(
        [agent.job_no, supervisor.job_no, admin.job_no, elsewhere.job_no]
    )


def test_staff_filter_by_role_branch_and_active(client, db, make, branch, agent, supervisor, admin):
    retired = make.staff(role="agent", branch=branch)
    retired.is_active = False
    db.session.commit()
    agents = client.get(STAFF, query_string={"role": "agent"}, headers=as_(admin))
    assert job_nos(agents) == sorted([agent.job_no, retired.job_no])
    inactive = client.get(STAFF, query_string={"active": "false", "branch_id": branch.id}, headers=as_(supervisor))
    assert job_nos(inactive) == [retired.job_no]


def test_listing_staff_is_for_supervisors_and_admins(client, agent):
    assert client.get(STAFF, headers=as_(agent)).status_code == 403
    assert client.get(STAFF, headers=as_()).status_code == 401
    assert client.get(STAFF, query_string={"role": "boss"}, headers=as_(agent)).status_code == 403


def test_a_bad_staff_filter_is_422(client, admin):
    response = client.get(STAFF, query_string={"role": "boss"}, headers=as_(admin))
    assert (response.status_code, list(response.get_json()["error"]["fields"])) == (422, ["role"])


def test_an_admin_adds_a_staff_member_and_sees_the_token_once(client, db, branch, admin):
    body = {"job_no": "9101", "name": "王经理", "role": "agent", "branch_id": branch.id, "phone": "138 0013 8001"}
    response = client.post(STAFF, json=body, headers=as_(admin))
    assert response.status_code == 201
    created = response.get_json()
    assert (created["job_no"], created["branch"]["code"], created["phone"]) == ("9101", branch.code, "+8613800138001")
    assert created["softphone_identity"] == "agent-9101"
    token = created.pop("api_token")
    me = client.get(f"{STAFF}/me", headers=(as_() | {"Authorization": f"Bearer {token}"}))
    assert me.get_json()["id"] == created["id"]
    assert "api_token" not in client.get(f"{STAFF}/{created['id']}", headers=as_(admin)).get_json()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"role": "boss"}, "role"),
        ({"name": ""}, "name"),
        ({"branch_id": None}, "branch"),
        ({"branch_id": 999999}, "branch_id"),
        ({"phone": "12"}, "phone"),
        ({"email": "not-an-address"}, "email"),
    ],
)
def test_adding_a_staff_member_with_bad_input_is_422(client, db, branch, admin, changes, field):
    body = {"job_no": "9102", "name": "李经理", "role": "agent", "branch_id": branch.id, **changes}
    response = client.post(STAFF, json=body, headers=as_(admin))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert db.session.query(Staff).filter_by(job_no="9102").count() == 0


def test_a_taken_job_number_is_409(client, branch, agent, admin):
    body = {"job_no": agent.job_no, "name": "重复", "role": "agent", "branch_id": branch.id}
    assert client.post(STAFF, json=body, headers=as_(admin)).status_code == 409


def test_only_admins_add_staff(client, branch, supervisor):
    body = {"job_no": "9103", "name": "张", "role": "agent", "branch_id": branch.id}
    assert client.post(STAFF, json=body, headers=as_(supervisor)).status_code == 403


def test_who_may_see_a_staff_member(client, make, branch, agent, supervisor, admin):
    colleague = make.staff(role="agent", branch=branch)
    other_supervisor = make.staff(role="supervisor", branch=make.branch())
    assert client.get(f"{STAFF}/{agent.id}", headers=as_(agent)).get_json()["job_no"] == agent.job_no
    assert client.get(f"{STAFF}/{agent.id}", headers=as_(supervisor)).status_code == 200
    assert client.get(f"{STAFF}/{agent.id}", headers=as_(admin)).status_code == 200
    assert client.get(f"{STAFF}/{agent.id}", headers=as_(colleague)).status_code == 403
    assert client.get(f"{STAFF}/{agent.id}", headers=as_(other_supervisor)).status_code == 403
    assert client.get(f"{STAFF}/999999", headers=as_(admin)).status_code == 404
    assert client.get(f"{STAFF}/{agent.id}", headers=as_()).status_code == 401


def test_an_admin_moves_promotes_and_deactivates_a_staff_member(client, make, agent, admin):
    other_branch = make.branch()
    changes = {"name": "新名字", "role": "supervisor", "branch_id": other_branch.id, "phone": "13800138002"}
    response = client.patch(f"{STAFF}/{agent.id}", json=changes, headers=as_(admin))
    assert response.status_code == 200
    body = response.get_json()
    assert (body["name"], body["role"], body["branch"]["id"], body["phone"]) == (
        "新名字",
        "supervisor",
        other_branch.id,
        "+8613800138002",
    )
    assert (
        client.patch(f"{STAFF}/{agent.id}", json={"is_active": False}, headers=as_(admin)).get_json()["is_active"]
        is False
    )
    assert client.get(f"{STAFF}/me", headers=as_(agent)).status_code == 401


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"role": "boss"}, "role"), ({"branch_id": None}, "branch_id"), ({"branch_id": 999999}, "branch_id")],
)
def test_a_bad_staff_change_is_422_and_changes_nothing(client, agent, admin, changes, field):
    response = client.patch(f"{STAFF}/{agent.id}", json=changes, headers=as_(admin))
    assert (response.status_code, list(response.get_json()["error"]["fields"])) == (422, [field])
    assert client.get(f"{STAFF}/{agent.id}", headers=as_(admin)).get_json()["branch"]["id"] == agent.branch_id


def test_only_admins_change_staff(client, agent, supervisor, admin):
    assert client.patch(f"{STAFF}/{agent.id}", json={"name": "x"}, headers=as_(supervisor)).status_code == 403
    assert client.patch(f"{STAFF}/{agent.id}", json={"name": "x"}, headers=as_(agent)).status_code == 403
    assert client.patch(f"{STAFF}/999999", json={"name": "x"}, headers=as_(admin)).status_code == 404


def test_everyone_lists_branches(client, make, branch, agent):
    second = make.branch(code="ZZ9")
    response = client.get(BRANCHES, headers=as_(agent))
    assert response.status_code == 200
    assert [b["code"] for b in response.get_json()] == sorted([branch.code, second.code])
    assert client.get(BRANCHES, headers=as_()).status_code == 401


def test_an_admin_adds_a_branch(client, db, admin):
    body = {"code": "SZ01", "name": "深圳营业部", "hotline": "+8675595500"}
    response = client.post(BRANCHES, json=body, headers=as_(admin))
    assert response.status_code == 201
    assert response.get_json()["name"] == "深圳营业部"
    assert db.session.query(Branch).filter_by(code="SZ01").one().hotline == "+8675595500"


def test_adding_a_branch_checks_input_uniqueness_and_role(client, branch, supervisor, admin):
    missing = client.post(BRANCHES, json={"code": "X1"}, headers=as_(admin))
    assert (missing.status_code, list(missing.get_json()["error"]["fields"])) == (422, ["name"])
    assert client.post(BRANCHES, json={"code": branch.code, "name": "重复"}, headers=as_(admin)).status_code == 409
    assert client.post(BRANCHES, json={"code": "X2", "name": "某"}, headers=as_(supervisor)).status_code == 403


def test_an_admin_sets_an_agents_own_supervisor_and_the_overdue_notice_goes_to_them(
    client, db, make, branch, agent, supervisor, admin
):
    make.staff(role="supervisor", branch=branch)  # a colleague who would otherwise be told as well
    response = client.patch(f"{STAFF}/{agent.id}", json={"supervisor_id": supervisor.id}, headers=as_(admin))
    assert response.status_code == 200
    assert (response.get_json()["supervisor_id"], response.get_json()["presence"]) == (supervisor.id, "offline")
    assert Roster(db.session).supervisors_of(agent, agent.branch_id) == [supervisor]


def test_a_supervisor_puts_themself_on_duty_and_complaint_pages_go_to_them_alone(
    client, db, make, branch, agent, supervisor
):
    make.staff(role="supervisor", branch=branch)
    response = client.patch(f"{STAFF}/{supervisor.id}", json={"on_duty": True}, headers=as_(supervisor))
    assert (response.status_code, response.get_json()["on_duty"]) == (200, True)
    assert Roster(db.session).on_duty(agent.branch_id) == [supervisor]


def test_a_supervisor_sets_a_colleague_of_their_branch_on_and_off_duty(client, make, branch, supervisor, admin):
    colleague = make.staff(role="supervisor", branch=branch)
    for on_duty in (True, False):
        response = client.patch(f"{STAFF}/{colleague.id}", json={"on_duty": on_duty}, headers=as_(supervisor))
        assert (response.status_code, response.get_json()["on_duty"]) == (200, on_duty)
    assert client.get(f"{STAFF}/{colleague.id}", headers=as_(admin)).get_json()["on_duty"] is False


@pytest.mark.parametrize(
    ("who", "changes"),
    [
        ("supervisor elsewhere", {"on_duty": True}),
        ("supervisor", {"on_duty": True, "name": "改名"}),
        ("supervisor", {"supervisor_id": None}),
        ("agent", {"on_duty": True}),
    ],
)
def test_a_supervisor_may_only_set_duty_in_their_own_branch_and_an_agent_not_at_all(
    client, make, agent, supervisor, admin, who, changes
):
    actor = {"supervisor": supervisor, "agent": agent}.get(who) or make.staff(role="supervisor", branch=make.branch())
    target = make.staff(role="supervisor", branch=agent.branch)
    response = client.patch(f"{STAFF}/{target.id}", json=changes, headers=as_(actor))
    assert response.status_code == 403
    assert client.get(f"{STAFF}/{target.id}", headers=as_(admin)).get_json()["on_duty"] is False


@pytest.mark.parametrize("who", ["an agent", "a supervisor elsewhere", "a retired supervisor", "nobody", "themself"])
def test_ones_own_supervisor_must_be_an_active_supervisor_of_the_branch(
    client, db, make, branch, supervisor, admin, who
):
    target = make.staff(role="supervisor", branch=branch)
    retired = make.staff(role="supervisor", branch=branch)
    retired.is_active = False
    db.session.commit()
    chosen = {
        "an agent": lambda: make.staff(role="agent", branch=branch).id,
        "a supervisor elsewhere": lambda: make.staff(role="supervisor", branch=make.branch()).id,
        "a retired supervisor": lambda: retired.id,
        "nobody": lambda: 999999,
        "themself": lambda: target.id,
    }[who]()
    response = client.patch(f"{STAFF}/{target.id}", json={"supervisor_id": chosen, "on_duty": True}, headers=as_(admin))
    assert (response.status_code, list(response.get_json()["error"]["fields"])) == (422, ["supervisor_id"])
    unchanged = client.get(f"{STAFF}/{target.id}", headers=as_(admin)).get_json()
    assert (unchanged["supervisor_id"], unchanged["on_duty"]) == (None, False)


def test_moving_a_staff_member_away_from_their_supervisors_branch_is_422_unless_the_supervisor_changes_too(
    client, make, agent, supervisor, admin
):
    client.patch(f"{STAFF}/{agent.id}", json={"supervisor_id": supervisor.id}, headers=as_(admin))
    elsewhere = make.branch()
    moved = client.patch(f"{STAFF}/{agent.id}", json={"branch_id": elsewhere.id}, headers=as_(admin))
    assert (moved.status_code, list(moved.get_json()["error"]["fields"])) == (422, ["supervisor_id"])
    changes = {"branch_id": elsewhere.id, "supervisor_id": None}
    assert client.patch(f"{STAFF}/{agent.id}", json=changes, headers=as_(admin)).status_code == 200


# --- the last admin, and who is on duty (issue 9 item 6) ------------------------------------------


@pytest.mark.parametrize("changes", [{"role": "supervisor"}, {"is_active": False}])
def test_the_last_active_admin_can_not_be_demoted_or_deactivated(client, db, make, branch, admin, changes):
    changes = {**changes, "branch_id": branch.id} if "role" in changes else changes
    response = client.patch(f"{STAFF}/{admin.id}", json=changes, headers=as_(admin))
    assert response.status_code == 409
    assert "last active admin" in response.get_json()["error"]["message"]
    db.session.expire_all()
    assert (db.session.get(Staff, admin.id).role, db.session.get(Staff, admin.id).is_active) == ("admin", True)
    make.staff(role="admin")
    assert client.patch(f"{STAFF}/{admin.id}", json=changes, headers=as_(admin)).status_code == 200


def test_a_supervisor_puts_only_supervisors_on_duty(client, make, branch, agent, supervisor, admin):
    response = client.patch(f"{STAFF}/{agent.id}", json={"on_duty": True}, headers=as_(supervisor))
    assert (response.status_code, list(response.get_json()["error"]["fields"])) == (422, ["on_duty"])
    assert client.get(f"{STAFF}/{agent.id}", headers=as_(admin)).get_json()["on_duty"] is False


def test_a_staff_member_with_open_cases_moves_branch_only_once_they_are_handed_off(
    client, db, make, branch, agent, admin
):
    case = workflow.open_case(db.session, agent, {"kind": "inquiry", "channel": "phone", "subject": "咨询"})
    db.session.commit()
    move = {"branch_id": make.branch().id}
    refused = client.patch(f"{STAFF}/{agent.id}", json=move, headers=as_(admin))
    assert (refused.status_code, list(refused.get_json()["error"]["fields"])) == (409, ["branch_id"])
    workflow.hand_off(db.session, admin, case, make.staff(role="agent", branch=branch).id)
    db.session.commit()
    assert client.patch(f"{STAFF}/{agent.id}", json=move, headers=as_(admin)).status_code == 200
