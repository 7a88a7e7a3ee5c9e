"""The guard on every webhook: signature, idempotent retries, apology instead of a 500."""

import pytest
from flask import request
from sqlalchemy import func, select
from twilio.twiml.voice_response import VoiceResponse

from crm import create_app
from crm.config import Config
from crm.extensions import db as _db
from crm.models import Branch, WebhookReceipt
from telephony.security import twilio_webhook
from telephony.twiml import APOLOGY
from tests.conftest import TWILIO_TEST_TOKEN, twilio_signature


@pytest.fixture(scope="module")
def probe_app(app):
    """An app of its own on the test database, with two throwaway flows behind the guard:
    one that writes a row, one that fails half-way."""
    settings = ("SQLALCHEMY_DATABASE_URI", "REDIS_URL", "SECRET_KEY", "TWILIO_AUTH_TOKEN", "TESTING")
    probe_app = create_app(Config(**{name: app.config[name] for name in settings}))

    @twilio_webhook("probe")
    def probe():
        _db.session.add(Branch(code=request.form["CallSid"], name="probe"))
        response = VoiceResponse()
        response.say("ok")
        return response

    @twilio_webhook("broken")
    def broken():
        _db.session.add(Branch(code="half-written", name="probe"))
        _db.session.flush()
        raise RuntimeError("boom")

    probe_app.add_url_rule("/twilio/test/probe", "probe", probe, methods=["POST"])
    probe_app.add_url_rule("/twilio/test/broken", "broken", broken, methods=["POST"])
    return probe_app


@pytest.fixture
def client(probe_app, db):
    return probe_app.test_client()


@pytest.fixture
def signed_post(client):
    def post(path, params, token=TWILIO_TEST_TOKEN):
        url = f"http://localhost{path}"
        return client.post(path, data=params, headers={"X-Twilio-Signature": twilio_signature(url, params, token)})

    return post


def branch_count():
    return _db.session.scalar(select(func.count()).select_from(Branch))


def test_unsigned_request_is_refused_and_changes_nothing(client, db):
    response = client.post("/twilio/test/probe", data={"CallSid": "CA1"})
    assert response.status_code == 403
    assert branch_count() == 0


def test_wrongly_signed_request_is_refused(signed_post, db):
    response = signed_post("/twilio/test/probe", {"CallSid": "CA1"}, token="not-the-token")
    assert response.status_code == 403
    assert branch_count() == 0


def test_a_signature_of_the_url_with_its_default_port_is_accepted(client, db):
    """Twilio may sign the URL with the port spelt out: such a request passes (the validator's second try)."""
    params = {"CallSid": "CA9"}
    signature = twilio_signature("http://localhost:80/twilio/test/probe", params)
    assert client.post("/twilio/test/probe", data=params, headers={"X-Twilio-Signature": signature}).status_code == 200
    assert branch_count() == 1


def test_signed_request_runs_once_and_a_retry_gets_the_same_answer(signed_post, db):
    first = signed_post("/twilio/test/probe", {"CallSid": "CA2"})
    again = signed_post("/twilio/test/probe", {"CallSid": "CA2"})
    assert first.status_code == again.status_code == 200
    assert first.data == again.data
    assert b"<Say>ok</Say>" in first.data
    assert branch_count() == 1
    assert _db.session.scalar(select(func.count()).select_from(WebhookReceipt)) == 1


def test_failure_answers_apology_twiml_and_writes_nothing(signed_post, db):
    response = signed_post("/twilio/test/broken", {"CallSid": "CA3"})
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert APOLOGY in response.get_data(as_text=True)
    assert "<Hangup />" in response.get_data(as_text=True)
    assert branch_count() == 0


def test_signature_uses_public_base_url_behind_a_proxy(probe_app, client, db):
    app = probe_app
    app.config["PUBLIC_BASE_URL"] = "https://kefu.example.com"
    try:
        params = {"CallSid": "CA4"}
        signature = twilio_signature("https://kefu.example.com/twilio/test/probe", params)
        response = client.post("/twilio/test/probe", data=params, headers={"X-Twilio-Signature": signature})
        assert response.status_code == 200
    finally:
        app.config["PUBLIC_BASE_URL"] = ""
