"""The inbound IVR walked end to end through signed webhooks (issue 5 §3)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from crm.models import Call, Case
from crm.services.calls.presence import set_presence
from tests.telephony.ivr_walk import CALLER, Caller


@pytest.fixture
def caller(signed_post, phone_lines, clock):
    return Caller(signed_post, phone_lines["hotline"])


def ready(db, *people):
    for n, person in enumerate(people):
        set_presence(db.session, person, "ready", at=datetime(2026, 11, 23, 1, n, tzinfo=UTC))
    db.session.commit()


def cases(db, **filters):
    return db.session.scalars(select(Case).filter_by(**filters).order_by(Case.id)).all()


def test_in_hours_caller_hears_the_hotline_greeting_then_the_menu(caller, branch, db):
    caller.dial()
    assert caller.heard()[:2] == [
        f"您好，某某证券{branch.name}！",
        "账户业务请按1，投诉请按2，预约回电请按3，人工服务请按0。",
    ]
    gather = caller.last.find("Gather")
    assert gather.get("numDigits") == "1"
    call = caller.call(db.session)
    assert (call.direction, call.line, call.branch_id, call.from_number) == ("inbound", "hotline", branch.id, CALLER)


def test_menu_1_rings_a_ready_agent_of_the_branch_and_logs_who_answered(caller, agent, make, branch, db, clock):
    make.staff(role="agent", branch=make.branch())  # ready, but another branch's
    ready(db, agent)
    caller.dial()
    offered = clock.at
    caller.follow("Gather", Digits="1")
    assert caller.heard() == ["请稍等"]
    assert caller.last.find("Dial/Client/Identity").text == f"agent-{agent.job_no}"

    clock.advance(timedelta(seconds=57))  # rang 12 s, then talked 45 s
    caller.follow("Dial", DialCallStatus="completed", DialCallDuration="45", DialCallSid="CA-leg")
    assert caller.last.find("Hangup") is not None
    caller.post("/twilio/calls/status", CallStatus="completed", CallDuration="75")
    call = caller.call(db.session)
    assert (call.agent_id, call.outcome, call.duration_seconds, call.menu_choice) == (agent.id, "answered", 75, "1")
    assert call.queue_wait_seconds == 12
    # What the call-quality report reads: offered to the agents, first ring, the agent leg's talk time.
    assert (call.offered_at, call.first_ring_at, call.talk_seconds) == (offered, offered, 45)


def test_unanswered_agent_passes_the_caller_to_a_second_then_to_voicemail(caller, agent, make, branch, db):
    second = make.staff(role="agent", branch=branch)
    ready(db, agent, second)
    caller.dial()
    caller.follow("Gather", Digits="1")
    assert caller.last.find("Dial/Client/Identity").text == f"agent-{agent.job_no}"
    caller.follow("Dial", DialCallStatus="no-answer")
    assert caller.heard() == ["对不起，让您久等了"]
    assert caller.last.find("Dial/Client/Identity").text == f"agent-{second.job_no}"
    caller.follow("Dial", DialCallStatus="busy")
    assert caller.last.find("Record").get("action").endswith("reason=no_agent")


def test_no_ready_agent_takes_a_message_that_becomes_an_inquiry_case(caller, agent, supervisor, db):
    supervisor.on_duty = True
    db.session.commit()
    caller.dial()
    caller.follow("Gather", Digits="1")
    assert caller.last.find("Dial") is None
    caller.follow("Record", RecordingUrl="https://api.twilio.com/rec/RE1", RecordingSid="RE1")
    assert "您的留言已收到，我们将在下一个工作日主动与您联系。" in caller.heard()
    caller.post("/twilio/calls/status", CallStatus="completed", CallDuration="50")

    [case] = cases(db, kind="inquiry")
    assert (case.owner_id, case.channel, case.source_ref) == (supervisor.id, "ivr", f"voicemail:{caller.sid}")
    assert "https://api.twilio.com/rec/RE1" in case.body
    assert CALLER not in case.body and CALLER[3:] not in case.body and case.caller_number == CALLER
    call = caller.call(db.session)
    assert (call.outcome, call.case_id, call.recording_url) == ("voicemail", case.id, "https://api.twilio.com/rec/RE1")
    assert call.offered_at is not None and call.first_ring_at is None  # offered, but no agent's phone rang


def test_a_message_from_another_branchs_customer_is_their_branchs_case_without_their_name(caller, make, db):
    elsewhere = make.branch()
    manager = make.staff(role="agent", branch=elsewhere)
    make.customer(manager=manager, phones=(CALLER,), name="王小明")
    caller.dial()
    caller.follow("Gather", Digits="1")
    caller.follow("Record", RecordingUrl="https://api.twilio.com/rec/RE1", RecordingSid="RE1")

    [case] = cases(db, kind="inquiry")
    assert (case.branch_id, case.owner_id, case.caller_number) == (elsewhere.id, manager.id, CALLER)
    assert "王小明" not in case.body + case.subject and CALLER not in case.body + case.subject


def test_vip_caller_hears_the_club_greeting_and_their_own_manager_rings_first(caller, agent, make, branch, db):
    manager = make.staff(role="agent", branch=branch)
    customer = make.customer(manager=manager, phones=(CALLER,), is_vip=True, name="贵宾王")
    ready(db, agent, manager)  # the other agent has waited longer
    caller.dial()
    assert caller.heard()[0] == "您好，这里是某某证券财富俱乐部！"
    caller.follow("Gather", Digits="1")
    assert caller.last.find("Dial/Client/Identity").text == f"agent-{manager.job_no}"
    assert caller.call(db.session).line == "wealth_club"
    assert dial_parameters(caller) == {"CallSid": caller.call(db.session).sid, "customer_id": str(customer.id)}


def dial_parameters(caller):
    return {p.get("name"): p.get("value") for p in caller.last.findall("Dial/Client/Parameter")}


def test_the_agent_browser_gets_the_callers_call_sid_and_no_customer_for_an_unknown_number(caller, agent, db):
    ready(db, agent)
    caller.dial()
    caller.follow("Gather", Digits="1")
    assert dial_parameters(caller) == {"CallSid": caller.call(db.session).sid, "customer_id": ""}


def test_ordinary_customer_on_the_hotline_hears_the_hotline_greeting(caller, agent, branch, make, db):
    make.customer(manager=agent, phones=(CALLER,), is_vip=False)
    caller.dial()
    assert caller.heard()[0] == f"您好，某某证券{branch.name}！"


def test_menu_3_books_a_callback_case_with_the_callers_number(caller, agent, make, db):
    customer = make.customer(manager=agent, phones=(CALLER,))
    caller.dial()
    caller.follow("Gather", Digits="3")
    assert caller.heard() == ["我们已记录您的回电请求，客户经理将尽快回电。", "感谢您的来电，再见！"]
    caller.post("/twilio/calls/status", CallStatus="completed", CallDuration="20")

    [case] = cases(db, kind="inquiry")
    assert case.caller_number == CALLER
    assert CALLER not in case.subject and CALLER[3:] not in case.subject and not case.body
    assert (case.customer_id, case.owner_id) == (customer.id, agent.id)
    assert caller.call(db.session).outcome == "answered"


def test_menu_0_goes_to_an_agent(caller, agent, db):
    ready(db, agent)
    caller.dial()
    caller.follow("Gather", Digits="0")
    assert caller.last.find("Dial/Client/Identity").text == f"agent-{agent.job_no}"


def test_a_wrong_key_repeats_the_menu_once_then_silence_goes_to_an_agent(caller, agent, db):
    ready(db, agent)
    caller.dial()
    caller.follow("Gather", Digits="7")
    assert caller.heard()[0] == "对不起，您的输入有误。"
    assert caller.last.find("Gather").get("action").endswith("attempt=1")
    caller.follow("Redirect")  # no key pressed the second time
    assert caller.last.find("Dial/Client/Identity").text == f"agent-{agent.job_no}"


def test_caller_hanging_up_while_the_agent_rings_is_an_abandoned_call(caller, agent, make, branch, db):
    ready(db, agent, make.staff(role="agent", branch=branch))
    caller.dial()
    caller.follow("Gather", Digits="1")
    caller.follow("Dial", DialCallStatus="canceled", CallStatus="completed")
    assert caller.last.find("Dial") is None  # nobody else is rung for a caller who is gone
    caller.post("/twilio/calls/status", CallStatus="completed", CallDuration="12")
    call = caller.call(db.session)
    assert (call.outcome, call.agent_id) == ("abandoned", None)


def test_after_hours_message_and_voicemail_make_an_inquiry_due_next_working_day(caller, supervisor, db, clock):
    supervisor.on_duty = True
    db.session.commit()
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))  # Mon 20:00 in Shanghai
    caller.dial()
    heard = caller.heard()
    assert heard[1] == "现在是非工作时间，我们的工作时间是工作日上午九点至下午五点。"
    assert caller.last.find("Gather") is None
    voicemail_url = caller.last.find("Record").get("action")
    caller.post(voicemail_url, RecordingUrl="https://api.twilio.com/rec/RE9", RecordingSid="RE9")
    # Twilio retries with one parameter more: still one case.
    caller.post(voicemail_url, RecordingUrl="https://api.twilio.com/rec/RE9", RecordingSid="RE9", RecordingDuration="9")

    [case] = cases(db, kind="inquiry")
    assert case.subject == "非工作时间来电留言"
    [deadline] = case.deadlines
    assert deadline.clock == "first_response"
    assert deadline.due_at == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tue 17:00 in Shanghai


def test_after_hours_before_a_holiday_is_answered_after_it(caller, supervisor, db, clock):
    supervisor.on_duty = True
    db.session.commit()
    clock.set(datetime(2026, 9, 30, 12, 0, tzinfo=UTC))  # Wed 30 Sep 20:00; 1–7 Oct closed
    caller.dial()
    caller.follow("Record", RecordingUrl="https://api.twilio.com/rec/RE8", RecordingSid="RE8")
    [case] = cases(db, kind="inquiry")
    assert case.deadlines[0].due_at == datetime(2026, 10, 8, 9, 0, tzinfo=UTC)  # Thu 8 Oct 17:00


def test_unknown_dialled_number_falls_back_to_the_hotline(signed_post, phone_lines, branch, db, clock):
    Caller(signed_post, "+862100000000").dial()
    assert db.session.scalar(select(Call.branch_id)) == branch.id


@pytest.mark.parametrize(
    "path",
    ["/twilio/voice/incoming", "/twilio/voice/menu", "/twilio/voice/dial-result", "/twilio/voice/voicemail"],
)
def test_a_wrong_signature_is_refused_and_logs_nothing(signed_post, phone_lines, db, path):
    params = {"CallSid": "CA-forged", "From": CALLER, "To": phone_lines["hotline"], "Digits": "3"}
    assert signed_post(path, params, token="forged").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Call)) == 0
