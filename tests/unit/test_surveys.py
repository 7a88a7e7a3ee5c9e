"""Survey services: the DOMAIN §7 defaults, answers as keyed, scheduling and the dialer's claims."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.models import Notification, Survey, SurveyRun
from crm.services.cases import workflow
from crm.services.surveys import dialer, runs
from crm.services.surveys.default_surveys import ensure_default_surveys
from tests.case_factories import CaseFactory
from tests.times import sh


@pytest.fixture
def seeded(db):
    ensure_default_surveys(db.session)
    db.session.commit()


@pytest.fixture
def resolved(db, seeded, make, agent, clock):
    customer = make.customer(manager=agent)
    case = CaseFactory(db.session).case(agent, customer_id=customer.id)
    workflow.resolve(db.session, agent, case)
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

    workflow.resolve(db.session, agent, case)

    assert db.session.scalar(select(SurveyRun)) is None


def test_a_case_resolved_again_after_reopening_is_owed_a_second_survey(db, resolved, agent):
    workflow.reopen(db.session, agent, resolved, reason="客户来电")
    workflow.resolve(db.session, agent, resolved)

    runs = db.session.scalars(select(SurveyRun).order_by(SurveyRun.id)).all()
    assert [run.case_resolution for run in runs] == [0, 1]


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
    visit = make.visit(manager, make.customer(manager=manager), started_at=sh(11, 20, 15))
    run = runs.schedule_visit_survey(db.session, visit)
    visited = run.survey.questions[0]

    prompt = runs.text_for(db.session, run, visited.prompt)
    runs.record_answer(db.session, run, visited, "2")

    assert f"客户经理{manager.name}是否在11月20日拜访或致电过您" in prompt
    [notice] = db.session.scalars(select(Notification)).all()
    assert (notice.recipient_id, notice.kind, notice.case_id) == (supervisor.id, "visit_check_flagged", None)


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
    start, claimed = threading.Barrier(4), []

    def dial():
        with app.app_context():
            start.wait()
            claimed.append(dialer.claim_due_runs(db.session, clock.at))
            db.session.commit()

    workers = [threading.Thread(target=dial) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    flat = [run_id for ids in claimed for run_id in ids]
    assert sorted(flat) == sorted(everyone)
