"""The call-quality report against the hand-counted world of ``tests/report_world.py``."""

from datetime import date

import pytest
from sqlalchemy import select

from crm.errors import Forbidden, InvalidInput
from crm.models import Call, QaFlag, QaResult, QuotaTarget
from crm.services.quality.call_quality import build_report, check_interactive_period
from tests.report_world import ReportWorld

START, END = date(2026, 11, 16), date(2026, 11, 17)
# Calls 1-4, 9 and 10 answered (waits 5, 25, 10, 8, 20, 30 s; talk 100, 200, 60, 300, 40, 120 s), one abandoned
# in the queue, one while ringing, one to voicemail: 9 offered. Within 20 s: 4. FCR: 3 of the 5 with a customer.
TOTALS = {
    "offered": 9,
    "answered": 6,
    "abandoned_in_queue": 1,
    "abandoned_ringing": 1,
    "to_voicemail": 1,
    "answered_within_sl": 4,
    "service_level": 0.4444,
    "asa_seconds": 16.3,
    "aht_seconds": 136.7,
    "fcr_calls": 5,
    "fcr_resolved": 3,
    "fcr_rate": 0.6,
    "surveyed": 3,
    "satisfied": 2,
    "csat": 0.6667,
    "scores": 3,
    "mean_score": 8.33,
}


@pytest.fixture
def world(db, make, clock):
    return ReportWorld(db.session, make)


def report(world, group_by="agent", viewer=None, **options):
    return build_report(world.session, viewer or world.admin, START, END, group_by, **options)


def pick(metrics, *names):
    return {name: metrics[name] for name in names}


def test_totals_count_every_metric_by_hand(world):
    result = report(world)
    assert result["totals"] == TOTALS
    assert result["period"] == {"start": "2026-11-16", "end": "2026-11-17"}
    assert result["settings"]["service_level_seconds"] == 20


def test_rows_by_agent(world):
    rows = {row["key"]: row for row in report(world)["rows"]}
    names = ("offered", "answered", "service_level", "asa_seconds", "aht_seconds", "fcr_rate", "csat", "mean_score")
    assert pick(rows[str(world.a1.id)], *names) == {
        "offered": 3,
        "answered": 3,
        "service_level": 0.6667,
        "asa_seconds": 16.7,
        "aht_seconds": 113.3,
        "fcr_rate": 0.5,
        "csat": 0.0,
        "mean_score": 6.0,
    }
    assert pick(rows[str(world.a2.id)], *names) == {
        "offered": 2,
        "answered": 2,
        "service_level": 1.0,
        "asa_seconds": 9.0,
        "aht_seconds": 180.0,
        "fcr_rate": 0.5,
        "csat": 1.0,
        "mean_score": 9.0,
    }
    unanswered = rows["none"]
    assert pick(unanswered, "offered", "answered", "abandoned_in_queue", "abandoned_ringing", "to_voicemail") == {
        "offered": 3,
        "answered": 0,
        "abandoned_in_queue": 1,
        "abandoned_ringing": 1,
        "to_voicemail": 1,
    }
    assert unanswered["asa_seconds"] is None
    assert rows[str(world.b1.id)]["label"].startswith(world.b1.name)
    assert list(rows)[-1] == "none"


def test_daily_trend_puts_the_call_across_midnight_on_the_day_it_started(world):
    daily = report(world, "day")["daily"]
    assert [pick(day, "day", "offered", "answered", "answered_within_sl") for day in daily] == [
        {"day": "2026-11-16", "offered": 5, "answered": 4, "answered_within_sl": 3},
        {"day": "2026-11-17", "offered": 4, "answered": 2, "answered_within_sl": 1},
    ]


def test_group_by_day_team_and_branch(world):
    by_day = {row["key"]: row["offered"] for row in report(world, "day")["rows"]}
    assert by_day == {"2026-11-16": 5, "2026-11-17": 4}
    a, b = str(world.a.id), str(world.b.id)
    by_team = {row["key"]: row["answered"] for row in report(world, "team")["rows"]}
    assert by_team == {a: 5, b: 1, "none": 0}
    by_branch = {row["key"]: (row["offered"], row["label"]) for row in report(world, "branch")["rows"]}
    assert by_branch == {a: (8, world.a.name), b: (1, world.b.name)}


def test_branch_filter_and_sections(world):
    result = report(world, branch_id=world.a.id)
    assert pick(result["totals"], "offered", "answered", "surveyed", "satisfied") == {
        "offered": 8,
        "answered": 5,
        "surveyed": 2,
        "satisfied": 1,
    }
    assert result["complaints"]["by_category"] == [
        {"category": "attitude", "count": 1},
        {"category": "efficiency", "count": 1},
    ]
    assert result["deadlines"] == [
        {"kind": "complaint", "due": 2, "met": 1, "rate": 0.5},
        {"kind": "inquiry", "due": 2, "met": 1, "rate": 0.5},
    ]


