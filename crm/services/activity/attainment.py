"""Attainment of activity-volume targets (DOMAIN §4): done ÷ target, per manager or per team.

For a range of local dates, per manager, activity kind and target period:

- ``done``: the activity counted in SQL over the range (``counts``);
- ``target``: what was owed over the range. A daily target is owed on each working day of the range
  (the installation calendar: not on a public holiday, yes on an adjusted working weekend, 调休), with
  the target valid that day. A weekly (Monday to Sunday), monthly or quarterly target is owed once for
  each such period whose working days all lie in the range, with the target whose validity overlaps it
  (the latest to start, when a change fell inside the period). On each day or period the manager's own
  target wins over the team's (their branch's), the team's over the installation default;
- ``ratio``: done ÷ target, None when nothing was owed.

A kind with no target owed in the range gives one row with ``target_period``, ``target`` and ``ratio``
None. A team's row sums its managers' ``done`` and ``target`` per kind and target period.
"""

from datetime import date, timedelta

from sqlalchemy import or_, select

from crm.core.clock import local, now
from crm.errors import Forbidden, InvalidInput
from crm.models import Branch, QuotaTarget, Staff
from crm.models.quotas import ACTIVITY_KINDS, PERIODS
from crm.services.activity.counts import activity_counts, managers
from crm.services.cases.calendar.installation import installation_calendar
from crm.services.org import access

MAX_RANGE_DAYS = 366
SCOPES = ("personal", "team", "default")  # precedence, strongest first


