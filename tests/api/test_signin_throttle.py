"""Sign-in throttling (issue 9, item 9): failed sign-ins per job number and per client address end in
429 with Retry-After, on the console and the token endpoint alike, until an admin unlocks the person."""

import pytest

from tests.api.identity import as_
from tests.api.test_console import _csrf
from tests.api.test_console import client as client  # noqa: F401  (the browser-like client fixture)

TOKENS = "/api/v1/tokens"
RIGHT = "correct horse"


def token_sign_in(client, job_no, password):
    return client.post(TOKENS, json={"job_no": job_no, "password": password})


def test_25_wrong_passwords_lock_the_account_with_429_and_retry_after(app, client, agent):
    allowed = int(app.config["SIGNIN_LIMIT_PER_ACCOUNT"].split()[0])
    statuses = [token_sign_in(client, agent.job_no, f"wrong {n}").status_code for n in range(25)]
    assert statuses == [401] * allowed + [429] * (25 - allowed)

    locked = token_sign_in(client, agent.job_no, RIGHT)  # even the right password waits
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert locked.get_json()["error"]["code"] == "too_many_requests"
    assert "unlock" in locked.get_json()["error"]["message"]


def test_the_console_form_shares_the_budget_and_answers_429_in_html(app, client, agent):
    for n in range(int(app.config["SIGNIN_LIMIT_PER_ACCOUNT"].split()[0])):
        assert token_sign_in(client, agent.job_no, f"wrong {n}").status_code == 401
    response = client.post("/login", data={"job_no": agent.job_no, "password": RIGHT, "csrf_token": _csrf(client)})
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    assert "登录失败次数过多" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0


def test_other_people_at_other_addresses_are_not_locked_out(app, client, make, branch, agent):
    colleague = make.staff(role="agent", branch=branch)
    for n in range(25):
        token_sign_in(client, agent.job_no, f"wrong {n}")
    elsewhere = client.post(
        TOKENS, json={"job_no": colleague.job_no, "password": RIGHT}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert elsewhere.status_code == 201


def test_one_address_trying_many_job_numbers_is_throttled(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNIN_LIMIT_PER_ADDRESS", "5 per 15 minutes")
    statuses = [token_sign_in(client, f"{5000 + n}", "guess").status_code for n in range(8)]
    assert statuses == [401] * 5 + [429] * 3
    other_address = client.post(
        TOKENS, json={"job_no": "5999", "password": "guess"}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert other_address.status_code == 401


def test_successful_sign_ins_do_not_count(app, client, agent):
    for _ in range(int(app.config["SIGNIN_LIMIT_PER_ACCOUNT"].split()[0]) + 2):
        assert token_sign_in(client, agent.job_no, RIGHT).status_code == 201


@pytest.fixture
def locked(client, agent):
    for n in range(25):
        token_sign_in(client, agent.job_no, f"wrong {n}")
    assert token_sign_in(client, agent.job_no, RIGHT).status_code == 429
    return agent


def test_an_admin_unlocks_a_locked_out_person_through_the_api(client, locked, supervisor, admin):
    assert client.post(f"/api/v1/staff/{locked.id}/unlock", headers=as_(supervisor)).status_code == 403
    assert client.post(f"/api/v1/staff/{locked.id}/unlock", headers=as_(admin)).status_code == 204
    as_()
    assert token_sign_in(client, locked.job_no, RIGHT).status_code == 201


def test_an_operator_unlocks_a_locked_out_person_on_the_command_line(app, client, locked):
    result = app.test_cli_runner().invoke(args=["kefu", "unlock", "--job-no", locked.job_no])
    assert result.exit_code == 0, result.output
    assert token_sign_in(client, locked.job_no, RIGHT).status_code == 201
