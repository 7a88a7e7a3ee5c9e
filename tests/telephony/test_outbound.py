"""Calls an agent places from the browser softphone: dialled with our caller ID, recorded, logged."""

import logging
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from crm.models import Call, CallEvent
from telephony.standin import Callee, walk_call


def dial_of(response):
    return ET.fromstring(response.get_data(as_text=True)).find("Dial")


def place(signed_post, agent, to, sid="CA" + "a" * 32):
    return signed_post(
        "/twilio/voice/outbound",
        {"CallSid": sid, "From": f"client:agent-{agent.job_no}", "To": to, "Direction": "inbound"},
    )


def test_a_browser_call_dials_the_customer_with_our_caller_id_and_records_it(app, signed_post, make, agent, db):
    customer = make.customer(manager=agent, phones=("13800138000",))

    response = place(signed_post, agent, "138 0013 8000")

    dial = dial_of(response)
    assert dial.get("callerId") == app.config["TWILIO_CALLER_ID"]
    assert dial.get("record") == "record-from-answer-dual"
    assert dial.get("action") == "/twilio/voice/outbound/dialled"
    assert dial.find("Number").text == "+8613800138000"
    call = db.session.scalar(select(Call))
    assert (call.direction, call.agent_id, call.customer_id) == ("outbound", agent.id, customer.id)
    assert (call.to_number, call.from_number) == ("+8613800138000", app.config["TWILIO_CALLER_ID"])
    db.session.refresh(agent)
    assert agent.presence == "busy"


def test_a_number_that_is_no_customers_is_still_dialled_and_logged(signed_post, agent, db):
    response = place(signed_post, agent, "+8613900139000")

    assert dial_of(response).find("Number").text == "+8613900139000"
    call = db.session.scalar(select(Call))
    assert (call.customer_id, call.agent_id) == (None, agent.id)
    [event] = db.session.scalars(select(CallEvent)).all()
    assert "13900139000" not in str(event.detail)  # the number is the call's, masked per viewer


def test_a_wrong_number_is_spoken_back_to_the_agent_and_logged_as_failed(signed_post, agent, db):
    response = place(signed_post, agent, "12345")

    body = response.get_data(as_text=True)
    assert "号码有误" in body and "<Hangup />" in body and "<Dial" not in body
    assert db.session.scalar(select(Call.outcome)) == "failed"


def test_a_caller_who_is_not_an_agent_softphone_is_refused(signed_post, db):
    response = signed_post("/twilio/voice/outbound", {"CallSid": "CA1", "From": "+8613800138000", "To": "13900139000"})

    assert "无法识别您的坐席身份" in response.get_data(as_text=True)
    assert db.session.scalar(select(Call)) is None


def test_the_dial_result_sets_outcome_and_talk_time_once_and_puts_the_agent_in_wrap_up(signed_post, agent, db):
    sid = "CA" + "b" * 32
    place(signed_post, agent, "13800138000", sid=sid)
    result = {"CallSid": sid, "DialCallStatus": "completed", "DialCallDuration": "75"}

    signed_post("/twilio/voice/outbound/dialled", result)
    signed_post("/twilio/voice/outbound/dialled", {**result, "DialCallDuration": "80"})

    call = db.session.scalar(select(Call))
    assert (call.outcome, call.duration_seconds) == ("answered", 75)
    db.session.refresh(agent)
    assert agent.presence == "wrap_up"


def test_a_busy_customer_is_told_to_the_agent(signed_post, agent, db):
    sid = "CA" + "c" * 32
    place(signed_post, agent, "13800138000", sid=sid)

    response = signed_post("/twilio/voice/outbound/dialled", {"CallSid": sid, "DialCallStatus": "busy"})

    assert "对方正忙" in response.get_data(as_text=True)
    assert db.session.scalar(select(Call.outcome)) == "busy"


def test_a_browser_call_walked_end_to_end(app, agent, db):
    transcript = walk_call(
        app,
        from_=f"client:agent-{agent.job_no}",
        to="13800138000",
        url="/twilio/voice/outbound",
        callee=Callee(agent_answers=False),
    )

    assert transcript.dials == [("number:+8613800138000", "no-answer")]
    assert transcript.heard == ["对方无人接听。"]
    assert db.session.scalar(select(Call.outcome)) == "no_answer"


def refused_aloud(response):
    body = response.get_data(as_text=True)
    return "不在允许拨打的范围内" in body and "<Hangup />" in body and "<Dial" not in body


