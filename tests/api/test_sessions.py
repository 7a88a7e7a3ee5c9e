"""Console sessions live on the server (issue 9, item 7): sign-out, expiry and deactivation end them."""

from datetime import timedelta

from flask import request

from tests.api.identity import as_
from tests.api.test_console import BrowserLikeClient, _csrf, _sign_in
from tests.api.test_console import client as client  # noqa: F401  (the browser-like client fixture)


def _session_cookie(client):
    return client.get_cookie("session").value


def _replay(app, cookie):
    """A second browser holding a copy of the cookie."""
    thief = BrowserLikeClient(app, app.response_class, use_cookies=True)
    thief.set_cookie("session", cookie)
    return thief


def test_a_copied_cookie_stops_working_once_its_owner_signs_out(app, client, agent):
    _sign_in(client, agent)
    copied = _session_cookie(client)
    assert _replay(app, copied).get("/").status_code == 200

    client.post("/logout", data={"csrf_token": _csrf(client, "/")})

    thief = _replay(app, copied)
    assert thief.get("/").headers["Location"].endswith("/login")
    assert thief.get("/api/v1/staff/me").status_code == 401


def test_a_session_ends_after_the_configured_hours(app, client, clock, agent):
    _sign_in(client, agent)
    clock.advance(timedelta(hours=app.config["SESSION_HOURS"]) - timedelta(seconds=1))
    assert client.get("/").status_code == 200
    clock.advance(timedelta(seconds=1))
    assert client.get("/").status_code == 302


def test_deactivation_ends_the_session_and_reactivation_does_not_revive_it(app, client, agent, admin):
    _sign_in(client, agent)
    cookie = _session_cookie(client)
    api = app.test_client()
    for active in (False, True):
        response = api.patch(f"/api/v1/staff/{agent.id}", json={"is_active": active}, headers=as_(admin))
        assert response.get_json()["is_active"] is active
    assert _replay(app, cookie).get("/").status_code == 302
    fresh = BrowserLikeClient(app, app.response_class, use_cookies=True)
    assert _sign_in(fresh, agent).status_code == 302  # signing in afresh works


def test_a_request_without_the_cookie_gets_an_empty_session_it_may_write(app):
    with app.test_request_context("/twilio/voice/incoming", method="POST"):
        session = app.session_interface.open_session(app, request)
        assert dict(session) == {} and not session.modified
        assert not app.session_interface.is_null_session(session)


def test_a_tampered_cookie_still_gets_an_empty_session(app, client, agent):
    _sign_in(client, agent)
    forged = _replay(app, _session_cookie(client)[:-2] + "xx")
    assert forged.get("/").headers["Location"].endswith("/login")
