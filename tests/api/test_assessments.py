"""The questionnaire and a customer's assessments through the API (DOMAIN §3)."""

from datetime import timedelta

import pytest

from tests.api.identity import as_
from tests.unit.test_questionnaire import HIGHEST, LOWEST

QUESTIONNAIRE = "/api/v1/assessments/questionnaire"


def assessments_url(customer):
    return f"/api/v1/customers/{customer.id}/assessments"


def test_questionnaire_lists_twelve_questions_with_q9_multi_select_and_the_bands(client, agent):
    response = client.get(QUESTIONNAIRE, headers=as_(agent))
    assert response.status_code == 200
    body = response.get_json()
    assert [q["key"] for q in body["questions"]] == [f"q{n}" for n in range(1, 13)]
    assert [q["key"] for q in body["questions"] if q["multi"]] == ["q9"]
    q3 = body["questions"][2]
    assert [(o["letter"], o["score"]) for o in q3["options"]] == [("A", 0), ("B", 1), ("C", 2), ("D", 3), ("E", 5)]
    assert q3["zh"] and q3["en"] and q3["options"][0]["zh"]
    assert [(b["band"], b["min_score"], b["max_score"]) for b in body["bands"]] == [
        ("very_low", 0, 18),
        ("low", 19, 35),
        ("medium", 36, 45),
        ("high", 46, 60),
    ]


def test_questionnaire_needs_a_signed_in_user(client):
    assert client.get(QUESTIONNAIRE).status_code == 401


def test_submitting_answers_scores_them_and_sets_the_customers_tolerance(client, make, agent, clock):
    customer = make.customer(manager=agent)
    response = client.post(assessments_url(customer), json={"answers": HIGHEST}, headers=as_(agent))
    assert response.status_code == 201
    body = response.get_json()
    assert (body["score"], body["band"], body["taken_by"]["id"]) == (60, "high", agent.id)
    assert body["answers"]["q1"] == ["E"]
    assert customer.risk_tolerance == "high"


def test_assessments_are_listed_newest_first(client, make, agent, clock):
    customer = make.customer(manager=agent)
    client.post(assessments_url(customer), json={"answers": HIGHEST}, headers=as_(agent))
    clock.advance(timedelta(days=30))
    client.post(assessments_url(customer), json={"answers": LOWEST}, headers=as_(agent))

    response = client.get(assessments_url(customer), headers=as_(agent))
    assert response.status_code == 200
    assert [(a["score"], a["band"]) for a in response.get_json()] == [(14, "very_low"), (60, "high")]
    assert customer.risk_tolerance == "very_low"


@pytest.mark.parametrize(
    ("changes", "question"),
    [({"q5": "D"}, "q5"), ({"q4": ["A", "B"]}, "q4"), ({"q9": []}, "q9"), ({"q12": None}, "q12")],
    ids=["unknown-option", "several-options", "empty-selection", "missing"],
)
def test_invalid_answers_are_422_naming_the_question_and_store_nothing(client, make, agent, changes, question):
    customer = make.customer(manager=agent)
    answers = {k: v for k, v in {**LOWEST, **changes}.items() if v is not None}
    response = client.post(assessments_url(customer), json={"answers": answers}, headers=as_(agent))
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == [question]
    assert client.get(assessments_url(customer), headers=as_(agent)).get_json() == []
    assert customer.risk_tolerance is None


def test_a_body_without_answers_is_422(client, make, agent):
    customer = make.customer(manager=agent)
    response = client.post(assessments_url(customer), json={}, headers=as_(agent))
    assert response.status_code == 422
    assert "answers" in response.get_json()["error"]["fields"]


def test_another_managers_customer_is_forbidden(client, make, agent, branch):
    other = make.customer(manager=make.staff(role="agent", branch=branch))
    assert client.post(assessments_url(other), json={"answers": LOWEST}, headers=as_(agent)).status_code == 403
    assert client.get(assessments_url(other), headers=as_(agent)).status_code == 403


def test_a_supervisor_may_assess_any_customer_of_the_branch(client, make, agent, supervisor):
    customer = make.customer(manager=agent)
    response = client.post(assessments_url(customer), json={"answers": LOWEST}, headers=as_(supervisor))
    assert response.status_code == 201


def test_without_a_token_is_401_and_an_unknown_customer_404(client, make, agent):
    customer = make.customer(manager=agent)
    assert client.post(assessments_url(customer), json={"answers": LOWEST}, headers=as_()).status_code == 401
    assert client.get("/api/v1/customers/999999/assessments", headers=as_(agent)).status_code == 404
