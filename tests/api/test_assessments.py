"""The questionnaire and a customer's assessments through the API (DOMAIN §3)."""

import io
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


def submit(client, staff, customer, answers):
    response = client.post(assessments_url(customer), json={"answers": answers}, headers=as_(staff))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def confirm(client, staff, customer, assessment_id, **evidence):
    url = f"{assessments_url(customer)}/{assessment_id}/confirmation"
    return client.post(url, json=evidence, headers=as_(staff))


def signed_form(client, staff, customer, kind="signed_questionnaire"):
    """The customer's signed questionnaire (or another signed paper), added to their dossier; its id."""
    data = {"kind": kind, "file": (io.BytesIO(b"%PDF-1.4 signed " + kind.encode()), "form.pdf")}
    url = f"/api/v1/customers/{customer.id}/documents"
    response = client.post(url, data=data, headers=as_(staff), content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_submitting_answers_scores_them_and_keeps_them_pending(client, make, agent, clock):
    customer = make.customer(manager=agent)
    body = submit(client, agent, customer, HIGHEST)
    assert (body["score"], body["band"], body["taken_by"]["id"], body["confirmed"]) == (60, "high", agent.id, False)
    assert body["answers"]["q1"] == ["E"]
    shown = client.get(f"/api/v1/customers/{customer.id}", headers=as_(agent)).get_json()
    assert (shown["risk_tolerance"], shown["risk_assessment_pending"]) == (None, True)


def test_the_signed_form_confirms_the_assessment_and_its_band_becomes_the_tolerance(client, make, agent, clock):
    customer = make.customer(manager=agent)
    assessment = submit(client, agent, customer, HIGHEST)
    form = signed_form(client, agent, customer)

    response = confirm(client, agent, customer, assessment["id"], document_id=form)
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["confirmed"], response.get_json()["confirmation_document_id"]) == (True, form)
    shown = client.get(f"/api/v1/customers/{customer.id}", headers=as_(agent)).get_json()
    assert (shown["risk_tolerance"], shown["risk_assessment_pending"]) == ("high", False)
    assert confirm(client, agent, customer, assessment["id"], document_id=form).status_code == 409


def test_a_confirmation_without_evidence_or_with_another_document_is_422(client, make, agent):
    customer = make.customer(manager=agent)
    assessment = submit(client, agent, customer, HIGHEST)
    assert confirm(client, agent, customer, assessment["id"]).status_code == 422
    disclosure = signed_form(client, agent, customer, kind="risk_disclosure")
    assert confirm(client, agent, customer, assessment["id"], document_id=disclosure).status_code == 422
    assert customer.risk_tolerance is None


def test_assessments_are_listed_newest_first(client, make, agent, clock):
    customer = make.customer(manager=agent)
    submit(client, agent, customer, HIGHEST)
    clock.advance(timedelta(days=30))
    newest = submit(client, agent, customer, LOWEST)
    confirm(client, agent, customer, newest["id"], document_id=signed_form(client, agent, customer))

    response = client.get(assessments_url(customer), headers=as_(agent))
    assert response.status_code == 200
    assert [(a["score"], a["band"], a["confirmed"]) for a in response.get_json()] == [
        (14, "very_low", True),
        (60, "high", False),
    ]
    assert customer.risk_tolerance == "very_low"


def test_an_older_assessment_cannot_be_confirmed_over_a_newer_confirmed_one(client, make, agent, clock):
    customer = make.customer(manager=agent)
    older = submit(client, agent, customer, HIGHEST)
    clock.advance(timedelta(days=1))
    newer = submit(client, agent, customer, LOWEST)
    form = signed_form(client, agent, customer)
    assert confirm(client, agent, customer, newer["id"], document_id=form).status_code == 200
    assert confirm(client, agent, customer, older["id"], document_id=form).status_code == 409
    shown = client.get(f"/api/v1/customers/{customer.id}", headers=as_(agent)).get_json()
    assert (shown["risk_tolerance"], shown["risk_assessment_pending"]) == ("very_low", False)


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
