"""The callback survey call walked end to end: the dialer places it through the Twilio stand-in,
the scripted callee answers (or not), and what the customer keyed is what the run holds."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crm.models import Call, CaseEvent, Notification, SurveyAnswer, SurveyRun
from crm.services.surveys import runs
from crm.services.surveys.default_surveys import ensure_default_surveys
from tests.case_factories import CaseFactory, resolve_and_sweep
from tests.conftest import auth
from tests.times import sh
from workers.surveys import dial_surveys

PHONE = "+8613800138000"
HAPPY = ("1", "1", "1", "2", "10")


@pytest.fixture
def resolved(db, make, agent, supervisor, clock, twilio_stub):
    """A case of a customer with a phone, just resolved by its agent (Mon 2026-11-23 10:00 Shanghai)."""
    ensure_default_surveys(db.session)
    customer = make.customer(manager=agent, phones=("13800138000",))
    case = CaseFactory(db.session).case(agent, customer_id=customer.id)
    resolve_and_sweep(db.session, agent, case)
    db.session.commit()
    return case


def run_of(db, case):
    return db.session.scalar(select(SurveyRun).where(SurveyRun.case_id == case.id))


def call(db, twilio_stub, **callee):
    """One dialer tick, the customer behaving as ``callee`` says; the call's transcript."""
    twilio_stub.callee(PHONE, **callee)
    dial_surveys()
    transcripts = twilio_stub.run_pending_calls()
    db.session.expire_all()
    return transcripts


def answers(db, run):
    rows = db.session.execute(
        select(SurveyAnswer.question_id, SurveyAnswer.value, SurveyAnswer.recording_url, SurveyAnswer.transcription)
        .where(SurveyAnswer.run_id == run.id)
        .order_by(SurveyAnswer.question_id)
    ).all()
    codes = {q.id: q.code for q in run.survey.questions}
    return {codes[qid]: value or (url and text) for qid, value, url, text in rows}


def test_resolving_a_case_owes_its_customer_a_survey_call_now(db, resolved, clock):
    run = run_of(db, resolved)

    assert (run.state, run.attempts, run.to_number) == ("scheduled", 0, PHONE)
    assert run.next_attempt_at == clock.at


def test_happy_path_stores_every_answer_as_keyed_and_the_case_stays_resolved(db, twilio_stub, resolved):
    [transcript] = call(db, twilio_stub, keys=HAPPY, record_text="希望回访更及时")

    run = run_of(db, resolved)
    assert transcript.heard[0].startswith("您好，我们是测试营业部") and "回访" in transcript.heard[0]
    assert "感谢您的合作" in transcript.heard[-1] and "+862195500" in transcript.heard[-1]
    assert answers(db, run) == {
        "solved": "1",
        "attitude": "1",
        "charged": "2",
        "score": "10",
        "suggestions": "希望回访更及时",
    }
    assert (run.state, run.attempts, run.call_sid) == ("completed", 1, transcript.call_sid)
    db.session.refresh(resolved)
    assert resolved.status == "resolved"
    assert twilio_stub.calls[0].machine_detection == "Enable"
    logged = db.session.scalar(select(Call).where(Call.sid == transcript.call_sid))
    assert (logged.direction, logged.outcome, logged.customer_id, logged.case_id) == (
        "outbound",
        "answered",
        run.customer_id,
        resolved.id,
    )


def test_a_dissatisfied_customer_reopens_the_case_and_the_supervisor_is_told(db, twilio_stub, resolved, supervisor):
    call(db, twilio_stub, keys=("1", "1", "3", "1", "8"))

    db.session.refresh(resolved)
    assert (resolved.status, resolved.reopened_count) == ("reopened", 1)
    escalated = db.session.scalars(select(CaseEvent).where(CaseEvent.action == "survey.escalated")).all()
    assert len(escalated) == 1 and escalated[0].detail["answer"] == "attitude=3"
    notice = db.session.scalar(select(Notification).where(Notification.kind == "survey_dissatisfied"))
    assert (notice.recipient_id, notice.case_id) == (supervisor.id, resolved.id)


def test_not_solved_and_dissatisfied_in_one_call_reopen_and_escalate_once(db, twilio_stub, resolved):
    call(db, twilio_stub, keys=("1", "2", "3", "1", "3"))

    db.session.refresh(resolved)
    assert resolved.reopened_count == 1
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 1
    assert answers(db, run_of(db, resolved))["score"] == "3"


