"""Every webhook checks that a signed request carries what Twilio sends before anything changes."""

import logging
import re

import pytest
from sqlalchemy import func, select

from crm.models import Call, CallEvent, WebhookReceipt
from telephony.twiml import APOLOGY

CALLER = "+8613800138000"
WEBHOOKS = [
    "/twilio/calls/status",
    "/twilio/calls/recording",
    "/twilio/calls/transcription",
    "/twilio/calls/transcription-events",
    "/twilio/voice/complaint/category",
    "/twilio/voice/complaint/recorded",
    "/twilio/voice/complaint/page",
    "/twilio/voice/record-greeting",
    "/twilio/voice/record-greeting/saved",
    "/twilio/voice/incoming",
    "/twilio/voice/menu",
    "/twilio/voice/dial-result",
    "/twilio/voice/voicemail",
    "/twilio/voice/outbound",
    "/twilio/voice/outbound/dialled",
    "/twilio/surveys/1/start",
    "/twilio/surveys/1/opening",
    "/twilio/surveys/1/rebook",
    "/twilio/surveys/1/questions/1",
    "/twilio/surveys/1/questions/1/transcription",
    "/twilio/surveys/1/status",
]
# The customer SMS webhooks: keyed by MessageSid, answering empty TwiML (nobody to apologise to).
SMS_WEBHOOKS = ["/twilio/sms/status", "/twilio/sms/inbound"]


def rows(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def nothing_written(db):
    db.session.expire_all()
    return (rows(db, Call), rows(db, CallEvent), rows(db, WebhookReceipt)) == (0, 0, 0)


def apologised(response):
    body = response.get_data(as_text=True)
    return response.status_code == 200 and response.mimetype == "text/xml" and APOLOGY in body and "<Hangup" in body


def test_the_list_above_is_every_webhook_of_the_app(app):
    webhooks = {
        re.sub(r"<int:\w+>", "1", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("twilio.") and "POST" in rule.methods
    }

    assert webhooks == {*WEBHOOKS, *SMS_WEBHOOKS}


@pytest.mark.parametrize("path", WEBHOOKS)
def test_a_signed_request_without_call_sid_changes_nothing_and_gets_the_apology(signed_post, phone_lines, db, path):
    form = {"From": CALLER, "To": phone_lines["hotline"], "CallStatus": "completed", "Digits": "1"}

    response = signed_post(path, form)

    assert apologised(response)
    assert nothing_written(db)


@pytest.mark.parametrize("path", SMS_WEBHOOKS)
@pytest.mark.parametrize(
    "params", [{"MessageStatus": "delivered"}, {"MessageSid": "SM" + "4" * 32, "MessageStatus": "exploded"}]
)
def test_a_signed_sms_webhook_twilio_would_not_send_changes_nothing(signed_post, db, path, params):
    form = {"From": CALLER, "To": "+862150508888", "Body": "TD", **params}

    response = signed_post(path, form)

    assert response.status_code == 200 and response.mimetype == "text/xml"
    assert "<Say" not in response.get_data(as_text=True)
    assert nothing_written(db)


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"CallStatus": "exploded"}, "CallStatus is not one of Twilio's values"),
        ({"CallStatus": "completed", "CallDuration": "-5"}, "CallDuration is not a whole, non-negative number"),
        ({"CallStatus": "completed", "CallDuration": "999999999"}, "CallDuration is longer than 86400 seconds"),
        ({"CallStatus": "completed", "CallDuration": "12.5"}, "CallDuration is not a whole, non-negative number"),
        ({"CallStatus": "completed", "Direction": "sideways"}, "Direction is not one of Twilio's values"),
    ],
)
def test_a_status_twilio_never_sends_is_refused_logged_without_personal_data_and_not_stored(
    signed_post, db, caplog, params, reason
):
    form = {"CallSid": "CA" + "1" * 32, "From": CALLER, "To": "+862150508888", **params}

    with caplog.at_level(logging.WARNING):
        response = signed_post("/twilio/calls/status", form)

    assert apologised(response)
    assert nothing_written(db)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert f"webhook status refused: {reason}" in logged
    assert "138" not in logged and "+86" not in logged


def test_a_dial_result_with_a_negative_talk_time_is_not_stored(signed_post, db):
    form = {"CallSid": "CA" + "2" * 32, "DialCallStatus": "completed", "DialCallDuration": "-60"}

    response = signed_post("/twilio/voice/outbound/dialled", form)

    assert apologised(response)
    assert nothing_written(db)


def test_what_twilio_does_send_still_goes_through(signed_post, db):
    form = {"CallSid": "CA" + "3" * 32, "CallStatus": "completed", "CallDuration": "86400", "Direction": "inbound"}

    response = signed_post("/twilio/calls/status", form)

    assert not apologised(response)
    assert db.session.scalar(select(Call.duration_seconds)) == 86400
