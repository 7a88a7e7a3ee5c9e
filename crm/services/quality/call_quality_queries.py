"""The SQL of the call-quality report: one statement per section, aggregated in the database.

Each statement takes a ``Scope`` (the period as UTC instants, its local days, the branch, the grouping)
and returns small aggregate rows: per group and local day for calls and surveys (the report rolls them
up into its rows, daily trend and totals), per category / outcome / branch for complaints, per case kind
for deadlines. Nothing here loops over calls in Python. The formulas are in the README ("Call-quality
report").
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Integer, String, and_, case, cast, func, literal, or_, select, text, union_all
from sqlalchemy.orm import aliased

from crm.core.sql_time import at_least_seconds_after
from crm.models import Call, Case, CaseDeadline, ComplaintRecord, Staff, Survey, SurveyAnswer, SurveyQuestion, SurveyRun
from crm.services.surveys.default_surveys import CASE_SURVEY, SATISFACTION_KEYS

GROUPS = ("agent", "team", "branch", "day")
# The digit a surveyed customer presses for "satisfied" (满意) to the attitude question.
SATISFIED = next(digit for digit, meaning in SATISFACTION_KEYS.items() if meaning == "satisfied")
FOUNDED = ("founded", "partly_founded")
# The answering agent, for grouping calls by team (the agent's branch).
_AGENT = aliased(Staff)


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
        """SQL: the local day (ISO text) ``instant`` falls in, for instants inside ``[lo, hi)``: a binary search
        over the days' bounds (five comparisons a row for a month, not fifteen on average)."""
        return _day_of(instant, self.days)


def _day_of(instant, days):
    if len(days) == 1:
        return literal(days[0][0].isoformat(), String)
    middle = len(days) // 2
    return case((instant < days[middle][1], _day_of(instant, days[:middle])), else_=_day_of(instant, days[middle:]))


def call_counts(session, scope):
    """Per (group key, local day): the inbound call counters, FCR included (``call_quality.CALL_COUNTERS``).

    Two statements, each driven by what orders or bounds it: the counters are summed day by day over the
    ``started_at`` index; FCR walks the covering index of inbound calls by (customer, start), so its window
    needs no sort.
    """
    counted = {(row["group_key"], row["local_day"]): dict(row) for row in session.execute(_call_stmt(scope)).mappings()}
    for row in _analytic(session, _fcr_stmt(scope)):
        # Every call FCR counts is an offered call of the period, so its (key, day) is already there.
        counted[row["group_key"], row["local_day"]].update(row)
    return list(counted.values())


def _call_stmt(scope):
    """The counters of the period's inbound calls but FCR: one aggregate per local day, put together.

    Day by day rather than grouped by a CASE on the day: the planner knows how few groups one day's calls
    form, so it hashes them (in parallel on PostgreSQL) instead of sorting the period's calls.
    """
    return union_all(*(_day_counters(scope, day, lo, hi) for day, lo, hi in scope.days))


def _day_counters(scope, day, lo, hi):
    day = literal(day.isoformat(), String)
    key = _keys(scope, Call).get(scope.group_by)
    offered = Call.offered_at.is_not(None)
    answered = and_(offered, Call.agent_id.is_not(None))
    unanswered = and_(offered, Call.agent_id.is_(None))
    stmt = select(
        (day if key is None else key).label("group_key"),
        day.label("local_day"),
        func.count().filter(offered).label("offered"),
        func.count().filter(answered).label("answered"),
        _count(unanswered, Call.first_ring_at.is_(None), Call.outcome == "abandoned").label("abandoned_in_queue"),
        _count(unanswered, Call.first_ring_at.is_not(None), Call.outcome == "abandoned").label("abandoned_ringing"),
        _count(unanswered, Call.outcome == "voicemail").label("to_voicemail"),
        _count(answered, Call.queue_wait_seconds <= scope.service_level_seconds).label("answered_within_sl"),
        func.coalesce(func.sum(Call.queue_wait_seconds).filter(answered), 0).label("wait_sum"),
        func.count(Call.queue_wait_seconds).filter(answered).label("wait_count"),
        func.coalesce(func.sum(Call.talk_seconds).filter(answered), 0).label("talk_sum"),
        func.count(Call.talk_seconds).filter(answered).label("talk_count"),
        literal(0).label("fcr_calls"),
        literal(0).label("fcr_resolved"),
    ).where(Call.direction == "inbound", Call.started_at >= lo, Call.started_at < hi)
    stmt = _joined(stmt, scope, Call)
    # Grouped by the day: the whole day is one group (a day without calls forms none).
    return stmt.having(func.count() > 0) if key is None else stmt.group_by(key)