def test_a_score_of_five_reopens_the_case(db, twilio_stub, resolved):
    call(db, twilio_stub, keys=("1", "1", "1", "2", "5"))

    db.session.refresh(resolved)
    assert resolved.status == "reopened"


def test_a_score_of_seven_does_not(db, twilio_stub, resolved):
    call(db, twilio_stub, keys=("1", "1", "1", "2", "7"))

    db.session.refresh(resolved)
    assert resolved.status == "resolved"


def test_a_hang_up_mid_survey_keeps_the_answers_so_far(db, twilio_stub, resolved):
    # Heard: opening, Q1, Q2, then hangs up while Q3 is asked.
    call(db, twilio_stub, keys=("1", "1", "2", "1"), hangup_after=4)

    run = run_of(db, resolved)
    assert answers(db, run) == {"solved": "1", "attitude": "2"}
    assert (run.state, run.last_result) == ("declined", "hung_up")


def test_busy_three_times_is_unreachable_after_backoff(db, twilio_stub, resolved, clock):
    run = run_of(db, resolved)
    seen = []
    for _ in range(3):
        call(db, twilio_stub, answer="busy")
        db.session.refresh(run)
        seen.append((run.state, run.attempts, run.next_attempt_at))
        if run.next_attempt_at:
            clock.set(run.next_attempt_at)

    assert seen == [
        ("scheduled", 1, sh(11, 23, 10, 30)),
        ("scheduled", 2, sh(11, 23, 12, 30)),
        ("unreachable", 3, None),
    ]
    assert len(twilio_stub.calls) == 3
    assert run.last_result == "busy"


def test_an_answering_machine_is_retried_later(db, twilio_stub, resolved):
    [transcript] = call(db, twilio_stub, answer="machine")

    run = run_of(db, resolved)
    assert transcript.answered_by == "machine_start" and transcript.heard == []
    assert (run.state, run.attempts, run.last_result) == ("scheduled", 1, "machine")
    assert run.next_attempt_at == sh(11, 23, 10, 30)
    assert answers(db, run) == {}


def test_no_answer_late_in_the_day_is_retried_at_the_next_opening(db, twilio_stub, resolved, clock):
    clock.set(sh(11, 23, 16, 45))
    call(db, twilio_stub, answer="no-answer")

    assert run_of(db, resolved).next_attempt_at == sh(11, 24, 9)


def test_not_convenient_now_books_the_same_time_next_working_day(db, twilio_stub, resolved):
    [transcript] = call(db, twilio_stub, keys=("2",))  # then silence at the openings offered, twice

    run = run_of(db, resolved)
    assert transcript.heard.count(OFFER) == 2
    assert (run.state, run.attempts, run.last_result) == ("scheduled", 0, "rebooked")
    assert run.next_attempt_at == sh(11, 24, 10)
    assert "11月24日10点00分" in transcript.heard[-1]


OFFER = "请问您什么时候方便接听回访？今天下午请按1，明天上午请按2，明天下午请按3。"


@pytest.mark.parametrize(("key", "booked"), [("1", sh(11, 23, 14)), ("2", sh(11, 24, 9)), ("3", sh(11, 24, 14))])
def test_not_convenient_offers_the_next_openings_and_books_the_one_pressed(db, twilio_stub, resolved, key, booked):
    [transcript] = call(db, twilio_stub, keys=("2", key))

    run = run_of(db, resolved)
    assert transcript.heard[1] == OFFER
    assert (run.state, run.attempts, run.last_result) == ("scheduled", 0, "rebooked_by_customer")
    assert run.next_attempt_at == booked
    assert f"{booked.month}月{booked.day}日{booked.hour}点00分" in transcript.heard[-1]


def test_the_booked_opening_is_rung_then(db, twilio_stub, resolved, clock):
    call(db, twilio_stub, keys=("2", "1"))
    clock.set(sh(11, 23, 13, 59))
    dial_surveys()
    assert len(twilio_stub.calls) == 1
    clock.set(sh(11, 23, 14))
    dial_surveys()
    assert len(twilio_stub.calls) == 2


