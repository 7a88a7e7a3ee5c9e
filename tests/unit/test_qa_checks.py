"""The qa-checks sweep over the database: what it picks up, once; notes; late transcripts; the summary."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crm.models import QaResult
from crm.services.quality import qa_checks
from crm.services.quality.qa_phrases import ensure_default_phrases
from crm.services.quality.qa_summary import qa_summary
from tests.case_factories import CaseFactory
from tests.qa_factories import CLOSING, GREETING, agent_call, say


@pytest.fixture
def phrases(db):
    ensure_default_phrases(db.session)
    db.session.commit()


def result_of(db, call):
    db.session.expire_all()
    return db.session.scalar(select(QaResult).where(QaResult.call_id == call.id))


def rules(result):
    return [flag.rule for flag in result.flags]


def test_the_sweep_checks_each_ended_call_once(db, phrases, agent, clock):
    call = agent_call(db.session, agent, GREETING, "不知道。", CLOSING)
    agent_call(db.session, agent, GREETING, sid="CA-live", ended_at=None, duration_seconds=None)  # still talking

    assert qa_checks.sweep(db.session) == 1
    assert qa_checks.sweep(db.session) == 0
    assert db.session.scalar(select(func.count()).select_from(QaResult)) == 1
    flag = result_of(db, call).flags[0]
    assert (flag.rule, flag.phrase, flag.matched, flag.utterance_sequence, flag.offset_seconds) == (
        "forbidden_phrase",
        "不知道。",
        "不知道",
        2,
        8,
    )


def test_the_read_back_is_required_where_the_call_opened_a_case(db, phrases, agent, clock):
    earlier = CaseFactory(db.session).case(agent, kind="inquiry", opened_at=clock.at - timedelta(days=3))
    opened = CaseFactory(db.session).case(agent, kind="inquiry")
    followed_up = agent_call(db.session, agent, GREETING, CLOSING, sid="CA-old", case_id=earlier.id)
    new_case = agent_call(db.session, agent, GREETING, CLOSING, sid="CA-new", case_id=opened.id)

    qa_checks.sweep(db.session)

    assert rules(result_of(db, followed_up)) == []
    assert rules(result_of(db, new_case)) == ["readback_missing"]


def test_a_call_without_transcript_is_checked_on_the_agents_notes_for_forbidden_phrases(db, phrases, make, agent):
    visit = make.visit(agent, make.customer(manager=agent), summary="客户问开户手续，答：手续不齐，弄清楚了再来！")
    call = agent_call(db.session, agent, visit_id=visit.id)

    qa_checks.sweep(db.session)

    result = result_of(db, call)
    assert (result.basis, rules(result), result.passed) == ("notes", ["forbidden_phrase"], False)


def test_a_late_transcript_rechecks_a_call_until_it_is_reviewed(db, phrases, agent, supervisor):
    call = agent_call(db.session, agent, GREETING)
    qa_checks.sweep(db.session)
    assert rules(result_of(db, call)) == ["closing_missing"]

    say(db.session, call, "废话！", CLOSING, first=2)
    qa_checks.sweep(db.session)
    result = result_of(db, call)
    assert (rules(result), result.utterances_checked) == (["forbidden_phrase"], 3)

    qa_checks.review_flag(db.session, supervisor, result.flags[0].id, "confirmed", "属实")
    say(db.session, call, "讨厌！", first=4)
    assert qa_checks.sweep(db.session) == 0
    assert rules(result_of(db, call)) == ["forbidden_phrase"]


def test_qa_summary_gives_pass_rates_per_agent_and_the_most_frequent_flags(db, phrases, make, branch, agent, clock):
    other = make.staff(role="agent", branch=branch)
    agent_call(db.session, agent, GREETING, CLOSING, sid="CA-1")
    agent_call(db.session, agent, GREETING, "不知道。", CLOSING, sid="CA-2")
    agent_call(db.session, other, GREETING, "不知道", "不知道！", sid="CA-3")
    elsewhere = make.staff(role="agent", branch=make.branch())
    agent_call(db.session, elsewhere, "喂", sid="CA-4")
    qa_checks.sweep(db.session)

    summary = qa_summary(db.session, clock.at - timedelta(days=1), clock.at + timedelta(days=1), branch.id)

    by_agent = {row["agent_id"]: (row["checked"], row["passed"], row["pass_rate"]) for row in summary["agents"]}
    assert by_agent == {agent.id: (2, 1, 0.5), other.id: (1, 0, 0.0)}
    assert summary["overall"] == {"checked": 3, "passed": 1, "open": 2, "pass_rate": round(1 / 3, 4)}
    assert summary["top_flags"] == [
        {"rule": "forbidden_phrase", "phrase": "不知道。", "count": 3},
        {"rule": "closing_missing", "phrase": None, "count": 1},
    ]
