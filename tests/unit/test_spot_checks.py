"""Spot checks (issue 11 item 3): a reproducible seeded draw, which visits qualify, the register's states
driven through the survey's own answer path, the denial notice to whoever drew the check, the audit trail."""

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from crm.errors import Forbidden
from crm.models import Notification, SpotCheckVisit, SurveyRun
from crm.services.activity import spot_checks
from crm.services.customers import visits
from crm.services.surveys import dialer, runs
from crm.services.surveys.default_surveys import ensure_default_surveys
from tests.times import sh

WEEK = (date(2026, 11, 16), date(2026, 11, 22))


@pytest.fixture
def manager(db, make, branch, supervisor):
    ensure_default_surveys(db.session)
    manager = make.staff(role="agent", branch=branch)
    manager.supervisor_id = supervisor.id
    db.session.commit()
    return manager


def visits_of(make, manager, n, day=20):
    customer = make.customer(manager=manager, name="王小明")
    return [make.visit(manager, customer, started_at=sh(11, day, 9) + timedelta(minutes=i)) for i in range(n)]


def test_the_draw_is_the_seeded_sample_of_the_sorted_candidates():
    assert spot_checks.draw([9, 3, 5, 7], 2, seed=42) == random.Random(42).sample([3, 5, 7, 9], 2)
    assert spot_checks.draw([9, 3, 5, 7], 2, seed=42) == spot_checks.draw([3, 5, 7, 9], 2, seed=42)
    assert spot_checks.draw(range(50), 5, seed=1) != spot_checks.draw(range(50), 5, seed=2)
    assert sorted(spot_checks.draw([4, 2], 10, seed=1)) == [2, 4]  # k beyond the candidates: all of them


def test_a_draw_keeps_its_seed_and_candidates_and_replays(db, make, manager, supervisor, clock):
    made = visits_of(make, manager, 6)
    check = spot_checks.draw_spot_check(db.session, supervisor, manager.id, *WEEK, k=3, seed=7)

    drawn = [row.visit_id for row in check.visits]
    assert check.seed == 7 and check.candidate_ids == sorted(v.id for v in made)
    assert drawn == random.Random(7).sample(check.candidate_ids, 3)
    assert db.session.scalar(select(SurveyRun).where(SurveyRun.visit_id == drawn[0])).requested_by_id == supervisor.id


def test_without_a_seed_one_is_generated_and_kept(db, make, manager, supervisor, clock):
    visits_of(make, manager, 3)
    check = spot_checks.draw_spot_check(db.session, supervisor, manager.id, *WEEK, k=1)

    assert 0 <= check.seed < spot_checks.SEED_BOUND
    assert [row.visit_id for row in check.visits] == spot_checks.draw(check.candidate_ids, 1, check.seed)


def test_k_beyond_the_candidates_draws_them_all(db, make, manager, supervisor, clock):
    made = visits_of(make, manager, 2)
    check = spot_checks.draw_spot_check(db.session, supervisor, manager.id, *WEEK, k=5, seed=3)

    assert sorted(row.visit_id for row in check.visits) == [v.id for v in made]
    assert spot_checks.check_summary(check)["counts"] == {"pending": 2, "confirmed": 0, "denied": 0, "unreachable": 0}


def test_only_surveyable_visits_of_the_manager_in_the_period_qualify(db, make, branch, manager, supervisor, clock):
    [kept] = visits_of(make, manager, 1)
    visits_of(make, manager, 1, day=23)  # after the period
    no_phone = make.customer(manager=manager, phones=())
    make.visit(manager, no_phone, started_at=sh(11, 20, 11))
    [checked] = visits_of(make, manager, 1)
    runs.schedule_visit_survey(db.session, checked)  # surveyed by hand before
    colleague = make.staff(role="agent", branch=branch)
    visits_of(make, colleague, 1)

    check = spot_checks.draw_spot_check(db.session, supervisor, manager.id, *WEEK, k=10, seed=1)

    assert check.candidate_ids == [kept.id]
    again = spot_checks.draw_spot_check(db.session, supervisor, manager.id, *WEEK, k=10, seed=1)
    assert again.candidate_ids == []  # drawn once: never again


