"""The SQL of the call-quality report: one statement per section, aggregated in the database.

Each statement takes a ``Scope`` (the period as UTC instants, its local days, the branch, the grouping)
and returns small aggregate rows: per group and local day for calls and surveys (the report rolls them
up into its rows, daily trend and totals), per category / outcome / branch for complaints, per case kind
for deadlines. Nothing here loops over calls in Python. The formulas are in the README ("Call-quality
report").
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Integer, String, and_, case, cast, func, literal, or_, select, text
from sqlalchemy.orm import aliased

from crm.core.sql_time import seconds_between
from crm.models import Call, Case, CaseDeadline, ComplaintRecord, Staff, Survey, SurveyAnswer, SurveyQuestion, SurveyRun
from crm.services.surveys.default_surveys import CASE_SURVEY, SATISFACTION_KEYS

GROUPS = ("agent", "team", "branch", "day")
# The digit a surveyed customer presses for "satisfied" (满意) to the attitude question.
SATISFIED = next(digit for digit, meaning in SATISFACTION_KEYS.items() if meaning == "satisfied")
FOUNDED = ("founded", "partly_founded")
# Memory a sort of the report may take on PostgreSQL (the FCR window sorts the period's calls by customer).
REPORT_WORK_MEM = "128MB"


@dataclass(frozen=True)
class Scope:
    """What one report covers. ``days`` are the local days with their UTC ``[lo, hi)`` bounds, in order."""

    lo: datetime
    hi: datetime
    days: tuple[tuple[date, datetime, datetime], ...]
    group_by: str
    branch_id: int | None
    service_level_seconds: int
    fcr_window_days: int
    until: datetime  # deadlines falling due after this instant (now) are not yet decided

    def local_day(self, instant):
        """SQL: the local day (ISO text) ``instant`` falls in, for instants inside ``[lo, hi)``."""
        return case(*((instant < hi, literal(day.isoformat(), String)) for day, _, hi in self.days), else_=None)


def call_counts(session, scope):
    """Per (group key, local day): the inbound call counters, FCR included (``call_quality.CALL_COUNTERS``)."""
    facts = _inbound_calls(scope).subquery()
    agent = aliased(Staff)
    keys = {"agent": facts.c.agent_id, "team": agent.branch_id, "branch": facts.c.branch_id}
    day = scope.local_day(facts.c.started_at)
    key = keys.get(scope.group_by, day)
    offered = facts.c.offered_at.is_not(None)
    answered = and_(offered, facts.c.agent_id.is_not(None))
    unanswered = and_(offered, facts.c.agent_id.is_(None))
    eligible = and_(answered, facts.c.customer_id.is_not(None))
    not_called_again = or_(
        facts.c.next_at.is_(None),
        seconds_between(facts.c.next_at, facts.c.started_at) >= scope.fcr_window_days * 86400,
    )
    reopened = select(Case.id).where(Case.reopened_count > 0)
    resolved = and_(eligible, not_called_again, or_(facts.c.case_id.is_(None), facts.c.case_id.not_in(reopened)))
    stmt = (
        select(
            key.label("group_key"),
            day.label("local_day"),
            func.count().filter(offered).label("offered"),
            func.count().filter(answered).label("answered"),
            _count(unanswered, facts.c.first_ring_at.is_(None), facts.c.outcome == "abandoned").label(
                "abandoned_in_queue"
            ),
            _count(unanswered, facts.c.first_ring_at.is_not(None), facts.c.outcome == "abandoned").label(
                "abandoned_ringing"
            ),
            _count(unanswered, facts.c.outcome == "voicemail").label("to_voicemail"),
            _count(answered, facts.c.queue_wait_seconds <= scope.service_level_seconds).label("answered_within_sl"),
            func.coalesce(func.sum(facts.c.queue_wait_seconds).filter(answered), 0).label("wait_sum"),
            func.count(facts.c.queue_wait_seconds).filter(answered).label("wait_count"),
            func.coalesce(func.sum(facts.c.talk_seconds).filter(answered), 0).label("talk_sum"),
            func.count(facts.c.talk_seconds).filter(answered).label("talk_count"),
            func.count().filter(eligible).label("fcr_calls"),
            func.count().filter(resolved).label("fcr_resolved"),
        )
        .select_from(facts)
        .where(facts.c.started_at < scope.hi)
        .group_by("group_key", "local_day")
    )
    if scope.group_by == "team":
        stmt = stmt.outerjoin(agent, agent.id == facts.c.agent_id)
    if scope.branch_id is not None:
        stmt = stmt.where(facts.c.branch_id == scope.branch_id)
    return _analytic(session, stmt)


def _analytic(session, stmt):
    """Run the calls statement; on PostgreSQL with planner settings of its own, restored afterwards.

    No JIT: compiling the plan cost 1.7 s of 13 at a million calls. ``work_mem`` large enough to sort the
    period's calls for the FCR window in memory. No sort for the grouping: the planner, blind to the few
    thousand (group, day) pairs behind the window, would sort a million rows (on disk) rather than hash them.
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(
            text(f"SET LOCAL jit = off; SET LOCAL work_mem = '{REPORT_WORK_MEM}'; SET LOCAL enable_sort = off")
        )
    rows = session.execute(stmt).mappings().all()
    if postgres:
        session.execute(text("RESET jit; RESET work_mem; RESET enable_sort"))
    return rows


