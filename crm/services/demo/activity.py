"""The demo's recent activity (issue 11): what a supervisor opens on the first start and finds filled.

Over the last ``CALL_WORKING_DAYS`` working days: the branches' phone traffic with transcripts and their
QA checks (``crm.services.demo.calls``); a few inquiries taken on those calls, resolved, and answered in
the callback survey; the work logs of the last ``WORK_LOG_DAYS`` working days; one spot check of an
agent's visits drawn by their supervisor; and a few care dates on that agent's customers. Everything but
the calls goes through the services a user's actions go through, at the time it would have happened. Some
inquiries of the last working days are still open, a few past their one-working-day deadline, so the
supervisor board and the agents' desks have cases to show (the escalation sweep then reminds and escalates
them as it would).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from crm.core import clock
from crm.models import Survey, SurveyRun
from crm.services.activity import customer_dates, spot_checks, work_logs
from crm.services.cases import workflow
from crm.services.demo import calls as demo_calls
from crm.services.quality.qa_phrases import ensure_default_phrases
from crm.services.surveys import runs
from crm.services.surveys.default_surveys import CASE_SURVEY

CALL_WORKING_DAYS = 20
WORK_LOG_DAYS = 3
SURVEYED_CASES = 8
# Open inquiries per agent, taken this many working days ago (the reply is due within one working day).
OPEN_CASE_AGES = (0, 1, 3)
SPOT_CHECK_VISITS = 3
INQUIRIES = (
    "咨询委托未成交原因",
    "咨询融资融券开通条件",
    "咨询银证转账到账时间",
    "咨询新股申购额度",
    "交易软件无法登录",
)
# Callback survey answers of a satisfied or middling customer (a flagged answer would reopen the case).
ATTITUDES = {"1": 7, "2": 3}
CARE_DATES = (("account_anniversary", "开户纪念日"), ("wedding_anniversary", None), ("family_birthday", "子女生日"))


@dataclass
class Activity:
    calls: int
    qa_checks: int
    surveys: int
    work_logs: int


def seed_activity(session, rnd, staff, customers, seed):
    """Add the recent activity of ``staff`` with ``customers``; what was added. ``seed`` draws the spot check."""
    agents = [member for member in staff if member.role == "agent"]
    today = clock.local(clock.now()).date()
    days = demo_calls.working_days(session, today, CALL_WORKING_DAYS)
    ensure_default_phrases(session)  # the checks need the QA phrases, as `kefu load-defaults` installs them
    written = demo_calls.seed_calls(session, rnd, days, agents, customers)
    surveyed = _callback_surveys(session, rnd, demo_calls.answered_inbound(written), days[-2])
    _open_inquiries(session, rnd, demo_calls.answered_inbound(written), days)
    checked = demo_calls.check_quality(session)
    logs = 0
    for day in days[-WORK_LOG_DAYS:]:
        with clock.frozen(_local(day, time(19))):
            logs += work_logs.generate(session, day)
    supervisor = next(member for member in staff if member.role == "supervisor")
    agent = next(member for member in agents if member.branch_id == supervisor.branch_id)
    spot_checks.draw_spot_check(
        session, supervisor, agent.id, today - timedelta(days=30), today, SPOT_CHECK_VISITS, seed
    )
    _care_dates(session, rnd, agent, [customer for customer in customers if customer.manager_id == agent.id])
    return Activity(len(written), checked, surveyed, logs)


def _local(day, at):
    return clock.as_utc(datetime.combine(day, at, tzinfo=clock.zone()))


def _callback_surveys(session, rnd, calls, before):
    """Inquiries taken on ``SURVEYED_CASES`` of the answered ``calls`` (started before the day ``before``),
    resolved within the hour, and their callback surveys answered; how many were answered."""
    survey = session.scalar(select(Survey).where(Survey.code == CASE_SURVEY))
    earlier = [call for call in calls if clock.local(call.started_at).date() < before]
    taken = rnd.sample(earlier, min(SURVEYED_CASES, len(earlier)))
    for call in taken:
        with clock.frozen(call.answered_at):
            data = {"kind": "inquiry", "channel": "phone", "subject": rnd.choice(INQUIRIES)}
            case = workflow.open_case(session, call.agent, {**data, "customer_id": call.customer_id})
            call.case_id = case.id
        with clock.frozen(call.ended_at + timedelta(minutes=rnd.randint(5, 60))):
            workflow.resolve(session, call.agent, case, note="已答复客户")
            runs.owe_callback_surveys(session, clock.now())
        run = session.scalar(select(SurveyRun).where(SurveyRun.case_id == case.id))
        with clock.frozen(run.next_attempt_at + timedelta(minutes=rnd.randint(1, 30))):
            _answer(session, rnd, run, survey)
    return len(taken)


def _open_inquiries(session, rnd, calls, days):
    """Inquiries taken on calls ``OPEN_CASE_AGES`` working days ago, one agent of each branch each, left open."""
    taken = set()
    for age in OPEN_CASE_AGES:
        day = days[-1 - age]
        on_day = [call for call in calls if clock.local(call.started_at).date() == day and call.case_id is None]
        for call in on_day:
            if (call.agent.branch_id, age) in taken:
                continue
            taken.add((call.agent.branch_id, age))
            with clock.frozen(call.answered_at):
                data = {"kind": "inquiry", "channel": "phone", "subject": rnd.choice(INQUIRIES)}
                call.case_id = workflow.open_case(session, call.agent, {**data, "customer_id": call.customer_id}).id


def _answer(session, rnd, run, survey):
    """The customer answers every question but the optional voice message; the run completes."""
    answers = {
        "solved": "1",
        "attitude": rnd.choices(list(ATTITUDES), weights=list(ATTITUDES.values()))[0],
        "charged": "2",
        "score": str(rnd.randint(7, 10)),
    }
    for question in survey.questions:
        if question.code in answers:
            runs.record_answer(session, run, question, answers[question.code])
    runs.complete(session, run)


def _care_dates(session, rnd, agent, customers):
    """Care dates on a few of the agent's customers, falling in the coming weeks."""
    today = clock.local(clock.now()).date()
    for customer, (kind, label) in zip(customers, CARE_DATES, strict=False):
        upcoming = today + timedelta(days=rnd.randint(3, 40))
        day = date(upcoming.year - rnd.randint(1, 10), upcoming.month, min(upcoming.day, 28))
        customer_dates.add_date(session, agent, customer, kind, day, yearly=True, label=label)
