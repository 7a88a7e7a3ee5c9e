"""API tokens (issue 9, items 7 and 18): several per person, expiring, listed without their secrets,
revoked; a sign-in endpoint hands one out; deactivation ends them for good."""

from datetime import timedelta

from tests.api.identity import as_

STAFF = "/api/v1/staff"
TOKENS = "/api/v1/tokens"


def bearer(token):
    as_()  # forget the previous caller
    return {"Authorization": f"Bearer {token}"}


def me(client, token):
    return client.get(f"{STAFF}/me", headers=bearer(token))


def test_signing_in_with_job_number_and_password_returns_a_working_token(client, clock, agent):
    response = client.post(TOKENS, json={"job_no": agent.job_no, "password": "correct horse", "label": "laptop"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["label"] == "laptop"
    assert body["expires_at"].startswith((clock.at + timedelta(days=30)).date().isoformat())
    assert me(client, body["api_token"]).get_json()["id"] == agent.id


def test_the_job_number_is_trimmed_as_when_it_was_created(client, agent):
    response = client.post(TOKENS, json={"job_no": f" {agent.job_no} ", "password": "correct horse"})
    assert response.status_code == 201


def test_a_wrong_password_gets_no_token(client, agent):
    response = client.post(TOKENS, json={"job_no": agent.job_no, "password": "wrong password"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_a_token_expires_after_the_configured_days(app, client, clock, agent):
    assert me(client, agent.token).status_code == 200
    clock.advance(timedelta(days=app.config["API_TOKEN_DAYS"]) - timedelta(seconds=1))
    assert me(client, agent.token).status_code == 200
    clock.advance(timedelta(seconds=1))
    assert me(client, agent.token).status_code == 401


def test_a_person_holds_several_tokens_lists_them_without_secrets_and_revokes_one(client, agent):
    second = client.post(f"{STAFF}/{agent.id}/tokens", json={"label": "report script"}, headers=as_(agent))
    assert second.status_code == 201
    new_token = second.get_json()["api_token"]
    assert me(client, agent.token).status_code == 200  # the first still works
    assert me(client, new_token).status_code == 200

    listed = client.get(f"{STAFF}/{agent.id}/tokens", headers=bearer(new_token)).get_json()
    assert [t["label"] for t in listed] == ["report script", None]
    assert all(set(t) == {"id", "label", "created_at", "expires_at"} for t in listed)

    first_id = listed[1]["id"]
    assert client.delete(f"{STAFF}/{agent.id}/tokens/{first_id}", headers=bearer(new_token)).status_code == 204
    assert me(client, agent.token).status_code == 401
    assert me(client, new_token).status_code == 200
    assert [t["label"] for t in client.get(f"{STAFF}/{agent.id}/tokens", headers=bearer(new_token)).get_json()] == [
        "report script"
    ]


def test_only_the_owner_or_an_admin_sees_and_revokes_tokens(client, make, branch, agent, supervisor, admin):
    colleague = make.staff(role="agent", branch=branch)
    token_id = client.get(f"{STAFF}/{agent.id}/tokens", headers=as_(agent)).get_json()[0]["id"]
    for intruder in (colleague, supervisor):
        assert client.get(f"{STAFF}/{agent.id}/tokens", headers=as_(intruder)).status_code == 403
        assert client.post(f"{STAFF}/{agent.id}/tokens", json={}, headers=as_(intruder)).status_code == 403
        assert client.delete(f"{STAFF}/{agent.id}/tokens/{token_id}", headers=as_(intruder)).status_code == 403
    assert client.delete(f"{STAFF}/{colleague.id}/tokens/{token_id}", headers=as_(admin)).status_code == 404
    assert client.delete(f"{STAFF}/{agent.id}/tokens/{token_id}", headers=as_(admin)).status_code == 204
    assert me(client, agent.token).status_code == 401


def test_reactivating_a_staff_member_does_not_revive_their_old_tokens(client, agent, admin):
    for active in (False, True):
        response = client.patch(f"{STAFF}/{agent.id}", json={"is_active": active}, headers=as_(admin))
        assert response.get_json()["is_active"] is active
    assert me(client, agent.token).status_code == 401
    assert client.get(f"{STAFF}/{agent.id}/tokens", headers=as_(admin)).get_json() == []
    fresh = client.post(f"{STAFF}/{agent.id}/tokens", json={}, headers=as_(admin)).get_json()["api_token"]
    assert me(client, fresh).get_json()["id"] == agent.id