@pytest.mark.parametrize(
    ("to", "reason"),
    [
        ("16812345", "premium_rate"),  # 声讯台: premium rate
        ("+447400123456", "not_allowed"),  # international, no customer's
        ("400 123 4567", "not_allowed"),  # a shared-cost service number
    ],
)
def test_premium_rate_international_and_service_numbers_are_refused_aloud_logged_and_not_dialled(
    signed_post, agent, db, caplog, to, reason
):
    with caplog.at_level(logging.WARNING):
        response = place(signed_post, agent, to)

    assert refused_aloud(response)
    call = db.session.scalar(select(Call))
    assert (call.outcome, call.agent_id) == ("failed", agent.id)
    assert db.session.scalar(select(CallEvent.detail))["refused"] == reason
    db.session.refresh(agent)
    assert agent.presence != "busy"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert f"browser call by agent {agent.job_no} refused: {reason}" in logged
    assert to not in logged and "+44" not in logged and "168" not in logged


def test_an_international_number_of_the_agents_own_customer_is_dialled(signed_post, make, agent, db):
    make.customer(manager=agent, phones=("+85291234567",))

    response = place(signed_post, agent, "+852 9123 4567")

    assert dial_of(response).find("Number").text == "+85291234567"


def test_an_international_number_of_a_customer_the_agent_may_not_see_is_refused(signed_post, make, agent, db):
    colleague = make.staff(role="agent", branch=agent.branch)
    make.customer(manager=colleague, phones=("+85291234567",))

    assert refused_aloud(place(signed_post, agent, "+85291234567"))


def test_a_premium_rate_number_is_refused_even_when_it_is_a_customers(signed_post, make, agent, db):
    make.customer(manager=agent, phones=("16812345",))

    assert refused_aloud(place(signed_post, agent, "16812345"))


def test_the_allowed_prefixes_are_a_setting(app, signed_post, agent, db, monkeypatch):
    monkeypatch.setitem(app.config, "DIAL_ALLOWED_PREFIXES", ["+8613"])

    landline = place(signed_post, agent, "021-6888 8888", sid="CA" + "d" * 32)
    mobile = place(signed_post, agent, "13800138000", sid="CA" + "e" * 32)

    assert refused_aloud(landline)
    assert dial_of(mobile).find("Number").text == "+8613800138000"


# --- click-to-call: the browser sends the customer's id, the number is resolved here -------------


def click(signed_post, agent, customer_id, sid="CA" + "c" * 32):
    return signed_post(
        "/twilio/voice/outbound",
        {"CallSid": sid, "From": f"client:agent-{agent.job_no}", "To": "", "customer_id": str(customer_id)},
    )


def test_click_to_call_dials_the_customers_mobile_resolved_on_the_server(signed_post, make, agent, db):
    customer = make.customer(manager=agent, phones=("13800138000",))

    response = click(signed_post, agent, customer.id)

    assert dial_of(response).find("Number").text == "+8613800138000"
    call = db.session.scalar(select(Call))
    assert (call.customer_id, call.agent_id, call.direction) == (customer.id, agent.id, "outbound")


def test_click_to_call_on_a_customer_the_agent_may_not_see_is_refused_and_logged(signed_post, make, agent, db):
    colleague = make.staff(role="agent", branch=agent.branch)
    customer = make.customer(manager=colleague, phones=("13800138000",))

    assert refused_aloud(click(signed_post, agent, customer.id))
    call = db.session.scalar(select(Call))
    assert (call.outcome, call.to_number) == ("failed", None)
    assert db.session.scalar(select(CallEvent.detail))["refused"] == "not_allowed"


@pytest.mark.parametrize("customer_id", ["999999", "not-an-id"])
def test_click_to_call_on_no_such_customer_is_refused(signed_post, agent, db, customer_id):
    assert refused_aloud(click(signed_post, agent, customer_id))


def test_click_to_call_keeps_the_premium_rate_rule(signed_post, make, agent, db):
    customer = make.customer(manager=agent, phones=("16812345",))

    assert refused_aloud(click(signed_post, agent, customer.id))


def test_an_agent_who_chose_english_hears_the_refusal_in_english(signed_post, agent, db):
    agent.language = "en"
    db.session.commit()

    response = place(signed_post, agent, "12345")

    said = ET.fromstring(response.get_data(as_text=True)).find("Say")
    assert said.text == "Sorry, the number you dialled is wrong; please check it and call again."
    assert said.get("language") == "en-US"
