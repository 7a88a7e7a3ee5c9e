"""The guard on every webhook: signature, idempotent retries, apology instead of a 500."""

import pytest
from sqlalchemy import func, select
from twilio.twiml.voice_response import VoiceResponse

from crm.extensions import db as _db
from crm.models import Branch, WebhookReceipt
from telephony.blueprint import twilio_blueprint
from telephony.security import twilio_webhook
from telephony.twiml import APOLOGY


@pytest.fixture(scope="session", autouse=True)
def probe_routes(app):
    """Two throwaway flows: one that writes a row, one that fails half-way."""

    @twilio_webhook("probe")
    def probe():
        from flask import request

        _db.session.add(Branch(code=request.form["CallSid"], name="probe"))
        response = VoiceResponse()
        response.say("ok")
        return response

    @twilio_webhook("broken")
    def broken():
        _db.session.add(Branch(code="half-written", name="probe"))
        _db.session.flush()
        raise RuntimeError("boom")

    # Other telephony test modules may have served requests already; these test-only rules are safe to add late.
    app._got_first_request = False
    app.add_url_rule("/twilio/test/probe", "probe", probe, methods=["POST"])
    app.add_url_rule("/twilio/test/broken", "broken", broken, methods=["POST"])
    assert twilio_blueprint.name == "twilio"


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


def test_signature_uses_public_base_url_behind_a_proxy(app, client, db):
    from tests.conftest import twilio_signature

    app.config["PUBLIC_BASE_URL"] = "https://kefu.example.com"
    try:
        params = {"CallSid": "CA4"}
        signature = twilio_signature("https://kefu.example.com/twilio/test/probe", params)
        response = client.post("/twilio/test/probe", data=params, headers={"X-Twilio-Signature": signature})
        assert response.status_code == 200
    finally:
        app.config["PUBLIC_BASE_URL"] = ""
