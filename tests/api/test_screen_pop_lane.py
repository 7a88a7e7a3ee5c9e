"""The screen pop's fast lane (issue 13): the route's answer without Flask's dispatch, for the requests it takes."""

import pytest
from werkzeug.test import Client, EnvironBuilder

from crm.api.screen_pop_lane import ScreenPopLane, lane_request
from crm.services.customers import screen_pop
from crm.services.org import credentials
from tests.api.identity import as_

LOOKUP = "/api/v1/customers/lookup"


@pytest.fixture
def caller(make, agent):
    return make.customer(manager=agent, phones=("13800138000", "021-6888 1234"), name="王小明")


@pytest.fixture
def lane(app):
    assert isinstance(app.wsgi_app, ScreenPopLane)
    return app.wsgi_app


def _refuse(environ, start_response):
    raise AssertionError("Flask's dispatch was asked")


def _answer(wsgi, viewer, phone):
    response = Client(wsgi).get(LOOKUP, query_string={"phone": phone}, headers=as_(viewer))
    return response.status_code, sorted(response.headers.items()), response.get_data()


@pytest.mark.parametrize("phone", ["13800138000", "+86 138 0013 8000", "13900000000", "not a number"])
def test_the_lane_answers_as_the_route_byte_for_byte(make, branch, agent, caller, lane, phone):
    colleague = make.staff(role="agent", branch=branch)
    stranger = make.staff(role="supervisor", branch=make.branch())
    for viewer in (agent, colleague, stranger):
        assert _answer(lane, viewer, phone) == _answer(lane.wsgi_app, viewer, phone)


def test_the_lane_indents_its_json_as_jsonify_does_in_debug(app, agent, caller, lane, monkeypatch):
    monkeypatch.setattr(app, "debug", True)
    for phone in ("13800138000", "13900000000"):
        answer = _answer(lane, agent, phone)
        assert answer == _answer(lane.wsgi_app, agent, phone)
        assert answer[2].startswith(b'{\n  "')


def test_a_pop_with_a_bearer_token_is_answered_without_flask(client, agent, caller, lane, monkeypatch):
    monkeypatch.setattr(lane, "wsgi_app", _refuse)
    found = client.get(LOOKUP, query_string={"phone": "13800138000"}, headers=as_(agent))
    assert (found.status_code, found.get_json()["id"]) == (200, caller.id)
    assert found.headers["X-Frame-Options"] == "DENY"
    missed = client.get(LOOKUP, query_string={"phone": "13900000000"}, headers=as_(agent))
    assert (missed.status_code, missed.get_json()["error"]["code"]) == (404, "not_found")


@pytest.mark.parametrize(
    "request_args",
    [
        {"method": "POST", "query_string": {"phone": "13800138000"}},
        {"query_string": {"phone": "13800138000"}, "headers": {"Cookie": "kefu_lang=en"}},
        {"query_string": {"phone": "13800138000"}, "headers": {"Authorization": "Basic eDp5"}},
        {"query_string": {}},
        {"query_string": {"phone": ""}},
        {"query_string": {"phone": "1" * 41}},
        {"query_string": [("phone", "13800138000"), ("phone", "13900000000")]},
        {"query_string": {"phone": "13800138000", "extra": "1"}},
        {"query_string": {"phone": "138\x00"}},
        {"query_string": {"phone": "１３８００１３８０００"}},
        {"query_string": {"phone": "13800138000"}, "data": "body"},
        {"path": "/api/v1/customers/lookup/", "query_string": {"phone": "13800138000"}},
    ],
    ids=[
        "post",
        "cookie",
        "not-bearer",
        "no-phone",
        "empty",
        "too-long",
        "two",
        "extra",
        "nul",
        "wide",
        "body",
        "path",
    ],
)
def test_any_other_request_goes_to_flask(request_args):
    args = {"path": LOOKUP, "headers": {"Authorization": "Bearer secret"}, **request_args}
    args["headers"] = {"Authorization": "Bearer secret", **args["headers"]}
    assert lane_request(EnvironBuilder(**args).get_environ()) is None


def test_the_lane_takes_a_plain_pop():
    environ = EnvironBuilder(LOOKUP, query_string={"phone": "+86 138"}, headers={"Authorization": "Bearer s "})
    assert lane_request(environ.get_environ()) == ("s", "+86 138")


def test_an_unknown_or_revoked_token_gets_flasks_401(client, db, agent, caller):
    assert (
        client.get(LOOKUP, query_string={"phone": "13800138000"}, headers={"Authorization": "Bearer x"}).status_code
        == 401
    )
    assert client.get(LOOKUP, query_string={"phone": "13800138000"}, headers=as_(agent)).status_code == 200
    credentials.revoke_secret(db.session, agent.token, "api")
    db.session.commit()
    response = client.get(LOOKUP, query_string={"phone": "13800138000"}, headers=as_(agent))
    assert (response.status_code, response.get_json()["error"]["code"]) == (401, "unauthorized")


def test_an_unexpected_error_is_answered_by_flasks_handler(client, agent, caller, monkeypatch):
    def broken(*args):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(screen_pop, "screen_pop", broken)
    response = client.get(LOOKUP, query_string={"phone": "13800138000"}, headers=as_(agent))
    assert (response.status_code, response.get_json()["error"]["code"]) == (500, "internal_error")
