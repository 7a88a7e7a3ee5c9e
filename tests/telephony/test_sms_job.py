"""The staff SMS job sends queued digests through the telephony client — once, and only in business hours."""

from datetime import UTC, datetime

from sqlalchemy import select

from crm.models import Notification
from crm.services.cases.notifications import notify
from workers.schedule import SCHEDULE
from workers.sms import send_staff_sms

SUNDAY_EVENING = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)  # Sun 20:00 in Shanghai
MONDAY_OPENING = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Mon 09:00 in Shanghai


def remind(db, person, n, at):
    notify(db.session, person, None, "case_reminder", f"工单{n}即将到期", f"test:{person.id}:{n}", at=at)
    db.session.commit()


def test_a_digest_queued_out_of_hours_goes_out_at_the_next_opening_once(make, branch, db, clock, twilio_stub):
    agent = make.staff(branch=branch, phone="+8613800138000")
    clock.set(SUNDAY_EVENING)
    remind(db, agent, 1, SUNDAY_EVENING)
    remind(db, agent, 2, SUNDAY_EVENING)

    assert send_staff_sms() == {"sent": 0, "failed": 0}
    assert twilio_stub.messages == []

    clock.set(MONDAY_OPENING)
    assert send_staff_sms() == {"sent": 1, "failed": 0}
    assert send_staff_sms() == {"sent": 0, "failed": 0}

    [message] = twilio_stub.messages
    assert message.to == "+8613800138000"
    assert message.body == "【客服提醒】您有2个工单即将到期"
    states = db.session.execute(select(Notification.sms_state, Notification.sms_sid)).all()
    assert states == [("sent", message.sid), ("sent", message.sid)]


def test_a_number_twilio_refuses_fails_that_digest_only(make, branch, db, clock, twilio_stub):
    clock.set(MONDAY_OPENING)
    unreachable = make.staff(branch=branch)
    unreachable.phone = "12345"  # an old row from before phones were validated
    remind(db, unreachable, 1, MONDAY_OPENING)
    remind(db, make.staff(branch=branch, phone="+8613900139000"), 2, MONDAY_OPENING)

    assert send_staff_sms() == {"sent": 1, "failed": 1}
    assert [message.to for message in twilio_stub.messages] == ["+8613900139000"]


def test_the_job_is_scheduled_every_minute_on_the_telephony_queue():
    [entry] = [periodic for periodic in SCHEDULE if periodic.func is send_staff_sms]
    assert (entry.queue, entry.cron) == ("telephony", "* * * * *")