def period_range(period, on):
    """The ``day``, ``week`` (Monday start), ``month`` or ``quarter`` containing date ``on``: (first, last)."""
    if period == "day":
        return on, on
    if period == "week":
        monday = on - timedelta(days=on.weekday())
        return monday, monday + timedelta(days=6)
    months = 1 if period == "month" else 3
    first_month = on.month if months == 1 else 3 * ((on.month - 1) // 3) + 1
    first = date(on.year, first_month, 1)
    after = date(first.year + (first_month + months - 1) // 12, (first_month + months - 1) % 12 + 1, 1)
    return first, after - timedelta(days=1)


def resolve_range(period=None, on=None, start=None, end=None):
    """The dates asked for: ``start``/``end`` both given, else the ``period`` (default day) containing
    ``on`` (default today)."""
    if start is not None or end is not None:
        if start is None or end is None:
            raise InvalidInput("Give both 'start' and 'end'.", {"end" if start else "start": ["Required."]})
        if end < start or (end - start).days >= MAX_RANGE_DAYS:
            raise InvalidInput(f"'end' follows 'start' within {MAX_RANGE_DAYS} days.", {"end": ["Out of range."]})
        return start, end
    return period_range(period or "day", on or local(now()).date())


def attainment_rows(session, start, end, group="manager", branch_id=None, staff_id=None):
    """Attainment rows for local dates ``start`` … ``end`` (inclusive), per manager or per team (branch);
    the managers of ``branch_id``, or ``staff_id`` alone, or every active agent."""
    people = managers(session, branch_id=branch_id, staff_id=staff_id)
    done = activity_counts(session, [person.id for person in people], start, end)
    owed = _Owed(session, people, start, end)
    rows = [row for person in people for row in _manager_rows(person, done[person.id], owed)]
    return rows if group == "manager" else _team_rows(session, rows)


def attainment_for(session, viewer, start, end, group="manager", branch_id=None, staff_id=None):
    """``attainment_rows`` within what ``viewer`` may see: agents their own, supervisors their branch."""
    if staff_id is not None:
        access.visible_row(session, viewer, Staff, staff_id)
    if viewer.role == "agent":
        if group == "team":
            raise Forbidden("Team attainment is for supervisors.")
        staff_id = viewer.id
    elif viewer.role == "supervisor":
        if branch_id not in (None, viewer.branch_id):
            raise Forbidden("Supervisors see the attainment of their own branch.")
        branch_id = viewer.branch_id
    return attainment_rows(session, start, end, group, branch_id, staff_id)


def _manager_rows(person, done, owed):
    for kind in ACTIVITY_KINDS:
        rows = [
            _row(person.id, person.branch_id, person.name, kind, period, done[kind], target)
            for period in PERIODS
            if (target := owed.target(person, kind, period)) is not None
        ]
        yield from rows or [_row(person.id, person.branch_id, person.name, kind, None, done[kind], None)]


def _row(staff_id, branch_id, label, kind, period, done, target):
    ratio = round(done / target, 4) if target else None
    return {
        "staff_id": staff_id,
        "branch_id": branch_id,
        "label": label,
        "kind": kind,
        "target_period": period,
        "done": done,
        "target": target,
        "ratio": ratio,
    }


def _team_rows(session, rows):
    teams = {}
    for row in rows:
        team = teams.setdefault((row["branch_id"], row["kind"], row["target_period"]), {"done": 0, "target": None})
        team["done"] += row["done"]
        if row["target"] is not None:
            team["target"] = (team["target"] or 0) + row["target"]
    names = dict(session.execute(select(Branch.id, Branch.name).where(Branch.id.in_({key[0] for key in teams}))).all())
    return [
        _row(None, branch_id, names.get(branch_id), kind, period, team["done"], team["target"])
        for (branch_id, kind, period), team in teams.items()
    ]


class _Owed:
    """What each manager owed over the range, from the target rows of their scopes and the calendar.

    Managers sharing the same candidate rows (the same team and default targets, no own) share one sum.
    """

    def __init__(self, session, people, start, end):
        calendar = installation_calendar(session)
        self.units = {"day": [(day, day) for day in calendar.working_days(start, end)]}
        self.units.update({period: _whole_periods(calendar, period, start, end) for period in PERIODS[1:]})
        self.rows = {}
        for row in _target_rows(session, people):
            self.rows.setdefault((row.kind, row.period, row.scope, row.staff_id or row.branch_id), []).append(row)
        self.sums = {}

    def target(self, person, kind, period):
        """The sum owed by ``person`` for ``kind`` in ``period`` targets over the range; None if none applied."""
        keys = (("personal", person.id), ("team", person.branch_id), ("default", None))
        candidates = tuple(row for scope, key in keys for row in self.rows.get((kind, period, scope, key), ()))
        if not candidates:
            return None
        if candidates not in self.sums:
            owed = [_winning(candidates, first, last) for first, last in self.units[period]]
            owed = [target for target in owed if target is not None]
            self.sums[candidates] = sum(owed) if owed else None
        return self.sums[candidates]


def _target_rows(session, people):
    staff_ids = [person.id for person in people]
    branch_ids = {person.branch_id for person in people}
    personal = QuotaTarget.staff_id.in_(staff_ids)
    team_or_default = QuotaTarget.staff_id.is_(None) & or_(
        QuotaTarget.branch_id.is_(None), QuotaTarget.branch_id.in_(branch_ids)
    )
    return list(session.scalars(select(QuotaTarget).where(personal | team_or_default)))


def _winning(candidates, first, last):
    """The target owed for the day or period ``first`` … ``last``: the strongest scope with a row whose
    validity overlaps it, the latest-starting row of that scope."""
    for scope in SCOPES:
        overlapping = [
            row
            for row in candidates
            if row.scope == scope and row.valid_from <= last and (row.valid_to is None or row.valid_to > first)
        ]
        if overlapping:
            return max(overlapping, key=lambda row: (row.valid_from, row.id)).target
    return None


def _whole_periods(calendar, period, start, end):
    """The weeks, months or quarters meeting ``start`` … ``end`` that have working days, all of them inside it."""
    whole, day = [], start
    while day <= end:
        first, last = period_range(period, day)
        working = calendar.working_days(first, last)
        if working and start <= working[0] and working[-1] <= end:
            whole.append((first, last))
        day = last + timedelta(days=1)
    return whole
