"""/api/v1/work-logs: the manager's remarks, the supervisor's list and review (once)."""

from datetime import date

from crm.services.activity import work_logs
from tests.api.identity import as_

LOGS = "/api/v1/work-logs"


def generated(db, day=date(2026, 11, 27)):
    work_logs.generate(db.session, day)
    db.session.commit()


def test_the_manager_writes_remarks_and_the_supervisor_reviews_once(client, db, agent, supervisor):
    generated(db)
    listed = client.get(LOGS, query_string={"kind": "weekly", "reviewed": "false"}, headers=as_(supervisor))
    [weekly] = listed.get_json()["items"]
    assert (weekly["staff"]["id"], weekly["period_start"], weekly["period_end"]) == (
        agent.id,
        "2026-11-23",
        "2026-11-27",
    )
    url = f"{LOGS}/{weekly['id']}"
    assert client.patch(url, json={"remarks": "本周重点客户回访"}, headers=as_(supervisor)).status_code == 403
    written = client.patch(url, json={"remarks": "本周重点客户回访"}, headers=as_(agent))
    assert (written.status_code, written.get_json()["remarks"]) == (200, "本周重点客户回访")
    assert client.post(f"{url}/review", json={"comment": "好"}, headers=as_(agent)).status_code == 403
    reviewed = client.post(f"{url}/review", json={"comment": "继续保持"}, headers=as_(supervisor))
    assert reviewed.status_code == 200
    assert (reviewed.get_json()["review_comment"], reviewed.get_json()["reviewed_by_id"]) == ("继续保持", supervisor.id)
    again = client.post(f"{url}/review", json={"comment": "再看"}, headers=as_(supervisor))
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "conflict")
    unreviewed = client.get(LOGS, query_string={"reviewed": "false"}, headers=as_(supervisor)).get_json()
    assert [log["kind"] for log in unreviewed["items"]] == ["daily"]


def test_a_supervisor_of_another_branch_sees_none_of_them(client, db, make, agent):
    generated(db)
    outsider = make.staff(role="supervisor", branch=make.branch())
    assert client.get(LOGS, headers=as_(outsider)).get_json()["total"] == 0
    mine = client.get(LOGS, query_string={"from": "2026-11-27", "to": "2026-11-27"}, headers=as_(agent)).get_json()
    assert [log["kind"] for log in mine["items"]] == ["daily"]
    assert client.get(f"{LOGS}/{mine['items'][0]['id']}", headers=as_(outsider)).status_code == 403
