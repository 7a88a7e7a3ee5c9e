"""SMS to customers (issue 10 item 9): sent through the telephony client in business hours unless urgent,
logged on the customer with Twilio's signed status callback, never to a customer who opted out."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from crm.models import AuditEntry, CustomerMessage, SmsTemplate
from crm.services.messages import outbox
from crm.services.messages.templates import ensure_default_templates
from tests.api.identity import as_
from workers.messages import send_customer_messages
from workers.schedule import SCHEDULE

MONDAY_MORNING = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Mon 10:00 in Shanghai
SUNDAY_EVENING = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)  # Sun 20:00 in Shanghai
MONDAY_OPENING = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Mon 09:00 in Shanghai
NUMBER = "+8613800138000"


@pytest.fixture
def templates(db):
    ensure_default_templates(db.session)
    db.session.commit()


@pytest.fixture
def customer(make, agent):
    return make.customer(manager=agent, name="王小明")


def send(client, staff, customer, **body):
    return client.post(f"/api/v1/customers/{customer.id}/messages", json=body, headers=as_(staff))


def state_of(db, message_id):
    db.session.expire_all()
    return db.session.get(CustomerMessage, message_id).state


def test_a_template_message_in_business_hours_goes_out_and_is_logged_with_its_status(
    client, db, customer, agent, templates, clock, twilio_stub, signed_post
):
    response = send(client, agent, customer, template="visit_reminder", variables={"time": "周三下午3点"})
    assert response.status_code == 202, response.get_json()
    shown = response.get_json()
    assert shown["state"] == "queued" and shown["author"]["id"] == agent.id
    assert "王小明" in shown["body"] and "周三下午3点" in shown["body"] and shown["body"].endswith("回复TD退订")

    assert send_customer_messages()["sent"] == 1
    [sms] = twilio_stub.messages
    assert (sms.to, sms.body) == (NUMBER, shown["body"])
    assert state_of(db, shown["id"]) == "sent"

    callback = {"MessageSid": sms.sid, "MessageStatus": "delivered", "To": NUMBER}
    assert signed_post("/twilio/sms/status", callback).status_code == 200
    late_sent = {"MessageSid": sms.sid, "MessageStatus": "sent", "To": NUMBER}
    assert signed_post("/twilio/sms/status", late_sent).status_code == 200  # out of order: no step back
    log = client.get(f"/api/v1/customers/{customer.id}/messages", headers=as_(agent)).get_json()["items"]
    assert [(m["id"], m["state"]) for m in log] == [(shown["id"], "delivered")]
    assert send_customer_messages()["sent"] == 0  # sent once


def test_an_unsigned_status_callback_is_refused_and_changes_nothing(client, db, customer, agent, clock, twilio_stub):
    message_id = send(client, agent, customer, text="您好，您的资料已更新。").get_json()["id"]
    send_customer_messages()
    [sms] = twilio_stub.messages
    response = client.post("/twilio/sms/status", data={"MessageSid": sms.sid, "MessageStatus": "failed"})
    assert response.status_code == 403
    assert state_of(db, message_id) == "sent"


def test_out_of_hours_a_message_waits_for_the_opening_unless_urgent(client, db, customer, agent, clock, twilio_stub):
    clock.set(SUNDAY_EVENING)
    waiting = send(client, agent, customer, text="周一再发").get_json()
    urgent = send(client, agent, customer, text="您的账户有异常登录，请尽快致电", urgent=True).get_json()
    assert waiting["not_before"] == "2026-11-23T01:00:00+00:00"
    assert send_customer_messages()["sent"] == 1
    assert [sms.body for sms in twilio_stub.messages] == [urgent["body"]]

    clock.set(MONDAY_OPENING)
    assert send_customer_messages()["sent"] == 1
    assert state_of(db, waiting["id"]) == "sent"


def test_an_opted_out_customer_gets_no_sms(client, db, customer, agent, clock, twilio_stub, signed_post):
    queued_before = send(client, agent, customer, text="稍后发送的通知").get_json()
    reply = {"MessageSid": "SM" + "1" * 32, "From": "13800138000", "To": "+862150508888", "Body": " 退订 "}
    assert signed_post("/twilio/sms/inbound", reply).status_code == 200

    refused = send(client, agent, customer, text="您好", urgent=True)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "opted_out"
    assert send_customer_messages()["sent"] == 0
    assert twilio_stub.messages == []
    assert state_of(db, queued_before["id"]) == "blocked"

    shown = client.get(f"/api/v1/customers/{customer.id}", headers=as_(agent)).get_json()
    assert shown["sms_opted_out"] is True
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.field == "sms_opt_out")).all()
    assert (entry.actor_id, entry.new_value, entry.evidence) == (None, "true", f"inbound SMS {reply['MessageSid']}")


def test_an_opt_out_between_queueing_and_sending_blocks_the_message(db, customer, agent, clock, twilio_stub):
    message = outbox.compose(db.session, agent, customer, text="您好")
    db.session.commit()
    customer.sms_opted_out_at = clock.at  # e.g. set by another process after the claim was written
    db.session.commit()
    assert send_customer_messages() == {"welcomed": 0, "sent": 0, "blocked": 1, "failed": 0}
    assert twilio_stub.messages == [] and state_of(db, message.id) == "blocked"


def test_staff_lift_the_opt_out_with_evidence_and_it_is_audited(client, db, customer, agent, clock, twilio_stub):
    url = f"/api/v1/customers/{customer.id}/sms-opt-out"
    customer.sms_opted_out_at = clock.at
    db.session.commit()
    assert client.put(url, json={"opted_out": False, "evidence": " "}, headers=as_(agent)).status_code == 422
    response = client.put(
        url, json={"opted_out": False, "evidence": "录音REC-2026-0042客户同意接收"}, headers=as_(agent)
    )
    assert response.status_code == 200 and response.get_json()["sms_opted_out"] is False
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.field == "sms_opt_out")).all()
    assert (entry.actor_id, entry.old_value, entry.new_value) == (agent.id, "true", "false")
    assert send(client, agent, customer, text="您好").status_code == 202


def test_a_reply_that_is_not_an_opt_out_changes_nothing(client, db, customer, agent, signed_post):
    reply = {"MessageSid": "SM" + "2" * 32, "From": NUMBER, "To": "+862150508888", "Body": "TD是什么意思"}
    assert signed_post("/twilio/sms/inbound", reply).status_code == 200
    assert client.get(f"/api/v1/customers/{customer.id}", headers=as_(agent)).get_json()["sms_opted_out"] is False


def test_the_message_log_is_shown_only_to_those_who_may_see_the_customer(client, make, customer, agent, clock):
    send(client, agent, customer, text="您好，资料已更新。")
    stranger = make.staff(role="agent", branch=make.branch())
    assert client.get(f"/api/v1/customers/{customer.id}/messages", headers=as_(stranger)).status_code == 403
    assert send(client, stranger, customer, text="您好").status_code == 403


def test_a_template_missing_a_variable_is_422_naming_it(client, customer, agent, templates, clock):
    response = send(client, agent, customer, template="visit_reminder")
    assert response.status_code == 422 and "time" in response.get_json()["error"]["message"]
    assert send(client, agent, customer, template="visit_reminder", text="x").status_code == 422


def test_a_claim_never_confirmed_is_taken_again_after_the_lease(db, customer, agent, clock, twilio_stub, app):
    message = outbox.compose(db.session, agent, customer, text="您好")
    db.session.commit()
    lease = timedelta(seconds=app.config["SMS_LEASE"])
    assert outbox.claim(db.session, clock.at, lease) == [(message.id, 1)]
    db.session.commit()  # the worker that claimed it dies here
    assert send_customer_messages()["sent"] == 0  # still held
    clock.advance(lease)
    assert send_customer_messages()["sent"] == 1
    assert len(twilio_stub.messages) == 1


def test_a_branch_that_turns_the_welcome_on_welcomes_new_customers_and_prospects_once(
    client, db, make, branch, agent, admin, templates, clock, twilio_stub
):
    before = make.customer(manager=agent)
    clock.advance(timedelta(minutes=1))
    response = client.patch(f"/api/v1/branches/{branch.id}", json={"welcome_sms": True}, headers=as_(admin))
    assert response.status_code == 200 and response.get_json()["welcome_sms"] is True
    clock.advance(timedelta(minutes=1))
    prospect = make.customer(manager=agent, status="prospect", phones=("13900139000",))
    other_branch = make.customer(branch=make.branch(), phones=("13700137000",))

    assert send_customer_messages()["welcomed"] == 1
    assert send_customer_messages()["welcomed"] == 0
    [sms] = twilio_stub.messages
    assert sms.to == "+8613900139000" and branch.name in sms.body
    welcomed = db.session.scalars(select(CustomerMessage.customer_id).where(CustomerMessage.kind == "welcome")).all()
    assert welcomed == [prospect.id] and before.id not in welcomed and other_branch.id not in welcomed


def test_the_sender_is_scheduled_every_minute_on_the_telephony_queue():
    [entry] = [periodic for periodic in SCHEDULE if periodic.func is send_customer_messages]
    assert (entry.queue, entry.cron) == ("telephony", "* * * * *")


def test_a_customer_who_reads_english_gets_the_english_template_and_hint(client, db, make, agent, templates, clock):
    customer = make.customer(manager=agent, name="Zhang San", language="en")

    response = send(client, agent, customer, template="visit_reminder", variables={"time": "3 pm Wednesday"})

    assert response.status_code == 202, response.get_json()
    body = response.get_json()["body"]
    assert body.startswith(f"[{customer.branch.name}] Dear Zhang San, a reminder of your appointment at 3 pm")
    assert body.endswith(f"call {customer.branch.hotline}. Reply TD to opt out")


def test_an_english_reader_without_an_english_template_gets_the_chinese_one(client, db, make, agent, templates, clock):
    customer = make.customer(manager=agent, language="en")
    db.session.query(SmsTemplate).filter_by(key="visit_reminder.en").delete()
    db.session.commit()

    body = send(client, agent, customer, template="visit_reminder", variables={"time": "3pm"}).get_json()["body"]

    assert "尊敬的" in body and body.endswith("Reply TD to opt out")