def test_only_a_supervisor_of_the_branch_or_an_admin_draws(db, make, manager, admin, clock):
    visits_of(make, manager, 1)
    other_supervisor = make.staff(role="supervisor", branch=make.branch())

    with pytest.raises(Forbidden):
        spot_checks.draw_spot_check(db.session, other_supervisor, manager.id, *WEEK, k=1)
    with pytest.raises(Forbidden):
        spot_checks.draw_spot_check(db.session, manager, manager.id, *WEEK, k=1)
    assert len(spot_checks.draw_spot_check(db.session, admin, manager.id, *WEEK, k=1).visits) == 1


def answer(db, drawn, code, value):
    run = db.session.get(SurveyRun, drawn.survey_run_id)
    question = next(q for q in run.survey.questions if q.code == code)
    runs.record_answer(db.session, run, question, value)
    db.session.commit()


def test_the_register_shows_confirmed_denied_unreachable_and_pending(db, make, manager, supervisor, clock):
    visits_of(make, manager, 4)
    check = spot_checks.draw_spot_check(db.session, supervisor, manager.id, *WEEK, k=4, seed=5)
    first, second, third, fourth = check.visits
    answer(db, first, "visited", "1")
    answer(db, second, "visited", "2")
    unanswered = db.session.get(SurveyRun, third.survey_run_id)
    for _ in range(unanswered.max_attempts):  # every call rings out: the dialer gives up
        unanswered.next_attempt_at = clock.at
        db.session.flush()
        dialer.claim(db.session, [unanswered.id], clock.at)
        db.session.refresh(unanswered)
        dialer.attempt_failed(db.session, unanswered, "no-answer")
    db.session.commit()

    states = {row["visit_id"]: row["state"] for row in spot_checks.check_detail(db.session, check)["visits"]}

    assert [states[row.visit_id] for row in (first, second, third, fourth)] == [
        "confirmed",
        "denied",
        "unreachable",
        "pending",
    ]


def test_a_denial_tells_the_admin_who_drew_it_once_and_names_no_customer(db, make, manager, supervisor, admin, clock):
    visits_of(make, manager, 1)
    check = spot_checks.draw_spot_check(db.session, admin, manager.id, *WEEK, k=1, seed=1)
    [drawn] = check.visits

    answer(db, drawn, "visited", "2")
    answer(db, drawn, "satisfied", "3")  # a second flagged answer of the same call

    notices = db.session.scalars(select(Notification).order_by(Notification.recipient_id)).all()
    assert sorted(n.recipient_id for n in notices) == sorted([supervisor.id, admin.id])
    assert all(n.kind == "visit_check_flagged" and "王小明" not in n.text for n in notices)
    assert {n.customer_id for n in notices} == {drawn.visit.customer_id}


def test_a_drawing_supervisor_who_is_the_managers_supervisor_is_told_once(db, make, manager, supervisor, clock):
    visits_of(make, manager, 1)
    [drawn] = spot_checks.draw_spot_check(db.session, supervisor, manager.id, *WEEK, k=1, seed=1).visits

    answer(db, drawn, "visited", "2")

    assert [n.recipient_id for n in db.session.scalars(select(Notification))] == [supervisor.id]


def test_a_visit_edited_after_the_fact_shows_its_audit_trail(db, make, manager, supervisor, clock):
    [visit] = visits_of(make, manager, 1)
    visits.update_visit(db.session, manager, visit, {"summary": "上门拜访，介绍基金"})
    db.session.commit()
    check = spot_checks.draw_spot_check(db.session, supervisor, manager.id, *WEEK, k=1, seed=1)

    [row] = spot_checks.check_detail(db.session, check)["visits"]

    assert row["edited"] is True
    [entry] = row["audit"]
    assert (entry.field, entry.old_value, entry.new_value, entry.actor_id) == (
        "visit.summary",
        "回访",
        "上门拜访，介绍基金",
        manager.id,
    )
    assert db.session.scalar(select(SpotCheckVisit.visit_id)) == visit.id
