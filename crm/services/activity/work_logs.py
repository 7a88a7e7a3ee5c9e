"""Work logs and weekly summaries (工作日志 · 周工作总结, DOMAIN §4; the seeds' 附件2 and 附件5).

Each working day every active manager (agent) gets a daily log of that day; on the last working day of
a week (usually Friday; Thursday when Friday is a holiday) also the weekly summary of Monday … that day.
Both hold the counts per activity kind against the targets owed (``attainment``) and the lists behind
them: calls, visits, cases resolved, surveys completed — ids and short facts, never a customer's name or
number —, and in a weekly summary the counts day by day. Generation is idempotent: a log not yet reviewed
is refreshed (its remarks kept), a reviewed one is left as the supervisor saw it. The manager writes
remarks on their own logs only; the supervisor of the branch (or an admin) reviews a log once, with a
comment.
"""

from datetime import timedelta

from sqlalchemy import Boolean, false, func, select, type_coerce

from crm.core.clock import local, now
from crm.core.filters import where_given
from crm.errors import Conflict, Forbidden
from crm.models import Call, Case, SurveyRun, Visit, WorkLog
from crm.services.activity.attainment import attainment_rows
from crm.services.activity.counts import daily_activity_counts, local_midnight, managers
from crm.services.calls.call_log import contact_call_condition
from crm.services.cases.calendar.installation import installation_calendar
from crm.services.org import access

# Longest list of one kind kept in a log; the figures always count everything.
MAX_ITEMS = 200


def generate(session, day=None):
    """Generate (or refresh) the logs owed for local date ``day`` (default today); returns how many were
    written. Nothing on a day that is not a working day."""
    day = day or local(now()).date()
    calendar = installation_calendar(session)
    if not calendar.is_working_day(day):
        return 0
    written = _generate(session, "daily", day, day)
    if calendar.next_working_day(day).isocalendar()[:2] != day.isocalendar()[:2]:
        written += _generate(session, "weekly", day - timedelta(days=day.weekday()), day)
    return written


def _generate(session, kind, start, end):
    people = managers(session)
    figures = {}
    for row in attainment_rows(session, start, end):
        figures.setdefault(row["staff_id"], []).append({name: row[name] for name in FIGURE_FIELDS})
    items = _items(session, [person.id for person in people], start, end)
    if kind == "weekly":
        items["days"] = _days(session, [person.id for person in people], start, end)
    existing = {
        log.staff_id: log
        for log in session.scalars(select(WorkLog).where(WorkLog.kind == kind, WorkLog.period_start == start))
    }
    written = 0
    for person in people:
        log = existing.get(person.id)
        if log is not None and log.reviewed_at is not None:
            continue
        if log is None:
            log = WorkLog(staff_id=person.id, kind=kind, period_start=start)
            session.add(log)
        log.branch_id, log.period_end, log.generated_at = person.branch_id, end, now()
        log.figures = figures.get(person.id, [])
        log.items = {name: lists.get(person.id, []) for name, lists in items.items()}
        written += 1
    session.flush()
    return written


FIGURE_FIELDS = ("kind", "target_period", "done", "target", "ratio")


def _items(session, staff_ids, start, end):
    """``{list name: {staff_id: [facts]}}`` for the range: one query per list, for every manager at once."""
    begin, finish = local_midnight(start), local_midnight(end + timedelta(days=1))
    lists = {
        "calls": (
            select(
                Call.agent_id,
                Call.id,
                Call.direction,
                Call.outcome,
                Call.duration_seconds,
                Call.case_id,
                type_coerce(func.coalesce(contact_call_condition(), false()), Boolean).label("contact"),
                Call.started_at.label("at"),
            ).where(Call.agent_id.in_(staff_ids), Call.started_at >= begin, Call.started_at < finish)
        ),
        "visits": select(
            Visit.manager_id, Visit.id, Visit.channel, Visit.purpose, Visit.next_step_on, Visit.started_at.label("at")
        ).where(Visit.manager_id.in_(staff_ids), Visit.started_at >= begin, Visit.started_at < finish),
        "cases_resolved": select(Case.owner_id, Case.id, Case.kind, Case.resolved_at.label("at")).where(
            Case.owner_id.in_(staff_ids), Case.resolved_at >= begin, Case.resolved_at < finish
        ),
        "surveys_completed": select(Case.owner_id, SurveyRun.id, SurveyRun.case_id, SurveyRun.completed_at.label("at"))
        .join(Case, SurveyRun.case_id == Case.id)
        .where(
            Case.owner_id.in_(staff_ids),
            SurveyRun.state == "completed",
            SurveyRun.completed_at >= begin,
            SurveyRun.completed_at < finish,
        ),
    }
    return {name: _by_person(session, stmt) for name, stmt in lists.items()}


def _days(session, staff_ids, start, end):
    """``{staff_id: [{"day", <kind>: n, …}, …]}``: the week's counts day by day, for the summary."""
    found = {}
    for (staff_id, day), counts in sorted(daily_activity_counts(session, staff_ids, start, end).items()):
        found.setdefault(staff_id, []).append({"day": day.isoformat(), **counts})
    return found


def _by_person(session, stmt):
    """Rows of ``stmt`` (the person first, then the facts) as ``{person: [facts as JSON]}``, oldest first."""
    found = {}
    for person, *facts in session.execute(stmt.order_by("at")):
        rows = found.setdefault(person, [])
        if len(rows) < MAX_ITEMS:
            rows.append(dict(zip(stmt.selected_columns.keys()[1:], map(_json, facts), strict=True)))
    return found


def _json(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


# --- reading, remarks and review, for the API ----------------------------------------------


def logs_query(viewer, staff_id=None, kind=None, start=None, end=None, reviewed=None):
    """Logs ``viewer`` may see, newest period first; ``start``/``end`` bound the period's first day."""
    stmt = access.visible(select(WorkLog), viewer).order_by(WorkLog.period_start.desc(), WorkLog.id.desc())
    stmt = where_given(stmt, {WorkLog.staff_id: staff_id, WorkLog.kind: kind})
    if start is not None:
        stmt = stmt.where(WorkLog.period_start >= start)
    if end is not None:
        stmt = stmt.where(WorkLog.period_start <= end)
    if reviewed is not None:
        stmt = stmt.where(WorkLog.reviewed_at.is_not(None) if reviewed else WorkLog.reviewed_at.is_(None))
    return stmt


def get_log(session, viewer, log_id):
    return access.visible_row(session, viewer, WorkLog, log_id)


def set_remarks(session, viewer, log_id, remarks):
    """The manager's own remarks on their log; nobody writes in another's."""
    log = get_log(session, viewer, log_id)
    if log.staff_id != viewer.id:
        raise Forbidden("Only the manager whose log it is writes its remarks.")
    log.remarks = remarks
    session.flush()
    return log


def review(session, viewer, log_id, comment):
    """Mark the log reviewed with ``comment``: the branch's supervisor or an admin, once."""
    log = get_log(session, viewer, log_id)
    if viewer.role not in ("supervisor", "admin") or log.staff_id == viewer.id:
        raise Forbidden("The branch's supervisor reviews a manager's log.")
    if log.reviewed_at is not None:
        raise Conflict("This log has been reviewed already.")
    log.reviewed_at, log.reviewed_by_id, log.review_comment = now(), viewer.id, comment
    session.flush()
    return log
