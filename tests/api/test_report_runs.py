"""Report runs over HTTP: ask, follow, download (once done, the same file each time); who may; and the
daily risk-classification tables listed per day."""

from datetime import UTC, datetime

import pytest

from tests.api.identity import as_
from workers import reports
from workers.worker import EmbeddedWorker

RUNS = "/api/v1/reports/runs"


def _ask(client, who, **body):
    return client.post(RUNS, json={"kind": "risk_classification", **body}, headers=as_(who))


def test_a_supervisor_asks_follows_and_downloads_the_same_file_twice(app, client, make, supervisor, queue):
    make.customer(manager=make.staff(role="agent", branch=supervisor.branch), risk_tolerance="low")
    asked = _ask(client, supervisor, format="xlsx")
    assert asked.status_code == 202
    run = asked.json
    assert (run["state"], run["progress"], run["branch_id"]) == ("queued", 0, supervisor.branch_id)
    not_yet = client.get(f"{RUNS}/{run['id']}/file", headers=as_(supervisor))
    assert (not_yet.status_code, not_yet.json["error"]["code"]) == (409, "report_not_ready")

    EmbeddedWorker(["reports"], connection=queue, app=app).work(burst=True)

    followed = client.get(f"{RUNS}/{run['id']}", headers=as_(supervisor)).json
    assert (followed["state"], followed["progress"]) == ("done", 100)
    first = client.get(f"{RUNS}/{run['id']}/file", headers=as_(supervisor))
    second = client.get(f"{RUNS}/{run['id']}/file", headers=as_(supervisor))
    assert first.status_code == second.status_code == 200
    assert first.data == second.data and first.data.startswith(b"PK")  # an .xlsx is a zip
    assert first.headers["Content-Disposition"].endswith('.xlsx"')
    listed = client.get(RUNS, headers=as_(supervisor)).json
    assert [item["id"] for item in listed["items"]] == [run["id"]]


def test_agents_cannot_and_supervisors_only_for_their_branch(client, make, agent, supervisor, admin, queue):
    other = make.staff(role="supervisor", branch=make.branch())
    assert _ask(client, agent).status_code == 403
    assert _ask(client, supervisor, params={"branch_id": other.branch_id}).status_code == 403
    theirs = _ask(client, other).json

    assert client.get(f"{RUNS}/{theirs['id']}", headers=as_(supervisor)).status_code == 403
    assert client.get(f"{RUNS}/{theirs['id']}/file", headers=as_(supervisor)).status_code == 403
    assert client.get(RUNS, headers=as_(supervisor)).json["total"] == 0
    assert client.get(f"{RUNS}/{theirs['id']}", headers=as_(agent)).status_code == 403
    everyone = _ask(client, admin).json
    assert everyone["branch_id"] is None
    assert client.get(f"{RUNS}/{everyone['id']}", headers=as_(other)).status_code == 403
    assert client.get(RUNS, headers=as_(admin)).json["total"] == 2


@pytest.mark.parametrize(("params", "field"), [({"branch": 1}, "params"), ({"branch_id": "x"}, "params")])
def test_bad_params_are_refused(client, admin, queue, params, field):
    response = _ask(client, admin, params=params)
    assert response.status_code == 422 and field in response.json["error"]["fields"]


def test_the_days_tables_are_listed_the_supervisor_seeing_their_branch(client, make, supervisor, admin, clock, queue):
    make.branch()
    clock.set(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
    reports.produce_risk_tables()
    url = "/api/v1/reports/risk-classification"

    mine = client.get(url, headers=as_(supervisor)).json
    assert {(run["branch_id"], run["format"]) for run in mine} == {(supervisor.branch_id, f) for f in ("csv", "xlsx")}
    assert len(client.get(url, headers=as_(admin)).json) == 6  # two branches and all, two formats each
    assert client.get(url, query_string={"on": "2026-11-20"}, headers=as_(admin)).json == []
