"""Spot-check API (issue 11 item 3): a supervisor draws, the register lists and shows each visit's state."""

import random

import pytest
from sqlalchemy import select

from crm.models import SurveyRun
from crm.services.surveys import runs
from crm.services.surveys.default_surveys import ensure_default_surveys
from tests.api.identity import as_
from tests.times import sh

WEEK = {"start": "2026-11-16", "end": "2026-11-22"}


@pytest.fixture
def drawn(client, db, make, agent, supervisor, clock):
    """Three of the agent's visits last week; the supervisor draws two with seed 11."""
    ensure_default_surveys(db.session)
    customer = make.customer(manager=agent)
    for day in (16, 18, 20):
        make.visit(agent, customer, started_at=sh(11, day, 10))
    response = client.post(
        "/api/v1/spot-checks", json={"manager_id": agent.id, **WEEK, "k": 2, "seed": 11}, headers=as_(supervisor)
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_draw_shows_its_seed_candidates_and_visits(drawn, agent, supervisor):
    assert (drawn["seed"], drawn["k"], drawn["candidate_count"], drawn["drawn_count"]) == (11, 2, 3, 2)
    assert [v["visit_id"] for v in drawn["visits"]] == random.Random(11).sample(drawn["candidate_ids"], 2)
    assert (drawn["manager"]["id"], drawn["drawn_by"]["id"]) == (agent.id, supervisor.id)
    assert [v["state"] for v in drawn["visits"]] == ["pending", "pending"]


def test_the_register_shows_the_customers_answers(client, db, drawn, supervisor):
    first = drawn["visits"][0]
    run = db.session.scalar(select(SurveyRun).where(SurveyRun.id == first["survey_run_id"]))
    runs.record_answer(db.session, run, run.survey.questions[0], "2")  # "did the manager visit?" — no
    db.session.commit()

    page = client.get("/api/v1/spot-checks", headers=as_(supervisor)).get_json()
    detail = client.get(f"/api/v1/spot-checks/{drawn['id']}", headers=as_(supervisor)).get_json()

    assert page["total"] == 1
    assert page["items"][0]["counts"] == {"pending": 1, "confirmed": 0, "denied": 1, "unreachable": 0}
    assert [(v["visit_id"], v["state"], v["edited"]) for v in detail["visits"]][0] == (
        first["visit_id"],
        "denied",
        False,
    )


def test_agents_neither_draw_nor_read_the_register(client, drawn, agent):
    assert client.get("/api/v1/spot-checks", headers=as_(agent)).status_code == 403
    assert client.get(f"/api/v1/spot-checks/{drawn['id']}", headers=as_(agent)).status_code == 403


def test_a_bad_period_or_manager_is_refused(client, db, agent, supervisor):
    backwards = {"manager_id": agent.id, "start": "2026-11-22", "end": "2026-11-16", "k": 1}
    nobody = {"manager_id": 99999, **WEEK, "k": 1}

    assert client.post("/api/v1/spot-checks", json=backwards, headers=as_(supervisor)).status_code == 422
    assert client.post("/api/v1/spot-checks", json=nobody, headers=as_(supervisor)).status_code == 422
    assert client.post("/api/v1/spot-checks", json={**nobody, "k": 0}, headers=as_(supervisor)).status_code == 422
