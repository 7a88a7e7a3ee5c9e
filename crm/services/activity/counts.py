"""Activity counted from what is recorded (DOMAIN §4): nothing is typed twice.

One ``GROUP BY … count(*) FILTER (WHERE …)`` query per source table, for a set of managers and a
range of local dates of the installation (turned into UTC instants at local midnight). Per day, rows
fall into their local day by a ``CASE`` over the day boundaries, so SQLite and PostgreSQL agree
without time-zone functions. What counts, and why:

================= ======================================================================================
contact_calls     the manager's calls meeting ``call_log.contact_call_condition`` (answered, ≥ 30 s, a
                  known customer), by the call's start
appointments      约见: a visit logged that books a next step with a date (``next_step_on``), counted on
                  the day it was logged. The seeds' figure (每天约访10-15个、安排5-10名客户到访) measures
                  the customers a manager arranges to come, which is work done the day the meeting is
                  booked; the meeting itself counts as a visit when it is logged
on_site_visits    visits logged with channel ``on_site``, by their start
home_visits       visits logged with channel ``home_visit``, by their start
new_prospects     customers created in the range whose status is ``prospect`` and whose manager is the
                  person (a prospect who has since opened an account no longer counts: no status history)
surveys_completed callback surveys completed about a case the person owns (首问负责: the owner answered
                  the customer, the survey rates that work). Visit-verification surveys are a check on
                  the manager, not their activity, and do not count
cases_resolved    cases resolved in the range whose owner is the person (a reopened case counts again
                  when resolved again, on its latest resolution)
================= ======================================================================================
"""

from datetime import datetime, time, timedelta

from sqlalchemy import Integer, case, func, literal, select, true

from crm.core.clock import as_utc, zone
from crm.models import Call, Case, Customer, Staff, SurveyRun, Visit
from crm.models.quotas import ACTIVITY_KINDS
from crm.services.calls.call_log import contact_call_condition


def _sources():
    """Per source: (table to select from, the person column, the time column, {kind: condition})."""
    return (
        (Call, Call.agent_id, Call.started_at, {"contact_calls": contact_call_condition()}),
        (
            Visit,
            Visit.manager_id,
            Visit.started_at,
            {
                "appointments": Visit.next_step_on.is_not(None),
                "on_site_visits": Visit.channel == "on_site",
                "home_visits": Visit.channel == "home_visit",
            },
        ),
        (Customer, Customer.manager_id, Customer.created_at, {"new_prospects": Customer.status == "prospect"}),
        (
            SurveyRun.__table__.join(Case.__table__, SurveyRun.case_id == Case.id),
            Case.owner_id,
            SurveyRun.completed_at,
            {"surveys_completed": SurveyRun.state == "completed"},
        ),
        (Case, Case.owner_id, Case.resolved_at, {"cases_resolved": true()}),
    )


def local_midnight(day):
    """The UTC instant at which local date ``day`` begins in the installation's time zone."""
    return as_utc(datetime.combine(day, time(), tzinfo=zone()))


def managers(session, branch_id=None, staff_id=None):
    """The active agents (account managers) of a branch, or the one named, or all; ordered by id."""
    stmt = select(Staff).where(Staff.is_active.is_(True)).order_by(Staff.id)
    if staff_id is not None:
        return list(session.scalars(stmt.where(Staff.id == staff_id)))
    stmt = stmt.where(Staff.role == "agent")
    if branch_id is not None:
        stmt = stmt.where(Staff.branch_id == branch_id)
    return list(session.scalars(stmt))


def activity_counts(session, staff_ids, start, end):
    """``{staff_id: {kind: n}}`` for local dates ``start`` … ``end`` inclusive; every kind present."""
    counts = {staff_id: dict.fromkeys(ACTIVITY_KINDS, 0) for staff_id in staff_ids}
    for (staff_id, _day), by_kind in _count(session, staff_ids, start, end, by_day=False).items():
        counts[staff_id].update(by_kind)
    return counts


def daily_activity_counts(session, staff_ids, start, end):
    """``{(staff_id, day): {kind: n}}`` for each local date ``start`` … ``end``; every pair and kind present."""
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    counts = {(staff_id, day): dict.fromkeys(ACTIVITY_KINDS, 0) for staff_id in staff_ids for day in days}
    for key, by_kind in _count(session, staff_ids, start, end, by_day=True).items():
        counts[key].update(by_kind)
    return counts


def _count(session, staff_ids, start, end, by_day):
    if not staff_ids:
        return {}
    days = (end - start).days + 1
    bounds = [local_midnight(start + timedelta(days=n)) for n in range(days + 1)]
    found = {}
    for table, person, at, kinds in _sources():
        day = _day_index(at, bounds) if by_day and days > 1 else None
        for row in session.execute(_source_query(table, person, at, kinds, day, bounds, staff_ids)):
            key = (row.staff_id, start + timedelta(days=row.day) if by_day else None)
            found.setdefault(key, {}).update({kind: getattr(row, kind) for kind in kinds})
    return found


def _source_query(table, person, at, kinds, day, bounds, staff_ids):
    """One aggregate over ``table``: rows in range are tagged (person, day index, one flag per kind) in a
    subquery, then counted per person and day — the grouping is on plain columns, which PostgreSQL needs
    when the day index is a ``CASE`` with bound parameters."""
    flags = [condition.label(kind) for kind, condition in kinds.items()]
    day_column = (day if day is not None else literal(0, Integer)).label("day")
    tagged = (
        select(person.label("staff_id"), day_column, *flags)
        .select_from(table)
        .where(person.in_(staff_ids), at >= bounds[0], at < bounds[-1])
        .subquery()
    )
    counts = [func.count().filter(tagged.c[kind]).label(kind) for kind in kinds]
    return select(tagged.c.staff_id, tagged.c.day, *counts).group_by(tagged.c.staff_id, tagged.c.day)


def _day_index(at, bounds):
    """The index of the local day ``at`` falls in: ``CASE WHEN at < b1 THEN 0 WHEN at < b2 THEN 1 …``."""
    return case(*((at < bound, n) for n, bound in enumerate(bounds[1:-1])), else_=len(bounds) - 2)
