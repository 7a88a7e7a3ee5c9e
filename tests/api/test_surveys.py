"""Surveys API: the surveys as data, a case's runs with answers, a supervisor's visit spot check."""

import pytest
from sqlalchemy import select

from crm.models import SurveyRun
from crm.services.surveys import runs
from crm.services.surveys.default_surveys import ensure_default_surveys
from tests.case_factories import CaseFactory, resolve_and_sweep
from tests.conftest import auth
from tests.times import sh


@pytest.fixture
def seeded(db):
    ensure_default_surveys(db.session)
    db.session.commit()


def test_surveys_and_their_questions_are_listed_as_seeded(client, seeded, agent):
    listed = client.get("/api/v1/surveys", headers=auth(agent)).get_json()
    callback = next(s for s in listed if s["code"] == "callback")

    questions = client.get(f"/api/v1/surveys/{callback['id']}/questions", headers=auth(agent)).get_json()

    assert [q["code"] for q in questions] == ["solved", "attitude", "charged", "score", "suggestions"]
    assert questions[3]["reopen_at_or_below"] == 6 and questions[4]["optional"] is True
    assert questions[1]["reopen_on"] == ["3"]
    assert client.get("/api/v1/surveys/999/questions", headers=auth(agent)).status_code == 404


def test_a_case_lists_its_survey_runs_with_answers(client, db, seeded, make, agent, clock):
    customer = make.customer(manager=agent)
    case = CaseFactory(db.session).case(agent, customer_id=customer.id)
    resolve_and_sweep(db.session, agent, case)
    run = db.session.scalar(select(SurveyRun))
    runs.record_answer(db.session, run, run.survey.questions[0], "1")
    db.session.commit()

    body = client.get(f"/api/v1/cases/{case.id}/survey-runs", headers=auth(agent)).get_json()

    assert [(r["state"], r["attempts"]) for r in body] == [("scheduled", 0)]
    assert [(a["question_id"], a["value"]) for a in body[0]["answers"]] == [(run.survey.questions[0].id, "1")]


def test_another_agents_case_runs_are_forbidden(client, db, seeded, make, agent, branch):
    other = make.staff(role="agent", branch=branch)
    case = CaseFactory(db.session).case(agent)

    assert client.get(f"/api/v1/cases/{case.id}/survey-runs", headers=auth(other)).status_code == 403


def test_a_supervisor_schedules_a_visit_spot_check(client, db, seeded, make, agent, supervisor, clock):
    visit = make.visit(agent, make.customer(manager=agent), started_at=sh(11, 20, 15))

    response = client.post(f"/api/v1/visits/{visit.id}/verification-survey", json={}, headers=auth(supervisor))

    assert response.status_code == 201
    body = response.get_json()
    assert (body["visit_id"], body["state"], body["next_attempt_at"]) == (
        visit.id,
        "scheduled",
        "2026-11-23T02:00:00+00:00",
    )
    again = client.post(f"/api/v1/visits/{visit.id}/verification-survey", json={}, headers=auth(supervisor))
    assert again.status_code == 409


def test_agents_may_not_schedule_spot_checks(client, db, seeded, make, agent):
    visit = make.visit(agent, make.customer(manager=agent), started_at=sh(11, 20, 15))

    response = client.post(f"/api/v1/visits/{visit.id}/verification-survey", json={}, headers=auth(agent))

    assert response.status_code == 403
    assert db.session.scalar(select(SurveyRun)) is None


def test_a_spot_check_of_a_customer_without_phone_is_refused(client, db, seeded, make, agent, supervisor):
    visit = make.visit(agent, make.customer(manager=agent, phones=()), started_at=sh(11, 20, 15))

    response = client.post(f"/api/v1/visits/{visit.id}/verification-survey", json={}, headers=auth(supervisor))

    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"visit_id": ["Customer has no phone."]}


def test_a_spot_check_of_an_unknown_visit_is_404(client, seeded, supervisor):
    assert client.post("/api/v1/visits/999/verification-survey", json={}, headers=auth(supervisor)).status_code == 404