def _fcr_stmt(scope):
    """FCR per (group key, local day): answered calls of a known customer in the period, and those resolved
    at first contact (no other inbound call of the customer within the window, the case not reopened)."""
    calls = _customer_calls(scope).subquery()
    day = scope.local_day(calls.c.started_at)
    key = _keys(scope, calls.c).get(scope.group_by, day)
    not_called_again = or_(
        calls.c.next_at.is_(None),
        at_least_seconds_after(calls.c.next_at, calls.c.started_at, scope.fcr_window_days * 86400),
    )
    reopened = select(Case.id).where(Case.reopened_count > 0)
    resolved = and_(not_called_again, or_(calls.c.case_id.is_(None), calls.c.case_id.not_in(reopened)))
    stmt = select(
        key.label("group_key"),
        day.label("local_day"),
        func.count().label("fcr_calls"),
        func.count().filter(resolved).label("fcr_resolved"),
    ).where(calls.c.started_at < scope.hi, calls.c.offered_at.is_not(None), calls.c.agent_id.is_not(None))
    return _joined(stmt.select_from(calls), scope, calls.c).group_by("group_key", "local_day")


def _customer_calls(scope):
    """Inbound calls of a known customer from the period's start to its end plus the FCR window, each with
    the start of the same customer's next inbound call (any branch) as ``next_at``.

    Only the columns of the covering index ``ix_calls_inbound_customer`` (revision 0017): PostgreSQL reads
    it in (customer, start) order, as the window wants, without touching the table.
    """
    next_at = func.lead(Call.started_at).over(partition_by=Call.customer_id, order_by=Call.started_at)
    return select(
        Call.started_at, Call.agent_id, Call.branch_id, Call.case_id, Call.offered_at, next_at.label("next_at")
    ).where(
        Call.direction == "inbound",
        Call.customer_id.is_not(None),
        Call.started_at >= scope.lo,
        Call.started_at < scope.hi + timedelta(days=scope.fcr_window_days),
    )


def _keys(scope, calls):
    """The group key per grouping but ``day``, for calls in ``calls`` (a mapped class or a subquery's columns)."""
    return {"agent": calls.agent_id, "team": _AGENT.branch_id, "branch": calls.branch_id}


def _joined(stmt, scope, calls):
    """``stmt`` joined to the answering agent for teams, kept to the calls of the branch's lines."""
    if scope.group_by == "team":
        stmt = stmt.outerjoin(_AGENT, _AGENT.id == calls.agent_id)
    if scope.branch_id is not None:
        stmt = stmt.where(calls.branch_id == scope.branch_id)
    return stmt


def _analytic(session, stmt):
    """Run the FCR statement; on PostgreSQL without JIT (compiling the plan cost 1.7 s of 13 at a million calls),
    restored afterwards. The plan is the planner's: when the period holds most of the inbound calls it reads the
    covering index in (customer, start) order; when the history is long it sorts the period's calls instead of
    reading every call ever logged."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(text("SET LOCAL jit = off"))
    rows = session.execute(stmt).mappings().all()
    if postgres:
        session.execute(text("RESET jit"))
    return rows


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
