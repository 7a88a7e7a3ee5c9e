"""Reads remember whose a token is for at most a second per process (``credential_cache``, issue 13):
a token revoked in another process stops working within that second, an expired one at once, and a
write always asks the database.

"Another process" is a second app instance on the same database: each app keeps its own cache, and
a revocation through one is told to the other by nothing but the database.
"""

from datetime import timedelta

import pytest
from sqlalchemy import event

from crm import create_app
from crm.config import Config
from crm.services.org import credential_cache, credentials
from tests.api.identity import as_

LOOKUP = "/api/v1/customers/lookup"
PHONE = {"phone": "13800138000"}
SHARED = ("SQLALCHEMY_DATABASE_URI", "REDIS_URL", "SECRET_KEY", "TWILIO_AUTH_TOKEN", "DOCUMENT_DIR", "REPORT_DIR")


@pytest.fixture(scope="module")
def other_process(app):
    """A second app on the same database, as another gunicorn worker would be."""
    return create_app(Config(TESTING=True, **{name: app.config[name] for name in SHARED}))


@pytest.fixture
def ticks(monkeypatch):
    """The cache's monotonic clock, moved by hand."""
    now = [1000.0]
    monkeypatch.setattr(credential_cache, "monotonic", lambda: now[0])
    return now


@pytest.fixture
def caller(make, agent):
    return make.customer(manager=agent, phones=("13800138000",))


def _pop(client, agent):
    return client.get(LOOKUP, query_string=PHONE, headers=as_(agent)).status_code


def _revoke_elsewhere(other_process, agent):
    """The agent revokes their token through the other app (the API's own revocation)."""
    with other_process.test_client() as other:
        headers = {"Authorization": f"Bearer {agent.token}"}
        tokens = other.get(f"/api/v1/staff/{agent.id}/tokens", headers=headers).get_json()
        assert other.delete(f"/api/v1/staff/{agent.id}/tokens/{tokens[0]['id']}", headers=headers).status_code == 204


def test_a_token_revoked_in_another_process_stops_working_within_a_second(client, other_process, ticks, agent, caller):
    assert _pop(client, agent) == 200
    _revoke_elsewhere(other_process, agent)
    ticks[0] += 0.5
    assert _pop(client, agent) == 200  # still remembered here: at most one second
    ticks[0] += 0.5
    assert _pop(client, agent) == 401
    ticks[0] += 5
    assert _pop(client, agent) == 401  # a refused token is asked again, never remembered


def test_deactivation_in_another_process_ends_the_token_within_a_second(
    client, other_process, ticks, agent, admin, caller
):
    assert _pop(client, agent) == 200
    with other_process.test_client() as other:
        response = other.patch(
            f"/api/v1/staff/{agent.id}", json={"is_active": False}, headers={"Authorization": f"Bearer {admin.token}"}
        )
        assert response.status_code == 200, response.get_json()
    ticks[0] += 1.0
    assert _pop(client, agent) == 401


def test_a_write_asks_the_database_whatever_is_remembered(client, other_process, ticks, agent, caller):
    assert _pop(client, agent) == 200
    _revoke_elsewhere(other_process, agent)
    response = client.post("/api/v1/customers", json={"name": "x"}, headers=as_(agent))
    assert response.status_code == 401


def test_an_expired_token_stops_at_once_even_when_remembered(client, clock, ticks, agent, caller):
    assert _pop(client, agent) == 200
    clock.advance(timedelta(days=31))
    assert _pop(client, agent) == 401


def test_a_token_revoked_in_this_process_stops_at_once(client, ticks, agent, caller):
    assert _pop(client, agent) == 200
    tokens = client.get(f"/api/v1/staff/{agent.id}/tokens", headers=as_(agent)).get_json()
    assert client.delete(f"/api/v1/staff/{agent.id}/tokens/{tokens[0]['id']}", headers=as_(agent)).status_code == 204
    assert _pop(client, agent) == 401


def test_a_remembered_caller_is_read_fresh_beyond_id_role_and_branch(client, other_process, ticks, agent, caller):
    """The card names the caller's own staff data from the database, not from the cache."""
    assert _pop(client, agent) == 200
    with other_process.test_client() as other:
        headers = {"Authorization": f"Bearer {agent.token}"}
        assert other.get("/api/v1/staff/me", headers=headers).get_json()["name"] == agent.name
    me = client.get("/api/v1/staff/me", headers=as_(agent))
    assert me.status_code == 200 and me.get_json()["job_no"] == agent.job_no


def _statements_of(engine, ask):
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        return ask(), statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def test_a_remembered_viewer_comes_without_a_query_or_a_staff_object(db, ticks, agent):
    """``viewer_for`` (the screen pop's lane): what the access rules read of the caller, from the cache
    for a second, then from the database again."""
    ask = lambda: credentials.viewer_for(db.session, agent.token, "api")  # noqa: E731
    ask()
    db.session.expunge_all()
    viewer, statements = _statements_of(db.engine, ask)
    assert (viewer.id, viewer.role, viewer.branch_id) == (agent.id, "agent", agent.branch_id)
    assert statements == [] and len(db.session.identity_map) == 0
    ticks[0] += 1.0
    viewer, statements = _statements_of(db.engine, ask)
    assert viewer.id == agent.id and len(statements) == 1