def test_a_wrong_key_after_the_retry_books_the_same_time_next_working_day(db, twilio_stub, resolved):
    [transcript] = call(db, twilio_stub, keys=("2", "7", "9"))

    run = run_of(db, resolved)
    assert transcript.heard.count(OFFER) == 2 and "对不起，您的输入有误。" in transcript.heard
    assert (run.next_attempt_at, run.last_result) == (sh(11, 24, 10), "rebooked")
    assert "11月24日10点00分" in transcript.heard[-1]


def test_hanging_up_while_the_openings_are_offered_keeps_the_next_working_day(db, twilio_stub, resolved):
    call(db, twilio_stub, keys=("2",), hangup_after=2)

    run = run_of(db, resolved)
    assert (run.state, run.attempts, run.next_attempt_at) == ("scheduled", 0, sh(11, 24, 10))


def rebook_path(run, asked):
    return f"/twilio/surveys/{run.id}/rebook?asked={int(asked.timestamp())}&try=1"


def test_the_key_is_read_against_the_openings_heard(db, twilio_stub, resolved, signed_post, clock):
    # Offered at 13:59:50 ("今天下午" = 14:00 is key 1), pressed at 14:00:10, when it is no longer ahead.
    [transcript] = call(db, twilio_stub, keys=("2",), hangup_after=2)
    run = run_of(db, resolved)
    clock.set(sh(11, 23, 14) + timedelta(seconds=10))

    signed_post(
        rebook_path(run, sh(11, 23, 14) - timedelta(seconds=10)), {"CallSid": transcript.call_sid, "Digits": "1"}
    )

    db.session.refresh(run)
    assert run.next_attempt_at == sh(11, 23, 14)


def test_retried_and_repeated_deliveries_keep_the_opening_pressed(db, twilio_stub, resolved, signed_post, clock):
    [transcript] = call(db, twilio_stub, keys=("2", "1"))
    run = run_of(db, resolved)
    sid = transcript.call_sid

    retried = signed_post(rebook_path(run, clock.at), {"CallSid": sid, "Digits": "1"})
    again = signed_post(rebook_path(run, clock.at), {"CallSid": sid, "Digits": "1"})
    other_key = signed_post(rebook_path(run, clock.at), {"CallSid": sid, "Digits": "3"})
    opening_again = signed_post(f"/twilio/surveys/{run.id}/opening?try=1", {"CallSid": sid, "Digits": "2"})

    assert retried.get_data() == again.get_data()
    assert all(response.status_code == 200 for response in (retried, other_key, opening_again))
    db.session.refresh(run)
    assert (run.state, run.attempts, run.next_attempt_at) == ("scheduled", 0, sh(11, 23, 14))


def test_silence_at_the_opening_is_a_failed_attempt(db, twilio_stub, resolved):
    call(db, twilio_stub, keys=())

    run = run_of(db, resolved)
    assert (run.state, run.attempts, run.last_result) == ("scheduled", 1, "no_response")


def test_a_case_resolved_friday_evening_is_called_monday_at_nine(db, make, agent, clock, twilio_stub):
    ensure_default_surveys(db.session)
    clock.set(sh(11, 20, 18))
    customer = make.customer(manager=agent)
    case = CaseFactory(db.session).case(agent, customer_id=customer.id)
    resolve_and_sweep(db.session, agent, case)
    db.session.commit()

    assert run_of(db, case).next_attempt_at == sh(11, 23, 9)
    clock.set(sh(11, 21, 10))
    dial_surveys()
    assert twilio_stub.calls == []
    clock.set(sh(11, 23, 9))
    dial_surveys()
    assert len(twilio_stub.calls) == 1


def test_a_duplicated_answer_webhook_changes_nothing(db, twilio_stub, resolved, signed_post):
    [transcript] = call(db, twilio_stub, keys=HAPPY)
    run = run_of(db, resolved)
    before = answers(db, run)

    path = f"/twilio/surveys/{run.id}/questions/2?try=1"
    first = signed_post(path, {"CallSid": transcript.call_sid, "Digits": "3"})
    again = signed_post(path, {"CallSid": transcript.call_sid, "Digits": "3"})

    db.session.expire_all()
    assert answers(db, run) == before
    assert first.get_data() == again.get_data()
    db.session.refresh(resolved)
    assert resolved.status == "resolved"


