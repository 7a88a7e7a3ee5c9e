"""Survey services: the DOMAIN §7 defaults, answers as keyed, scheduling and the dialer's claims."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.core.pacing import Pacer
from crm.models import Notification, Survey, SurveyRun
from crm.services.cases import workflow
from crm.services.surveys import dialer, runs
from crm.services.surveys.default_surveys import ensure_default_surveys
from tests.case_factories import CaseFactory, resolve_and_sweep
from tests.concurrency import at_once
from tests.times import sh


@pytest.fixture
def seeded(db):
    ensure_default_surveys(db.session)
    db.session.commit()


@pytest.fixture
def resolved(db, seeded, make, agent, clock):
    customer = make.customer(manager=agent)
    case = CaseFactory(db.session).case(agent, customer_id=customer.id)
    resolve_and_sweep(db.session, agent, case)
    db.session.commit()
    return case


class Dialler:
    """A stand-in for the telephony client: remembers which runs it rang."""

    def __init__(self):
        self.rung = []

    def __call__(self, run):
        self.rung.append(run.id)
        return f"CA{len(self.rung):032d}"


def callback_survey(db):
    return db.session.scalar(select(Survey).where(Survey.code == "callback"))


def test_the_default_callback_survey_is_domain_section_7(db, seeded):
    survey = callback_survey(db)

    assert survey.opening.startswith("您好，我们是{branch}客服中心，对您的来电处理情况进行回访。您现在方便吗？")
    assert survey.closing == "感谢您的合作，以后有什么问题，请您随时拨打{hotline}，我们将及时为您服务。"
    assert [(q.code, q.kind, q.reopen_on, q.reopen_at_or_below, q.optional) for q in survey.questions] == [
        ("solved", "yes_no", ["2"], None, False),
        ("attitude", "choice", ["3"], None, False),
        ("charged", "yes_no", None, None, False),
        ("score", "score", None, 6, False),
        ("suggestions", "voice", None, None, True),
    ]
    assert ensure_default_surveys(db.session) == 0


@pytest.mark.parametrize(
    ("code", "digits", "value", "flagged"),
    [
        ("score", "10#", "10", False),
        ("score", "6", "6", True),
        ("score", "7", "7", False),
        ("score", "11", None, None),
        ("score", "0", None, None),
        ("attitude", "3", "3", True),
        ("attitude", "4", None, None),
        ("solved", "2", "2", True),
        ("charged", "1", "1", False),
        ("solved", "", None, None),
    ],
)
def test_answers_are_taken_as_keyed_and_flagged_by_the_survey_data(db, seeded, code, digits, value, flagged):
    question = next(q for q in callback_survey(db).questions if q.code == code)

    assert runs.valid_answer(question, digits) == value
    if value is not None:
        assert runs.is_flagged(question, value) is flagged


def test_a_customer_without_phone_is_owed_no_survey(db, seeded, make, agent, clock):
    case = CaseFactory(db.session).case(agent, customer_id=make.customer(manager=agent, phones=()).id)

    resolve_and_sweep(db.session, agent, case)

    assert db.session.scalar(select(SurveyRun)) is None


def test_a_case_resolved_again_after_reopening_is_owed_a_second_survey(db, resolved, agent, resolved_at):
    workflow.reopen(db.session, agent, resolved, reason="客户来电")
    resolve_and_sweep(db.session, agent, resolved)

    runs = db.session.scalars(select(SurveyRun).order_by(SurveyRun.id)).all()
    assert [run.case_resolution for run in runs] == [0, 1]


# The sweep that owes resolved cases their survey (the dialer's first step) ----------------------


@pytest.fixture
def resolved_at(db, agent, clock):
    """``resolved_at(customer, at)``: a case of ``customer`` resolved by ``agent`` at ``at``, no sweep run since."""

    def resolve(customer, at):
        case = CaseFactory(db.session).case(agent, customer_id=customer.id, opened_at=at - timedelta(hours=1))
        clock.set(at)
        workflow.resolve(db.session, agent, case)
        db.session.commit()
        return case

    return resolve


def owed(db, case):
    return db.session.scalars(select(SurveyRun).where(SurveyRun.case_id == case.id).order_by(SurveyRun.id)).all()


def test_the_sweep_opens_one_run_for_a_resolved_case_ringing_the_customers_mobile(
    db, seeded, make, agent, clock, resolved_at
):
    customer = make.customer(manager=agent, phones=("02150501234", "13800138000"))
    customer.phones[0].label = "office"
    case = resolved_at(customer, sh(11, 23, 10))
    clock.set(sh(11, 23, 10, 1))

    assert runs.owe_callback_surveys(db.session, clock.at) == 1
    assert runs.owe_callback_surveys(db.session, clock.at) == 0

    [run] = owed(db, case)
    assert (run.survey.code, run.customer_id, run.case_resolution, run.state, run.attempts) == (
        "callback",
        customer.id,
        0,
        "scheduled",
        0,
    )
    assert (run.to_number, run.next_attempt_at, run.created_at) == ("+8613800138000", sh(11, 23, 10), sh(11, 23, 10))


def test_the_first_attempt_counts_from_the_resolution_not_from_the_sweep(db, seeded, make, agent, clock, resolved_at):
    inside_hours = resolved_at(make.customer(manager=agent), sh(11, 20, 16, 30))  # Friday 16:30
    evening = resolved_at(make.customer(manager=agent), sh(11, 20, 18))  # Friday 18:00
    clock.set(sh(11, 21, 11))  # the sweep runs on Saturday (no worker ran on Friday evening)

    runs.owe_callback_surveys(db.session, clock.at)

    assert [run.next_attempt_at for run in owed(db, inside_hours) + owed(db, evening)] == [
        sh(11, 20, 16, 30),
        sh(11, 23, 9),
    ]


def test_a_case_resolved_and_closed_before_the_sweep_is_still_owed_its_survey(
    db, seeded, make, agent, clock, resolved_at
):
    case = resolved_at(make.customer(manager=agent), sh(11, 23, 10))
    workflow.close(db.session, agent, case)

    runs.owe_callback_surveys(db.session, clock.at)

    assert [run.case_resolution for run in owed(db, case)] == [0]


def test_nothing_is_owed_without_a_phone_a_callback_survey_or_a_recent_resolution(db, make, agent, clock, resolved_at):
    too_old = resolved_at(make.customer(manager=agent), sh(11, 23, 10) - runs.LOOK_BACK - timedelta(minutes=1))
    no_phone = resolved_at(make.customer(manager=agent, phones=()), sh(11, 23, 10))
    recent = resolved_at(make.customer(manager=agent), sh(11, 23, 10))

    assert runs.owe_callback_surveys(db.session, clock.at) == 0  # no callback survey installed yet
    ensure_default_surveys(db.session)
    assert runs.owe_callback_surveys(db.session, clock.at) == 1
    assert [len(owed(db, case)) for case in (too_old, no_phone, recent)] == [0, 0, 1]


def test_a_dialer_sweep_rings_a_case_resolved_since_the_last_one(db, seeded, make, agent, clock, resolved_at):
    case = resolved_at(make.customer(manager=agent), sh(11, 23, 10))
    dialler = Dialler()

    summary = dialer.dial_due(db.session, clock.at, dialler)

    [run] = owed(db, case)
    assert (summary.opened, dialler.rung, run.state, run.attempts) == (1, [run.id], "calling", 1)


def test_a_dialer_run_rings_every_due_survey_batch_after_batch(db, seeded, make, agent, clock, resolved_at):
    for _ in range(5):
        resolved_at(make.customer(manager=agent), sh(11, 23, 10))
    dialler = Dialler()

    summary = dialer.dial_due(db.session, clock.at, dialler, limit=2)

    assert len(summary.placed) == len(set(dialler.rung)) == 5


def test_a_dialer_run_past_its_budget_leaves_the_next_batch_to_the_next_run(
    db, seeded, make, agent, clock, resolved_at
):
    for _ in range(5):
        resolved_at(make.customer(manager=agent), sh(11, 23, 10))
    dialler = Dialler()

    dialer.dial_due(db.session, clock.at, dialler, limit=2, budget_s=0)
    assert len(dialler.rung) == 2  # one batch: the budget was spent
    dialer.dial_due(db.session, clock.at, dialler, limit=2)
    assert len(set(dialler.rung)) == 5


def test_a_paced_dialer_waits_for_its_slot_before_each_call(db, seeded, make, agent, clock, resolved_at, monkeypatch):
    for _ in range(3):
        resolved_at(make.customer(manager=agent), sh(11, 23, 10))
    events = []

    class RecordingPacer(Pacer):
        def wait(self):
            events.append(("wait", self.interval))

    monkeypatch.setattr(dialer, "Pacer", RecordingPacer)
    dialler = Dialler()

    dialer.dial_due(db.session, clock.at, lambda run: events.append("ring") or dialler(run), calls_per_s=20)

    assert events == [("wait", 0.05), "ring"] * 3


def test_a_paced_dialer_claims_no_more_than_its_budget_left_can_ring():
    assert dialer.batch_size(50, seconds_left=45, calls_per_s=None) == 50
    assert dialer.batch_size(50, seconds_left=45, calls_per_s=1) == 45
    assert dialer.batch_size(50, seconds_left=10.2, calls_per_s=2) == 21
    assert dialer.batch_size(50, seconds_left=0, calls_per_s=1) == 1


def test_two_sweeps_at_the_same_instant_open_one_run_per_resolution(app, db, seeded, make, agent, clock, resolved_at):
    case = resolved_at(make.customer(manager=agent), sh(11, 23, 10))
    opened = at_once(app, 2, lambda: runs.owe_callback_surveys(db.session, clock.at))

    assert sorted(opened) == [0, 1]
    assert len(owed(db, case)) == 1


def test_a_stale_candidate_list_claims_nothing(db, resolved, clock):
    [run_id] = dialer.claim_due_runs(db.session, clock.at)

    assert dialer.claim(db.session, [run_id], clock.at) == []
    run = db.session.get(SurveyRun, run_id)
    db.session.refresh(run)
    assert (run.state, run.attempts) == ("calling", 1)


def test_outside_hours_only_runs_with_consent_are_dialled(db, resolved, clock):
    run = db.session.scalar(select(SurveyRun))
    dialler = Dialler()
    clock.set(sh(11, 23, 20))

    dialer.dial_due(db.session, clock.at, dialler)
    assert dialler.rung == []

    run.any_time_consent = True
    db.session.commit()
    dialer.dial_due(db.session, clock.at, dialler)
    assert dialler.rung == [run.id]


def test_a_call_that_cannot_be_placed_is_a_failed_attempt(db, resolved, clock):
    def refuse(run):
        raise RuntimeError("Twilio says no")

    summary = dialer.dial_due(db.session, clock.at, refuse)

    run = db.session.scalar(select(SurveyRun))
    assert summary.failed == [run.id]
    assert (run.state, run.attempts, run.last_result, run.next_attempt_at) == (
        "scheduled",
        1,
        "not_placed",
        clock.at + timedelta(minutes=30),
    )


def test_a_call_whose_result_never_comes_is_dialled_again_then_given_up(db, resolved, clock):
    dialler = Dialler()
    for _ in range(3):
        dialer.dial_due(db.session, clock.at, dialler)
        clock.advance(dialer.CALL_LEASE)
    dialer.dial_due(db.session, clock.at, dialler)

    run = db.session.scalar(select(SurveyRun))
    assert len(dialler.rung) == 3
    assert (run.state, run.attempts, run.last_result) == ("unreachable", 3, "no_result")


def test_not_convenient_on_friday_is_booked_for_monday_same_time(db, resolved, clock):
    clock.set(sh(11, 20, 10))
    run = db.session.scalar(select(SurveyRun))
    dialer.claim(db.session, [run.id], clock.at)

    when = dialer.rebook(db.session, run, "CA1")

    assert when == sh(11, 23, 10)
    assert (run.state, run.attempts, run.next_attempt_at) == ("scheduled", 0, sh(11, 23, 10))


def test_a_visit_the_customer_denies_is_flagged_to_the_managers_supervisor(db, seeded, make, branch, clock):
    supervisor = make.staff(role="supervisor", branch=branch)
    make.staff(role="supervisor", branch=branch)  # another supervisor of the branch: not told
    manager = make.staff(role="agent", branch=branch)
    manager.supervisor_id = supervisor.id
    customer = make.customer(manager=manager, name="王小明")
    visit = make.visit(manager, customer, started_at=sh(11, 20, 15))
    run = runs.schedule_visit_survey(db.session, visit)
    visited = run.survey.questions[0]

    prompt = runs.text_for(db.session, run, visited.prompt)
    runs.record_answer(db.session, run, visited, "2")

    assert f"客户经理{manager.name}是否在11月20日拜访或致电过您" in prompt
    [notice] = db.session.scalars(select(Notification)).all()
    assert (notice.recipient_id, notice.kind, notice.case_id) == (supervisor.id, "visit_check_flagged", None)
    assert f"客户#{customer.id}" in notice.text and "王小明" not in notice.text  # notices are never masked


def test_four_dialers_at_the_same_instant_split_the_due_runs_without_overlap(app, db, resolved, clock):
    run = db.session.scalar(select(SurveyRun))
    for _ in range(19):
        db.session.add(
            SurveyRun(
                survey_id=run.survey_id, customer_id=run.customer_id, to_number=run.to_number, next_attempt_at=clock.at
            )
        )
    db.session.commit()
    everyone = set(db.session.scalars(select(SurveyRun.id)))
    claimed = at_once(app, 4, lambda: dialer.claim_due_runs(db.session, clock.at))

    flat = [run_id for ids in claimed for run_id in ids]
    assert sorted(flat) == sorted(everyone)


def test_a_call_that_cannot_be_placed_is_logged_without_the_number(db, resolved, clock, caplog):
    def refuse(run):
        raise RuntimeError(f"The 'To' number {run.to_number} is not a valid phone number.")

    with caplog.at_level("WARNING", logger=dialer.log.name):
        dialer.dial_due(db.session, clock.at, refuse)

    run = db.session.scalar(select(SurveyRun))
    assert "call not placed: RuntimeError" in caplog.text
    assert run.to_number not in caplog.text and run.to_number[3:] not in caplog.text
