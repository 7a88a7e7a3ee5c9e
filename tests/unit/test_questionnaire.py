"""DOMAIN §3: the risk questionnaire's scores, bands and answer validation.

Expected scores are worked out by hand from the DOMAIN table, not from the module's data.
"""

import pytest

from crm.errors import InvalidInput
from crm.models import RiskAssessment
from crm.services.customers.questionnaire import confirm_assessment, score_answers, submit_assessment

# Every question answered "A": 1+1+0+2+1+2+1+1+1+2+1+1 = 14, the minimum.
LOWEST = {f"q{n}": "A" for n in range(1, 13)}
# The riskiest option everywhere: 12 × 5 = 60, the maximum.
HIGHEST = {
    "q1": "E",
    "q2": "D",
    "q3": "E",
    "q4": "D",
    "q5": "C",
    "q6": "D",
    "q7": "C",
    "q8": "C",
    "q9": ["E"],
    "q10": "D",
    "q11": "C",
    "q12": "E",
}


def answers(**changes):
    return {**LOWEST, **changes}


@pytest.mark.parametrize(
    ("answer_set", "score", "band"),
    [
        (LOWEST, 14, "very_low"),
        (answers(q1="E"), 18, "very_low"),  # 14 + 4
        (answers(q1="E", q4="B"), 19, "low"),  # 18 + 1
        (answers(q1="E", q2="D", q3="E", q4="D", q5="C", q6="B"), 35, "low"),  # 14 + 4+4+5+3+4+1
        (answers(q1="E", q2="D", q3="E", q4="D", q5="C", q6="C"), 36, "medium"),  # 14 + 4+4+5+3+4+2
        (answers(q1="E", q2="D", q3="E", q4="D", q5="C", q6="D", q7="C", q8="C"), 45, "medium"),  # 36 + 1+4+4
        (answers(q1="E", q2="D", q3="E", q4="D", q5="C", q6="D", q7="C", q8="C", q9=["B"]), 46, "high"),  # 45 + 1
        (HIGHEST, 60, "high"),
    ],
    ids=["minimum-14", "18", "19", "35", "36", "45", "46", "maximum-60"],
)
def test_score_and_band_at_the_edges(answer_set, score, band):
    assert score_answers(answer_set) == (score, band)


def test_q9_scores_its_highest_selected_option():
    assert score_answers(answers(q9=["A", "D", "B"])) == (14 - 1 + 4, "very_low")


def test_single_choice_accepts_a_one_letter_list_and_lower_case():
    assert score_answers(answers(q1=["e"])) == (18, "very_low")


@pytest.mark.parametrize(
    ("answer_set", "question", "says"),
    [
        ({k: v for k, v in LOWEST.items() if k != "q7"}, "q7", "Missing"),
        (answers(q5="D"), "q5", "Unknown option D"),
        (answers(q4=["A", "B"]), "q4", "only one"),
        (answers(q9=[]), "q9", "Choose an option"),
        (answers(q2=3), "q2", "option letter"),
        (answers(q13="A"), "q13", "Unknown question"),
    ],
    ids=[
        "missing",
        "unknown-option",
        "several-on-single-choice",
        "empty-selection",
        "not-a-letter",
        "unknown-question",
    ],
)
def test_invalid_answer_names_its_question(answer_set, question, says):
    with pytest.raises(InvalidInput) as raised:
        score_answers(answer_set)
    assert list(raised.value.fields) == [question]
    assert says in raised.value.fields[question][0]
    assert question in raised.value.message


def test_every_bad_question_is_named_at_once():
    bad = answers(q3="Z", q9=[])
    del bad["q12"]
    with pytest.raises(InvalidInput) as raised:
        score_answers(bad)
    assert set(raised.value.fields) == {"q3", "q9", "q12"}


def test_submitting_keeps_the_assessment_pending_and_leaves_the_tolerance(db, make, agent, clock):
    customer = make.customer(manager=agent, risk_tolerance="low")
    assessment = submit_assessment(db.session, agent, customer, HIGHEST)
    db.session.commit()

    stored = db.session.get(RiskAssessment, assessment.id)
    assert (stored.score, stored.band, stored.taken_by_id, stored.taken_at) == (60, "high", agent.id, clock.at)
    assert stored.answers["q9"] == ["E"]
    assert stored.confirmed_at is None
    assert (customer.risk_tolerance, customer.risk_assessment_pending) == ("low", True)


def test_confirming_sets_the_tolerance_with_an_audit_row_naming_the_evidence(db, make, agent, clock):
    from crm.models import AuditEntry, Call

    customer = make.customer(manager=agent)
    db.session.add(Call(sid="CA-confirm", direction="outbound", customer_id=customer.id, recording_sid="RE1"))
    assessment = submit_assessment(db.session, agent, customer, HIGHEST)
    confirm_assessment(db.session, agent, customer, assessment, call_sid="CA-confirm")
    db.session.commit()

    assert (assessment.confirmed_at, assessment.confirmed_by_id) == (clock.at, agent.id)
    db.session.expire(customer)
    assert (customer.risk_tolerance, customer.risk_assessment_pending) == ("high", False)
    audit = db.session.query(AuditEntry).filter_by(customer_id=customer.id, field="risk_tolerance").one()
    assert (audit.old_value, audit.new_value, audit.actor_id) == (None, "high", agent.id)
    assert "CA-confirm" in audit.evidence


def test_a_confirmation_needs_a_recorded_call_of_the_customer_or_their_signed_form(db, make, agent):
    customer = make.customer(manager=agent)
    assessment = submit_assessment(db.session, agent, customer, HIGHEST)
    with pytest.raises(InvalidInput):
        confirm_assessment(db.session, agent, customer, assessment)
    with pytest.raises(InvalidInput):
        confirm_assessment(db.session, agent, customer, assessment, call_sid="CA-nobody-recorded")
    assert customer.risk_tolerance is None


def test_a_rejected_questionnaire_changes_nothing(db, make, agent):
    customer = make.customer(manager=agent, risk_tolerance="low")
    with pytest.raises(InvalidInput):
        submit_assessment(db.session, agent, customer, answers(q1="X"))
    db.session.rollback()
    assert db.session.query(RiskAssessment).count() == 0
    assert db.session.get(type(customer), customer.id).risk_tolerance == "low"
