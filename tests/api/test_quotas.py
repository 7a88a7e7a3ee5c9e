"""/api/v1/quotas and /api/v1/attainment: who sets targets, history kept, attainment within one's reach."""

from datetime import date

from sqlalchemy import func, select

from crm.models import QuotaTarget
from tests.api.identity import as_

QUOTAS = "/api/v1/quotas"
ATTAINMENT = "/api/v1/attainment"


def set_quota(client, who, **body):
    return client.post(QUOTAS, json={"kind": "contact_calls", "period": "day", "target": 12, **body}, headers=as_(who))


def test_a_supervisor_sets_a_managers_target_and_a_change_keeps_the_old_row(client, db, supervisor, agent, clock):
    created = set_quota(client, supervisor, staff_id=agent.id)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["scope"], body["staff_id"], body["valid_from"], body["valid_to"]) == (
        "personal",
        agent.id,
        "2026-11-23",
        None,
    )
    changed = client.patch(f"{QUOTAS}/{body['id']}", json={"target": 15}, headers=as_(supervisor))
    assert changed.status_code == 200 and changed.get_json()["target"] == 15
    old = client.get(f"{QUOTAS}/{body['id']}", headers=as_(agent)).get_json()
    assert (old["target"], old["valid_to"]) == (12, "2026-11-23")
    assert db.session.scalar(select(func.count()).select_from(QuotaTarget)) == 2
    listed = client.get(QUOTAS, query_string={"in_force": "true"}, headers=as_(agent)).get_json()
    assert [row["target"] for row in listed["items"]] == [15]


def test_who_may_set_which_target(client, make, branch, supervisor, agent, admin, clock):
    other_branch = make.branch()
    assert set_quota(client, agent, staff_id=agent.id).status_code == 403
    assert set_quota(client, supervisor, branch_id=other_branch.id).status_code == 403
    assert set_quota(client, supervisor).status_code == 403  # the installation default is the admins'
    assert set_quota(client, supervisor, branch_id=branch.id).status_code == 201
    assert set_quota(client, admin).status_code == 201
    past = set_quota(client, admin, valid_from="2026-11-01")
    assert (past.status_code, list(past.get_json()["error"]["fields"])) == (422, ["valid_from"])


def test_ending_a_target_keeps_it_for_the_past_and_a_change_after_that_is_409(client, supervisor, agent, clock):
    quota_id = set_quota(client, supervisor, staff_id=agent.id).get_json()["id"]
    ended = client.delete(f"{QUOTAS}/{quota_id}", headers=as_(supervisor))
    assert (ended.status_code, ended.get_json()["valid_to"]) == (200, "2026-11-23")
    assert client.patch(f"{QUOTAS}/{quota_id}", json={"target": 3}, headers=as_(supervisor)).status_code == 409


def test_attainment_for_an_agent_is_their_own(client, make, branch, agent, supervisor, admin, clock):
    colleague = make.staff(role="agent", branch=branch)
    set_quota(client, admin, target=10)
    mine = client.get(ATTAINMENT, query_string={"period": "week", "on": "2026-11-25"}, headers=as_(agent))
    assert mine.status_code == 200
    body = mine.get_json()
    assert body["period"] == {"start": "2026-11-23", "end": "2026-11-29"}
    assert {row["staff_id"] for row in body["rows"]} == {agent.id}
    contact = next(row for row in body["rows"] if row["kind"] == "contact_calls")
    assert (contact["done"], contact["target"], contact["ratio"]) == (0, 50, 0.0)
    theirs = client.get(ATTAINMENT, query_string={"staff_id": colleague.id}, headers=as_(agent))
    assert theirs.status_code == 403
    team = client.get(ATTAINMENT, query_string={"group": "team"}, headers=as_(supervisor)).get_json()
    assert {row["branch_id"] for row in team["rows"]} == {branch.id}
    other = client.get(ATTAINMENT, query_string={"branch_id": make.branch().id}, headers=as_(supervisor))
    assert other.status_code == 403


def test_a_date_range_is_checked(client, agent):
    reversed_range = {"start": "2026-11-30", "end": "2026-11-01"}
    assert client.get(ATTAINMENT, query_string=reversed_range, headers=as_(agent)).status_code == 422
    one_end = client.get(ATTAINMENT, query_string={"start": "2026-11-01"}, headers=as_(agent))
    assert one_end.status_code == 422
    ranged = client.get(ATTAINMENT, query_string={"start": "2026-11-01", "end": "2026-11-30"}, headers=as_(agent))
    assert ranged.get_json()["period"] == {"start": "2026-11-01", "end": "2026-11-30"}
    assert date.fromisoformat(ranged.get_json()["period"]["end"]).day == 30
