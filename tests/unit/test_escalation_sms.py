"""Escalation notices by SMS: business hours only (complaint pages excepted), one digest per person."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from crm.models import CalendarOverride, Notification
from crm.services.cases.escalation import sweep
from crm.services.cases.notifications import pending_sms_digests, send_due_sms
from tests.case_factories import REMIND, CaseFactory
from tests.times import sh


@pytest.fixture
def cases(db):
    return CaseFactory(db.session)


@pytest.fixture
def owner(make, branch):
    return make.staff(role="agent", branch=branch, phone="13900000001")


@pytest.fixture
def duty(make, branch):
    staff = make.staff(role="supervisor", branch=branch, phone="13900000002")
    staff.on_duty = True
    make.session.commit()
    return staff


class FakeGateway:
    """Stands in for the telephony client's SMS call: records (to, body), answers a message SID."""

    def __init__(self, fail_for=()):
        self.sent = []
        self.fail_for = set(fail_for)

    def __call__(self, to, body):
        if to in self.fail_for:
            raise ConnectionError("gateway down")
        self.sent.append((to, body))
        return f"SM{len(self.sent):032d}"


def only_notice(db):
    db.session.expire_all()
    return db.session.scalars(select(Notification)).one()


def test_a_reminder_inside_business_hours_may_be_texted_at_once(db, cases, owner):
    cases.case(owner, opened_at=sh(11, 23, 10))

    sweep(db.session, REMIND)

    notice = only_notice(db)
    assert (notice.sms_state, notice.sms_not_before) == ("pending", REMIND)
    assert [d.phone for d in pending_sms_digests(db.session, REMIND)] == ["+8613900000001"]


def test_a_notice_raised_after_hours_reaches_the_inbox_now_and_the_phone_at_the_next_opening(db, cases, owner):
    cases.case(owner, opened_at=sh(11, 23, 10))
    evening = sh(11, 24, 19)  # the sweep ran late, after closing time

    sweep(db.session, evening)

    notice = only_notice(db)
    assert notice.created_at == evening and notice.read_at is None
    assert (notice.sms_state, notice.sms_not_before) == ("pending", sh(11, 25, 9))
    assert pending_sms_digests(db.session, sh(11, 25, 8, 59)) == []
    assert len(pending_sms_digests(db.session, sh(11, 25, 9))) == 1


def test_a_complaint_dispatch_page_is_texted_at_night(db, cases, owner, duty):
    saturday_night = sh(11, 28, 22)
    cases.case(owner, kind="complaint", opened_at=saturday_night)
    paged_at = saturday_night + timedelta(minutes=5)

    sweep(db.session, paged_at)
    gateway = FakeGateway()
    send_due_sms(db.session, paged_at, gateway)

    notice = only_notice(db)
    assert (notice.kind, notice.recipient_id, notice.sms_not_before) == ("complaint_dispatch", duty.id, paged_at)
    assert [to for to, _ in gateway.sent] == ["+8613900000002"]
    assert "待派单" in gateway.sent[0][1]


def test_staff_without_a_phone_get_the_inbox_notice_only(db, make, branch, cases):
    cases.case(make.staff(role="agent", branch=branch), opened_at=sh(11, 23, 10))

    sweep(db.session, REMIND)

    assert only_notice(db).sms_state == "none"
    assert pending_sms_digests(db.session, REMIND) == []


def test_several_reminders_from_one_sweep_go_to_each_person_as_one_digest(db, make, branch, cases, owner):
    mine = [cases.case(owner, opened_at=sh(11, 23, 10)) for _ in range(3)]
    colleague = make.staff(role="agent", branch=branch, phone="13900000003")
    theirs = cases.case(colleague, opened_at=sh(11, 23, 10))
    sweep(db.session, REMIND)
    gateway = FakeGateway()

    run = send_due_sms(db.session, REMIND, gateway)
    db.session.commit()

    assert (run.sent, run.failed) == (2, 0)
    texts = dict(gateway.sent)
    assert texts["+8613900000001"] == "【客服提醒】您有3个工单即将到期: " + " ".join(f"#{c.id}" for c in mine)
    assert texts["+8613900000003"] == f"【客服提醒】您有1个工单即将到期: #{theirs.id}"
    db.session.expire_all()
    states = db.session.execute(select(Notification.sms_state, Notification.sms_sid, Notification.sms_sent_at)).all()
    assert {state for state, _, _ in states} == {"sent"} and all(sid and at == REMIND for _, sid, at in states)
    assert send_due_sms(db.session, REMIND + timedelta(minutes=1), gateway).sent == 0
    assert len(gateway.sent) == 2


def test_a_digest_names_each_kind_of_notice_most_pressing_first(db, make, branch, cases, owner):
    owner.supervisor_id = owner.id  # the owner supervises themselves: one person hears both steps
    make.session.commit()
    late = cases.case(owner, opened_at=sh(11, 20, 10))  # Fri: due Tue 10:00, reminded Mon 14:00
    fresh = cases.case(owner, opened_at=sh(11, 23, 10))
    sweep(db.session, REMIND)

    [digest] = pending_sms_digests(db.session, REMIND)

    assert digest.body == f"【客服提醒】您有1个工单已超期: #{late.id}；2个工单即将到期: #{late.id} #{fresh.id}"


def test_a_failed_send_marks_that_digest_failed_and_the_others_still_go(db, make, branch, cases, owner):
    cases.case(owner, opened_at=sh(11, 23, 10))
    cases.case(make.staff(role="agent", branch=branch, phone="13900000003"), opened_at=sh(11, 23, 10))
    sweep(db.session, REMIND)
    gateway = FakeGateway(fail_for={"+8613900000001"})

    run = send_due_sms(db.session, REMIND, gateway)
    db.session.commit()

    assert (run.sent, run.failed) == (1, 1)
    states = dict(db.session.execute(select(Notification.recipient_id, Notification.sms_state)).all())
    assert states[owner.id] == "failed"
    assert sorted(states.values()) == ["failed", "sent"]


def test_the_sms_waits_past_a_holiday_the_installation_added(db, cases, owner):
    db.session.add(CalendarOverride(day=date(2026, 11, 25), kind="holiday", note="所庆"))
    db.session.commit()
    cases.case(owner, opened_at=sh(11, 23, 10))

    sweep(db.session, sh(11, 24, 19))

    assert only_notice(db).sms_not_before == sh(11, 26, 9)


def test_a_person_who_chose_english_gets_the_digest_in_english(db, make, branch, cases, owner):
    owner.supervisor_id, owner.language = owner.id, "en"
    make.session.commit()
    late = cases.case(owner, opened_at=sh(11, 20, 10))
    fresh = cases.case(owner, opened_at=sh(11, 23, 10))
    sweep(db.session, REMIND)

    [digest] = pending_sms_digests(db.session, REMIND)

    assert digest.body == (
        f"[Service reminder] You have 1 case overdue: #{late.id}; 2 cases due soon: #{late.id} #{fresh.id}"
    )