def test_complaints_by_category_outcome_and_branch(world):
    complaints = report(world)["complaints"]
    assert complaints["by_category"] == [
        {"category": "attitude", "count": 2},
        {"category": "efficiency", "count": 1},
    ]
    assert complaints["by_outcome"] == [
        {"outcome": "founded", "count": 1},
        {"outcome": "pending", "count": 1},
        {"outcome": "unfounded", "count": 1},
    ]
    assert complaints["by_branch"] == [
        {
            "branch_id": world.a.id,
            "received": 2,
            "resolved": 1,
            "open": 1,
            "founded": 1,
            "overdue": 1,
            "reopened": 0,
            "branch": world.a.name,
        },
        {
            "branch_id": world.b.id,
            "received": 1,
            "resolved": 1,
            "open": 0,
            "founded": 0,
            "overdue": 0,
            "reopened": 0,
            "branch": world.b.name,
        },
    ]


def test_service_level_threshold_is_a_setting(world, app, monkeypatch):
    monkeypatch.setitem(app.config, "SERVICE_LEVEL_SECONDS", 25)
    assert report(world)["totals"]["answered_within_sl"] == 5


def test_progress_is_reported_after_each_section(world):
    seen = []
    report(world, progress=seen.append)
    assert seen == [0.4, 0.6, 0.8, 0.9, 1.0]


def test_who_may_pull_which_report(world):
    assert report(world, viewer=world.supervisor_a)["branch_id"] == world.a.id
    with pytest.raises(Forbidden):
        report(world, viewer=world.supervisor_a, branch_id=world.b.id)
    with pytest.raises(Forbidden):
        report(world, viewer=world.a1)


def test_interactive_periods_are_at_most_31_days():
    check_interactive_period(date(2026, 1, 1), date(2026, 1, 31))
    with pytest.raises(InvalidInput, match="report run"):
        check_interactive_period(date(2026, 1, 1), date(2026, 2, 1))
    with pytest.raises(InvalidInput):
        check_interactive_period(date(2026, 1, 2), date(2026, 1, 1))


def _answered_calls_of(world, agent):
    stmt = select(Call).where(Call.agent_id == agent.id, Call.customer_id.is_not(None), Call.direction == "inbound")
    return world.session.scalars(stmt.order_by(Call.started_at)).all()


def test_qa_section_counts_checked_calls_of_the_period(world):
    first, second = _answered_calls_of(world, world.a1)[:2]
    a1, branch = world.a1.id, world.a.id
    world.session.add(
        QaResult(call_id=first.id, agent_id=a1, branch_id=branch, basis="transcript", state="clean", passed=True)
    )
    flagged = QaResult(call_id=second.id, agent_id=a1, branch_id=branch, basis="transcript", state="open", passed=False)
    flagged.flags.append(QaFlag(rule="forbidden_phrase", phrase="不知道。", matched="不知道"))
    world.session.add(flagged)
    world.session.commit()
    qa = report(world)["qa"]
    assert qa["overall"] == {"checked": 2, "passed": 1, "open": 1, "pass_rate": 0.5}
    assert [(agent["agent_id"], agent["pass_rate"]) for agent in qa["agents"]] == [(a1, 0.5)]
    assert qa["top_flags"] == [{"rule": "forbidden_phrase", "phrase": "不知道。", "count": 1}]
    assert report(world, branch_id=world.b.id)["qa"]["overall"]["checked"] == 0


def test_attainment_section_owes_daily_targets_on_the_working_days_of_the_period(world):
    short, long_enough = _answered_calls_of(world, world.a1)[:2]
    short.duration_seconds, long_enough.duration_seconds = 29, 30
    world.session.add(QuotaTarget(kind="contact_calls", period="day", target=10, valid_from=date(2026, 1, 1)))
    world.session.commit()
    by_manager = {row["staff_id"]: row for row in report(world)["attainment"] if row["kind"] == "contact_calls"}
    assert pick(by_manager[world.a1.id], "done", "target", "ratio") == {"done": 1, "target": 20, "ratio": 0.05}
    assert by_manager[world.b1.id]["done"] == 0
    by_team = {row["branch_id"]: row for row in report(world, "team")["attainment"] if row["kind"] == "contact_calls"}
    assert pick(by_team[world.a.id], "done", "target") == {"done": 1, "target": 40}
