from crm.models import Branch


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
    from tests.conftest import auth

    response = client.get("/api/v1/staff/me", headers=auth(agent))
    assert response.status_code == 200
    assert response.get_json()["softphone_identity"] == f"agent-{agent.job_no}"


def test_openapi_lists_routes(client):
    spec = client.get("/api/openapi.json").get_json()
    assert "/api/v1/staff/me" in spec["paths"]
