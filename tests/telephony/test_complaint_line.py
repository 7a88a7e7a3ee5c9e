"""The complaint line (menu 2): category, recording, case, page, and a call when still undispatched."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from crm.models import Case, ComplaintCallout, Notification
from crm.services.calls import complaint_line
from crm.services.cases import workflow as case_service
from tests.telephony.ivr_walk import CALLER
from workers import calls

RECORDING = "https://api.twilio.com/rec/RE77"


def complain(caller, key="1"):
    caller.dial()
    caller.follow("Gather", Digits="2")
    caller.follow("Gather", Digits=key)
    caller.follow("Record", RecordingUrl=RECORDING, RecordingSid="RE77")


def the_complaint(db):
    db.session.expire_all()
    return db.session.scalars(select(Case).where(Case.kind == "complaint")).one()


def test_complaint_menu_offers_the_four_categories(caller, duty):
    caller.dial()
    caller.follow("Gather", Digits="2")
    assert caller.heard() == ["服务态度请按1，业务能力请按2，办事效率请按3，其他问题请按4。"]


def test_recorded_complaint_opens_a_case_owned_by_the_duty_supervisor_due_in_5_minutes(caller, duty, db, clock):
    complain(caller, key="1")
    case = the_complaint(db)
    assert (case.category, case.owner_id, case.channel, case.status) == ("attitude", duty.id, "ivr", "new")
    assert RECORDING in case.body and CALLER not in case.body and case.caller_number == CALLER
    dispatch = next(d for d in case.deadlines if d.clock == "dispatch")
    assert dispatch.due_at == clock.at + timedelta(minutes=5)
    assert caller.heard()[0] == "您的投诉已受理，主管将尽快处理并答复您。"


def test_complaint_recording_is_transcribed_into_the_case(caller, duty, db):
    caller.dial()
    caller.follow("Gather", Digits="2")
    caller.follow("Gather", Digits="3")
    record = caller.last.find("Record")
    assert record.get("transcribe") == "true"
    assert record.get("transcribeCallback") == "/twilio/calls/transcription"
    caller.follow("Record", RecordingUrl=RECORDING, RecordingSid="RE77")
    text = {"RecordingSid": "RE77", "TranscriptionText": "柜台人员办理太慢了", "TranscriptionStatus": "completed"}
    caller.post("/twilio/calls/transcription", **text)
    caller.post("/twilio/calls/transcription", **text, TranscriptionSid="TR-retry")
    case = the_complaint(db)
    assert case.category == "efficiency"
    assert case.body.count("柜台人员办理太慢了") == 1
    assert [e.action for e in case_service.history(db.session, case)] == ["opened", "transcribed"]


def test_known_caller_is_the_complaints_customer(caller, duty, make, agent, db):
    customer = make.customer(manager=agent, phones=(CALLER,))
    complain(caller, key="4")
    assert (the_complaint(db).customer_id, the_complaint(db).category) == (customer.id, "other")


def test_a_wrong_category_key_is_asked_again_then_filed_as_other(caller, duty, db):
    caller.dial()
    caller.follow("Gather", Digits="2")
    caller.follow("Gather", Digits="9")
    assert caller.heard()[0] == "对不起，您的输入有误。"
    caller.follow("Redirect")
    caller.follow("Record", RecordingUrl=RECORDING, RecordingSid="RE77")
    assert the_complaint(db).category == "other"


def test_duty_supervisor_is_paged_by_sms_at_once(caller, duty, db, clock):
    complain(caller)
    [page] = db.session.scalars(select(Notification).where(Notification.recipient_id == duty.id)).all()
    assert (page.kind, page.sms_state, page.sms_not_before) == ("complaint_dispatch", "pending", clock.at)
    assert f"#{the_complaint(db).id}" in page.text


def test_complaint_page_is_urgent_even_at_night(duty, branch, db, clock):
    clock.set(datetime(2026, 11, 23, 14, 30, tzinfo=UTC))  # 22:30: an ordinary SMS would wait for 09:00
    case = case_service.open_case(
        db.session,
        duty,
        {"kind": "complaint", "channel": "phone", "subject": "夜间投诉", "branch_id": branch.id, "demand": "要求道歉"},
    )
    complaint_line.page_duty_supervisors(db.session, case)
    page = db.session.scalars(select(Notification)).one()
    assert page.sms_not_before == clock.at


def test_undispatched_complaint_rings_the_duty_supervisor_after_5_minutes_once(caller, duty, db, clock, twilio_stub):
    complain(caller)
    assert calls.call_about_undispatched_complaints()["placed"] == 0  # not yet due
    clock.advance(timedelta(minutes=5))
    assert calls.call_about_undispatched_complaints() == {"owed": 1, "placed": 1, "failed": 0}
    assert calls.call_about_undispatched_complaints()["placed"] == 0  # a second run never calls twice

    [call] = twilio_stub.calls
    assert call.to == duty.phone
    assert call.url.endswith(f"/twilio/voice/complaint/page?case_id={the_complaint(db).id}")
    callout = db.session.scalars(select(ComplaintCallout)).one()
    assert (callout.call_sid, callout.placed_at) == (call.sid, clock.at)
    notice = db.session.scalars(select(Notification).where(Notification.kind == "complaint_dispatch_call")).one()
    assert notice.text == f"投诉工单#{the_complaint(db).id}仍未派单，系统已致电您。"  # no caller data in it


def test_dispatched_complaint_rings_nobody(caller, duty, agent, db, clock):
    complain(caller)
    case_service.assign(db.session, duty, the_complaint(db), agent.id)
    db.session.commit()
    clock.advance(timedelta(minutes=6))
    assert calls.call_about_undispatched_complaints() == {"owed": 0, "placed": 0, "failed": 0}


def test_page_call_tells_the_supervisor_which_complaint(caller, duty, db, signed_post):
    complain(caller)
    case_id = the_complaint(db).id
    response = signed_post(f"/twilio/voice/complaint/page?case_id={case_id}", {"CallSid": "CA-page"})
    assert f"投诉工单{case_id}号「电话投诉：服务态度」已超过五分钟未派单" in response.get_data(as_text=True)


@pytest.mark.parametrize("step", ["category", "recorded", "page"])
def test_complaint_routes_refuse_a_wrong_signature(signed_post, duty, db, step):
    path = f"/twilio/voice/complaint/{step}"
    assert signed_post(path, {"CallSid": "CA-x", "Digits": "1"}, token="forged").status_code == 403
    assert db.session.scalars(select(Case)).all() == []