def _inbound_calls(scope):
    """Inbound calls from the period's start to its end plus the FCR window, each with the start of the same
    customer's next inbound call (any branch) as ``next_at`` — the window the FCR rule looks into.

    The window partitions by ``coalesce(customer_id, 0)`` (calls of no customer are never FCR-eligible), which
    no index orders: the calls are read in one pass and sorted in memory. Partitioned by the bare column,
    PostgreSQL walks the (customer, started_at) index and fetches every row at random (5 s of the 13 the
    statement took at a million calls).
    """
    customer = func.coalesce(Call.customer_id, 0)
    next_at = func.lead(Call.started_at).over(partition_by=customer, order_by=Call.started_at)
    return select(
        Call.started_at,
        Call.agent_id,
        Call.branch_id,
        Call.customer_id,
        Call.case_id,
        Call.outcome,
        Call.offered_at,
        Call.first_ring_at,
        Call.queue_wait_seconds,
        Call.talk_seconds,
        next_at.label("next_at"),
    ).where(
        Call.direction == "inbound",
        Call.started_at >= scope.lo,
        Call.started_at < scope.hi + timedelta(days=scope.fcr_window_days),
    )


def _count(*conditions):
    return func.count().filter(and_(*conditions))


def survey_counts(session, scope):
    """Per (group key, local day of the answer): answers of the case callback survey to the attitude question
    (and how many were "satisfied") and to the 1–10 score question (and their sum)."""
    owner = aliased(Staff)
    day = scope.local_day(SurveyAnswer.at)
    keys = {"agent": Case.owner_id, "team": owner.branch_id, "branch": Case.branch_id}
    key = keys.get(scope.group_by, day)
    attitude = SurveyQuestion.code == "attitude"
    score = and_(SurveyQuestion.code == "score", SurveyAnswer.value.is_not(None))
    stmt = (
        select(
            key.label("group_key"),
            day.label("local_day"),
            func.count().filter(attitude).label("surveyed"),
            _count(attitude, SurveyAnswer.value == SATISFIED).label("satisfied"),
            func.count().filter(score).label("scores"),
            func.coalesce(func.sum(cast(SurveyAnswer.value, Integer)).filter(score), 0).label("score_sum"),
        )
        .select_from(SurveyAnswer)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .join(SurveyRun, SurveyRun.id == SurveyAnswer.run_id)
        .join(Survey, Survey.id == SurveyRun.survey_id)
        .join(Case, Case.id == SurveyRun.case_id)
        .outerjoin(owner, owner.id == Case.owner_id)
        .where(
            Survey.code == CASE_SURVEY,
            SurveyQuestion.code.in_(("attitude", "score")),
            SurveyAnswer.at >= scope.lo,
            SurveyAnswer.at < scope.hi,
        )
        .group_by("group_key", "local_day")
    )
    return session.execute(_in_branch(stmt, scope)).mappings().all()


def complaint_counts(session, scope):
    """Complaints opened in the period: by category, by outcome (the record's finding; "pending" without
    one) and per branch (received, resolved, still open, founded, overdue, reopened)."""
    complaints = select(Case).where(Case.kind == "complaint", Case.opened_at >= scope.lo, Case.opened_at < scope.hi)
    complaints = _in_branch(complaints, scope).subquery()
    category = func.coalesce(complaints.c.category, "uncategorised")
    outcome = func.coalesce(ComplaintRecord.finding, "pending")
    # Grouped by the raw column (PostgreSQL would not match two bound "coalesce" defaults as one expression).
    by_category = select(category.label("category"), func.count().label("count")).group_by(complaints.c.category)
    by_outcome = (
        select(outcome.label("outcome"), func.count().label("count"))
        .select_from(complaints)
        .outerjoin(ComplaintRecord, ComplaintRecord.case_id == complaints.c.id)
        .group_by(ComplaintRecord.finding)
    )
    resolved = complaints.c.resolved_at.is_not(None)
    by_branch = (
        select(
            complaints.c.branch_id,
            func.count().label("received"),
            func.count().filter(resolved).label("resolved"),
            func.count().filter(~resolved).label("open"),
            func.count().filter(ComplaintRecord.finding.in_(FOUNDED)).label("founded"),
            func.count().filter(complaints.c.overdue.is_(True)).label("overdue"),
            func.count().filter(complaints.c.reopened_count > 0).label("reopened"),
        )
        .select_from(complaints)
        .outerjoin(ComplaintRecord, ComplaintRecord.case_id == complaints.c.id)
        .group_by(complaints.c.branch_id)
    )
    return {
        "by_category": _rows(session, by_category.select_from(complaints).order_by("category")),
        "by_outcome": _rows(session, by_outcome.order_by("outcome")),
        "by_branch": _rows(session, by_branch.order_by(complaints.c.branch_id)),
    }


def deadline_counts(session, scope):
    """Per case kind: the deadlines (every clock) falling due in the period, up to now, and how many were
    met on time (``met_at <= due_at``)."""
    until = min(scope.hi, scope.until)
    stmt = (
        select(
            Case.kind,
            func.count().label("due"),
            func.count().filter(CaseDeadline.met_at <= CaseDeadline.due_at).label("met"),
        )
        .join(Case, Case.id == CaseDeadline.case_id)
        .where(CaseDeadline.due_at >= scope.lo, CaseDeadline.due_at < until)
        .group_by(Case.kind)
        .order_by(Case.kind)
    )
    return _rows(session, _in_branch(stmt, scope))


def _in_branch(stmt, scope):
    return stmt if scope.branch_id is None else stmt.where(Case.branch_id == scope.branch_id)


def _rows(session, stmt):
    return [dict(row) for row in session.execute(stmt).mappings()]
