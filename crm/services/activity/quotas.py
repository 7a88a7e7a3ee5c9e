"""Quota targets (活动量指标, DOMAIN §4): who sets them, and how a change keeps history.

A target is personal (one manager), a team's (a branch) or the installation's default; for one
manager, kind and period the personal target wins over the team's, the team's over the default
(``attainment``). Setting a target never edits one in force: the row in force is closed the day the new
one starts (``valid_to``, exclusive) and a row is added, so past periods keep their targets. A target
starts today at the earliest. Supervisors set their branch's and its managers' targets, admins any
(the installation's defaults only they); agents read their own.
"""

from sqlalchemy import or_, select

from crm.core.clock import local, now
from crm.core.filters import where_given
from crm.errors import Conflict, Forbidden, InvalidInput
from crm.models import Branch, QuotaTarget, Staff
from crm.services.org import access

# The seeds' reference figures (每天约访10-15个、安排5-10名客户到访): the low end, per working day.
DEFAULT_TARGETS = (("contact_calls", "day", 10), ("appointments", "day", 5))


def today():
    return local(now()).date()


def quotas_query(viewer, staff_id=None, branch_id=None, kind=None, period=None, in_force=None):
    """Targets ``viewer`` may see, newest first; ``in_force``: only those applying today (or only not)."""
    stmt = access.visible(select(QuotaTarget), viewer).order_by(QuotaTarget.id.desc())
    filters = {QuotaTarget.staff_id: staff_id, QuotaTarget.kind: kind, QuotaTarget.period: period}
    stmt = where_given(stmt, {**filters, QuotaTarget.branch_id: branch_id})
    if in_force is not None:
        day = today()
        applies = (QuotaTarget.valid_from <= day) & or_(QuotaTarget.valid_to.is_(None), QuotaTarget.valid_to > day)
        stmt = stmt.where(applies if in_force else ~applies)
    return stmt


def get_quota(session, viewer, quota_id):
    return access.visible_row(session, viewer, QuotaTarget, quota_id)


def set_target(session, viewer, kind, period, target, staff_id=None, branch_id=None, valid_from=None):
    """A new target for a manager (``staff_id``), a team (``branch_id``) or the installation (neither),
    from ``valid_from`` (default today); the one in force for the same scope, kind and period ends then."""
    if staff_id is not None and branch_id is not None:
        raise InvalidInput("Name a manager or a team, not both.", {"branch_id": ["Leave out with staff_id."]})
    if staff_id is not None:
        branch_id = _manager_branch(session, staff_id)
    elif branch_id is not None and session.get(Branch, branch_id) is None:
        raise InvalidInput("No such branch.", {"branch_id": ["Unknown."]})
    _require_may_set(viewer, branch_id)
    start = valid_from or today()
    if start < today():
        raise InvalidInput(
            "A target starts today or later: past periods keep the targets they had.",
            {"valid_from": ["Must not be in the past."]},
        )
    same_scope = select(QuotaTarget).where(
        _scope(staff_id, branch_id),
        QuotaTarget.kind == kind,
        QuotaTarget.period == period,
        or_(QuotaTarget.valid_to.is_(None), QuotaTarget.valid_to > start),
    )
    for row in session.scalars(same_scope):
        row.valid_to = max(row.valid_from, start)
    row = QuotaTarget(
        staff_id=staff_id,
        branch_id=branch_id,
        kind=kind,
        period=period,
        target=target,
        valid_from=start,
        set_by_id=viewer.id if viewer else None,
        set_at=now(),
    )
    session.add(row)
    session.flush()
    return row


def change_target(session, viewer, quota_id, target, valid_from=None):
    """A new figure for the scope, kind and period of target ``quota_id``, from today (or ``valid_from``)."""
    row = get_quota(session, viewer, quota_id)
    if row.valid_to is not None and row.valid_to <= today():
        raise Conflict("This target has ended; set a new one instead.")
    return set_target(session, viewer, row.kind, row.period, target, row.staff_id, _team(row), valid_from)


def end_target(session, viewer, quota_id):
    """The target stops applying from today (a future one is never in force). Ending it twice changes nothing."""
    row = get_quota(session, viewer, quota_id)
    _require_may_set(viewer, row.branch_id)
    day = today()
    if row.valid_to is None or row.valid_to > day:
        row.valid_to = max(row.valid_from, day)
    session.flush()
    return row


def ensure_defaults(session):
    """Install ``DEFAULT_TARGETS`` as the installation's defaults from today, each unless the installation
    already has (or had) a default for that kind and period: edits and endings stay. Returns how many."""
    added = 0
    for kind, period, target in DEFAULT_TARGETS:
        same = select(QuotaTarget.id).where(_scope(None, None), QuotaTarget.kind == kind, QuotaTarget.period == period)
        if session.scalar(same.limit(1)) is None:
            session.add(QuotaTarget(kind=kind, period=period, target=target, valid_from=today(), set_at=now()))
            added += 1
    session.flush()
    return added


def _scope(staff_id, branch_id):
    """The rows of one scope: a manager's own (whatever branch they were in), a team's, or the defaults."""
    if staff_id is not None:
        return QuotaTarget.staff_id == staff_id
    branch = QuotaTarget.branch_id.is_(None) if branch_id is None else QuotaTarget.branch_id == branch_id
    return QuotaTarget.staff_id.is_(None) & branch


def _team(row):
    return row.branch_id if row.staff_id is None else None


def _manager_branch(session, staff_id):
    staff = session.get(Staff, staff_id)
    if staff is None or staff.branch_id is None:
        raise InvalidInput("Targets are set for staff of a branch.", {"staff_id": ["Unknown or without a branch."]})
    return staff.branch_id


def _require_may_set(viewer, branch_id):
    """Admins set any target; supervisors those of their own branch and its managers."""
    if viewer.role == "admin":
        return
    if viewer.role == "supervisor" and branch_id is not None and branch_id == viewer.branch_id:
        return
    raise Forbidden("Supervisors set the targets of their own branch; admins the installation's defaults.")