def test_a_flagged_answer_delivered_twice_answers_alike_and_escalates_once(
    db, twilio_stub, resolved, signed_post, supervisor
):
    """The answer step runs without looking its receipt up first: the repeat collides with the stored
    receipt at commit, is rolled back and gets the stored TwiML."""
    [transcript] = call(db, twilio_stub, keys=("1", "1", "3", "1", "8"))
    run = run_of(db, resolved)
    path = f"/twilio/surveys/{run.id}/questions/2?try=1"
    first = signed_post(path, {"CallSid": transcript.call_sid, "Digits": "3"})
    again = signed_post(path, {"CallSid": transcript.call_sid, "Digits": "3"})

    assert first.status_code == again.status_code == 200
    assert first.get_data() == again.get_data()
    assert b"<Gather" in first.get_data()
    db.session.expire_all()
    assert answers(db, run)["attitude"] == "3"
    escalated = select(func.count()).select_from(CaseEvent).where(CaseEvent.action == "survey.escalated")
    assert db.session.scalar(escalated) == 1
    told = select(func.count()).select_from(Notification).where(Notification.kind == "survey_dissatisfied")
    assert db.session.scalar(told) == 1


def test_two_dialer_ticks_at_the_same_instant_dial_once(db, twilio_stub, resolved):
    dial_surveys()
    dial_surveys()

    assert len(twilio_stub.calls) == 1
    assert run_of(db, resolved).attempts == 1


def test_a_late_status_callback_of_an_earlier_attempt_changes_nothing(db, twilio_stub, resolved, signed_post, clock):
    [first] = call(db, twilio_stub, answer="busy")
    clock.advance(timedelta(minutes=30))
    twilio_stub.callee(PHONE, answer="human")
    dial_surveys()
    run = run_of(db, resolved)

    signed_post(f"/twilio/surveys/{run.id}/status", {"CallSid": first.call_sid, "CallStatus": "no-answer"})

    db.session.refresh(run)
    assert (run.state, run.attempts) == ("calling", 2)


def test_a_visit_spot_check_asks_about_the_visit_and_flags_a_denial(db, make, agent, supervisor, clock, twilio_stub):
    ensure_default_surveys(db.session)
    visit = make.visit(
        agent, make.customer(manager=agent), channel="on_site", started_at=sh(11, 20, 15), summary="上门服务"
    )
    run = runs.schedule_visit_survey(db.session, visit)
    db.session.commit()

    [transcript] = call(db, twilio_stub, keys=("1", "2", "1"))

    assert f"客户经理{agent.name}是否在11月20日拜访或致电过您" in transcript.heard[1]
    db.session.refresh(run)
    assert run.state == "completed"
    notice = db.session.scalar(select(Notification).where(Notification.kind == "visit_check_flagged"))
    assert notice.recipient_id == supervisor.id


def test_a_survey_written_in_english_is_heard_in_english_with_its_prompts(db, twilio_stub, resolved):
    run = run_of(db, resolved)
    run.survey.language = "en-US"
    run.survey.opening = "Hello from {branch}. Press 1 to go on, 2 if now is not convenient."
    db.session.commit()

    [transcript] = call(db, twilio_stub, keys=("2",))

    assert transcript.heard[0].startswith("Hello from ")
    assert transcript.heard[1] == (
        "When would suit you for the callback survey? today in the afternoon, press 1, "
        "tomorrow in the morning, press 2, tomorrow in the afternoon, press 3."
    )
    assert transcript.heard[-1] == "Fine, we will call you again on 11/24 at 10:00. Goodbye!"


def test_texts_an_admin_changed_are_what_the_next_survey_call_speaks(db, client, admin, twilio_stub, resolved):
    survey = run_of(db, resolved).survey
    first = survey.questions[0]
    changed = client.patch(
        f"/api/v1/surveys/{survey.id}",
        json={"opening": "{branch}回访，方便请按1。", "closing": "谢谢，热线{hotline}。"},
        headers=auth(admin),
    )
    question_url = f"/api/v1/surveys/{survey.id}/questions/{first.id}"
    prompt = client.patch(question_url, json={"prompt": "解决了吗？是按1，否按2。"}, headers=auth(admin))
    assert (changed.status_code, prompt.status_code) == (200, 200)

    [transcript] = call(db, twilio_stub, keys=HAPPY, record_text="无")

    assert transcript.heard[0].startswith("测试营业部") and transcript.heard[0].endswith("回访，方便请按1。")
    assert transcript.heard[1] == "解决了吗？是按1，否按2。"
    assert transcript.heard[-1].startswith("谢谢，热线+862195500")
    assert answers(db, run_of(db, resolved))["solved"] == "1"
