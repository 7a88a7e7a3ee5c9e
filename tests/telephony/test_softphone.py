"""Browser softphone: the Voice token an agent gets, presence, and who routing may ring."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from crm.services.calls.presence import ready_agents, set_presence
from tests.conftest import auth


def decode(app, token):
    """The token's claims, its signature checked with the API secret (time checks off: the clock is frozen)."""
    return jwt.decode(
        token,
        app.config["TWILIO_API_SECRET"],
        algorithms=["HS256"],
        options={"verify_exp": False, "verify_nbf": False},
    )


def test_an_agent_gets_a_voice_token_for_their_softphone_identity(app, client, agent, clock):
    response = client.post("/api/v1/softphone/token", headers=auth(agent))

    assert response.status_code == 200
    body = response.get_json()
    assert body["identity"] == f"agent-{agent.job_no}"
    claims = decode(app, body["token"])
    assert claims["grants"]["identity"] == f"agent-{agent.job_no}"
    assert claims["grants"]["voice"] == {
        "incoming": {"allow": True},
        "outgoing": {"application_sid": app.config["TWILIO_TWIML_APP_SID"]},
    }
    assert claims["iss"] == app.config["TWILIO_API_KEY"]
    assert claims["sub"].startswith("AC")
    assert claims["exp"] - claims["nbf"] == 3600
    assert claims["nbf"] == int(clock.at.timestamp())
    assert datetime.fromisoformat(body["expires_at"]) == clock.at + timedelta(hours=1)


def test_the_token_lifetime_comes_from_configuration(app, client, agent, clock):
    app.config["SOFTPHONE_TOKEN_TTL"] = 600
    try:
        body = client.post("/api/v1/softphone/token", headers=auth(agent)).get_json()
    finally:
        app.config["SOFTPHONE_TOKEN_TTL"] = 3600
    claims = decode(app, body["token"])
    assert claims["exp"] - claims["nbf"] == 600


def test_a_token_signed_with_another_secret_does_not_verify(app, client, agent):
    token = client.post("/api/v1/softphone/token", headers=auth(agent)).get_json()["token"]
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "another-secret-of-at-least-32-bytes", algorithms=["HS256"], options={"verify_exp": False})


def test_a_token_needs_a_signed_in_staff_member(client, db):
    assert client.post("/api/v1/softphone/token").status_code == 401


def test_admins_carry_no_softphone(client, admin):
    assert client.post("/api/v1/softphone/token", headers=auth(admin)).status_code == 403


def test_an_agent_sets_their_own_presence(client, agent, clock, db):
    response = client.put("/api/v1/softphone/presence", json={"presence": "ready"}, headers=auth(agent))

    assert response.status_code == 200
    assert response.get_json()["presence"] == "ready"
    db.session.refresh(agent)
    assert agent.presence == "ready"
    assert agent.presence_changed_at == clock.at


def test_an_unknown_presence_is_refused_with_422(client, agent, db):
    response = client.put("/api/v1/softphone/presence", json={"presence": "napping"}, headers=auth(agent))

    assert response.status_code == 422
    assert "presence" in response.get_json()["error"]["fields"]
    db.session.refresh(agent)
    assert agent.presence == "offline"


def test_supervisors_see_their_branchs_presence_board_ready_first(client, make, branch, supervisor, db):
    make.staff(branch=branch, name="Away")
    set_presence(db.session, make.staff(branch=branch, name="Ready"), "ready")
    db.session.commit()

    response = client.get("/api/v1/softphone/agents", headers=auth(supervisor))

    assert response.status_code == 200
    board = [(row["name"], row["presence"]) for row in response.get_json()]
    assert board[0] == ("Ready", "ready")
    assert ("Away", "offline") in board


def test_a_supervisor_may_not_see_another_branchs_board(client, make, supervisor):
    other = make.branch()
    assert client.get(f"/api/v1/softphone/agents?branch_id={other.id}", headers=auth(supervisor)).status_code == 403


def test_agents_see_no_presence_board(client, agent):
    assert client.get("/api/v1/softphone/agents", headers=auth(agent)).status_code == 403


def test_ready_agents_puts_the_preferred_one_first_then_the_longest_ready(make, branch, db, clock):
    first, second, manager, offline = (make.staff(branch=branch) for _ in range(4))
    for minutes, person in ((0, first), (5, second), (9, manager)):
        set_presence(db.session, person, "ready", at=clock.at + timedelta(minutes=minutes))
    other_branch = make.staff(branch=make.branch())
    set_presence(db.session, other_branch, "ready")
    db.session.commit()

    assert ready_agents(db.session, branch.id) == [first, second, manager]
    assert ready_agents(db.session, branch.id, prefer_staff_id=manager.id) == [manager, first, second]
    assert ready_agents(db.session, branch.id, prefer_staff_id=offline.id) == [first, second, manager]


def test_presence_time_is_kept_when_the_presence_does_not_change(make, branch, db):
    agent = make.staff(branch=branch)
    since = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    set_presence(db.session, agent, "ready", at=since)
    set_presence(db.session, agent, "ready", at=since + timedelta(hours=1))

    assert agent.presence_changed_at == since
