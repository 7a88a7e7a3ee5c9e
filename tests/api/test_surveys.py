"""Surveys API: the surveys as data, a case's runs with answers, a supervisor's visit spot check."""

import pytest
from sqlalchemy import select

from crm.models import SurveyRun
from crm.services.org.wording import ensure_default_words
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


# --- an admin's changes to a survey's texts --------------------------------------------------------------


@pytest.fixture
def words(db):
    ensure_default_words(db.session)
    db.session.commit()


def _callback(db):
    return next(s for s in runs.all_surveys(db.session) if s.code == "callback")


def test_an_admin_changes_a_surveys_texts_and_language(client, db, seeded, admin):
    survey = _callback(db)
    changes = {"name": "回访", "opening": "您好，{branch}回访。", "closing": "再见，{hotline}", "language": "en-US"}

    response = client.patch(f"/api/v1/surveys/{survey.id}", json=changes, headers=auth(admin))

    assert response.status_code == 200
    assert {key: response.json[key] for key in changes} == changes
    db.session.expire_all()
    assert (survey.name, survey.language) == ("回访", "en-US")


def test_an_admin_changes_a_questions_prompt_and_nothing_else(client, db, seeded, admin):
    survey = _callback(db)
    question = survey.questions[1]
    keys, reopen_on = question.keys, question.reopen_on

    response = client.patch(
        f"/api/v1/surveys/{survey.id}/questions/{question.id}",
        json={"prompt": "  满意请按1，一般请按2，不满意请按3。 "},
        headers=auth(admin),
    )

    assert response.status_code == 200
    assert response.json["prompt"] == "满意请按1，一般请按2，不满意请按3。"
    assert (response.json["keys"], response.json["reopen_on"]) == (keys, reopen_on)


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_only_admins_change_surveys(client, db, seeded, make, branch, role):
    survey = _callback(db)
    person = make.staff(role=role, branch=branch)

    assert client.patch(f"/api/v1/surveys/{survey.id}", json={"name": "x"}, headers=auth(person)).status_code == 403
    url = f"/api/v1/surveys/{survey.id}/questions/{survey.questions[0].id}"
    assert client.patch(url, json={"prompt": "x"}, headers=auth(person)).status_code == 403
    db.session.expire_all()
    assert survey.name == "来电处理回访"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"opening": "x" * 1001}, "opening"),
        ({"language": "fr-FR"}, "language"),
        ({"closing": "请拨打{hotine}"}, "closing"),
        ({"opening": "您好{"}, "opening"),
        ({"opening": "本产品无风险，高收益"}, "opening"),
        ({"opening": "您好，{manager}"}, "opening"),  # only a visit check names the manager
    ],
)
def test_a_bad_survey_text_is_refused_naming_its_field_and_nothing_changes(
    client, db, seeded, words, admin, changes, field
):
    survey = _callback(db)
    before = (survey.name, survey.opening, survey.closing, survey.language)
    changes = {"closing": "谢谢，再见。", **changes}

    response = client.patch(f"/api/v1/surveys/{survey.id}", json=changes, headers=auth(admin))

    assert response.status_code == 422
    assert field in response.json["error"]["fields"]
    db.session.expire_all()
    assert (survey.name, survey.opening, survey.closing, survey.language) == before


def test_a_bad_prompt_is_refused_and_a_question_of_another_survey_is_not_found(client, db, seeded, words, admin):
    callback, visit_check = runs.all_surveys(db.session)[:2]
    question = callback.questions[0]
    url = f"/api/v1/surveys/{callback.id}/questions/{question.id}"

    blank = client.patch(url, json={"prompt": " "}, headers=auth(admin))
    words = client.patch(url, json={"prompt": "保证收益，请按1"}, headers=auth(admin))
    elsewhere = client.patch(
        f"/api/v1/surveys/{visit_check.id}/questions/{question.id}", json={"prompt": "x"}, headers=auth(admin)
    )

    assert (blank.status_code, words.status_code, elsewhere.status_code) == (422, 422, 404)
    assert "prompt" in blank.json["error"]["fields"] and "prompt" in words.json["error"]["fields"]
    assert client.patch("/api/v1/surveys/999", json={}, headers=auth(admin)).status_code == 404
    db.session.expire_all()
    assert question.prompt == "您的问题是否已经解决？已解决请按1，未解决请按2。"


def test_a_visit_checks_prompt_may_name_the_manager_and_date(client, db, seeded, admin):
    visit_check = next(s for s in runs.all_surveys(db.session) if s.code == "visit_check")
    url = f"/api/v1/surveys/{visit_check.id}/questions/{visit_check.questions[0].id}"
    prompt = "{manager}于{date}拜访过您吗？是请按1，否请按2。"

    response = client.patch(url, json={"prompt": prompt}, headers=auth(admin))

    assert response.status_code == 200
