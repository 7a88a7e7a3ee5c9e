from datetime import timedelta

from crm.models import Branch
from crm.services.cases.escalation import sweep
from crm.services.cases.ladder_health import record_heartbeat
from tests.case_factories import OPENED, CaseFactory
from tests.conftest import auth


def test_healthz_reports_database_and_queue(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["database"]["ok"] is True
    assert body["queue"]["ok"] is True
    assert set(body["queue"]["queues"]) == {"default", "telephony", "reports"}


def test_unknown_api_route_is_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_factories_write_rows(make, db):
    make.branch(code="SH01")
    assert db.session.query(Branch).filter_by(code="SH01").count() == 1


def test_me_needs_a_token(client):
    response = client.get("/api/v1/staff/me")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_me_with_a_token(client, agent):
    response = client.get("/api/v1/staff/me", headers=auth(agent))
    assert response.status_code == 200
    assert response.get_json()["softphone_identity"] == f"agent-{agent.job_no}"


def test_openapi_lists_routes(client):
    spec = client.get("/api/openapi.json").get_json()
    assert "/api/v1/staff/me" in spec["paths"]


# --- the escalation ladder (issue 14): a stalled scheduler or sweep turns /healthz 503 ---------------


def beat(db, at):
    record_heartbeat(db.session, at)
    db.session.commit()


def test_a_fresh_install_whose_scheduler_never_ran_is_healthy(client, clock):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["reasons"] == []
    assert body["scheduler"]["last_heartbeat"] is None
    assert body["overdue_steps"]["count"] == 0


def test_healthz_is_503_when_the_scheduler_heartbeat_is_older_than_its_limit(app, client, db, clock):
    beat(db, clock.at - timedelta(seconds=app.config["HEARTBEAT_MAX_AGE"]))
    assert client.get("/healthz").status_code == 200

    clock.advance(timedelta(seconds=1))
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["reasons"] == ["scheduler heartbeat is 181 s old (limit 180 s)"]
    assert body["scheduler"]["last_heartbeat"] == (clock.at - timedelta(seconds=181)).isoformat()


def test_healthz_is_503_when_a_step_is_overdue_longer_than_its_limit(app, client, db, clock, agent):
    case = CaseFactory(db.session).case(agent, opened_at=OPENED)
    due = case.deadlines[0].next_action_at  # the reminder of the reply clock
    clock.set(due + timedelta(seconds=app.config["OVERDUE_MAX_AGE"]))
    beat(db, clock.at)
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["overdue_steps"]["count"] == 1

    clock.advance(timedelta(seconds=1))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["reasons"] == ["an escalation step is overdue by 301 s (limit 300 s)"]
    assert response.get_json()["overdue_steps"]["oldest_due_at"] == due.isoformat()

    sweep(db.session, clock.at)  # the sweep takes the step: healthy again
    db.session.commit()
    assert client.get("/healthz").status_code == 200


def test_admins_see_the_ladder_as_healthz_does(client, db, clock, admin):
    beat(db, clock.at - timedelta(minutes=10))
    body = client.get("/api/v1/admin/jobs", headers=auth(admin)).get_json()
    assert body["ladder"]["ok"] is False
    assert body["ladder"]["problems"] == ["scheduler heartbeat is 600 s old (limit 180 s)"]
    assert body["ladder"]["scheduler"]["age_seconds"] == 600
    assert body["workers"] == 0
