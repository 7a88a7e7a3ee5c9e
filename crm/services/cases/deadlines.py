"""A case's clocks: due times from the deadline policies and the installation calendar — DOMAIN §5.

Each clock (``dispatch``, ``first_response``, ``resolution``) is one ``CaseDeadline`` row carrying
its whole escalation ladder, computed when the clock starts:

- ``remind_at`` — 75 % of the allowed business time has passed (remind the owner);
- ``due_at`` — the deadline (case overdue, the owner's supervisor told);
- ``head_at`` — one working day after the deadline (the branch head told).

``level`` counts the steps already taken and ``next_action_at`` (``escalation.next_action_at``, the
ladder's one definition) is the earliest step not yet taken, so the escalation sweep only reads
``next_action_at <= now AND met_at IS NULL``. A clock measured in ``minutes`` (complaint dispatch:
complaints are paged day and night) runs on the wall clock and is a single page at its due time:
no reminder, no branch-head step.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from crm.core.clock import as_utc, now
from crm.errors import NotFound
from crm.models import CaseDeadline, DeadlinePolicy
from crm.models.cases import CLOCKS
from crm.services.cases import escalation
from crm.services.cases.calendar.installation import installation_calendar
from crm.services.cases.deadline_policies import policies_for

REMIND_SHARE = 0.75
HEAD_AFTER_WORKING_DAYS = 1
# Clocks that restart when a resolved or closed case is reopened.
REOPEN_CLOCKS = ("first_response", "resolution")


@dataclass(frozen=True)
class ClockTimes:
    started_at: datetime
    remind_at: datetime | None
    due_at: datetime
    head_at: datetime | None


def _wall_clock(calendar, start, amount):
    """A page, not a ladder: only the due time."""
    return None, start + timedelta(minutes=amount), None


def _business_time(calendar, start, amount):
    allowed = amount * calendar.day_length
    due_at = calendar.add_business_time(start, allowed)
    return (
        calendar.add_business_time(start, allowed * REMIND_SHARE),
        due_at,
        calendar.add_working_days(due_at, HEAD_AFTER_WORKING_DAYS),
    )


# Policy unit → (remind_at, due_at, head_at) for ``amount`` of that unit after ``start``.
_LADDER_BY_UNIT = {"minutes": _wall_clock, "working_days": _business_time}


def clock_times(calendar, start, amount, unit):
    """The ladder of one clock started at ``start`` with a policy of ``amount`` ``unit``."""
    start = as_utc(start)
    remind_at, due_at, head_at = _LADDER_BY_UNIT[unit](calendar, start, amount)
    return ClockTimes(started_at=start, remind_at=remind_at, due_at=as_utc(due_at), head_at=head_at)


def due_times(session, kind, vip, start):
    """{clock: ClockTimes} for a case of ``kind`` and tier arriving at ``start`` (policy order)."""
    calendar = installation_calendar(session)
    policies = policies_for(session, kind, vip)
    return {clock: clock_times(calendar, start, *policies[clock]) for clock in CLOCKS if clock in policies}


def next_action_at(deadline):
    """When the sweep must next look at ``deadline``; None once met or when its ladder is climbed."""
    if deadline.met_at is not None:
        return None
    return escalation.next_action_at(
        deadline.clock, deadline.level, deadline.remind_at, deadline.due_at, deadline.head_at
    )


def start_clocks(session, case, start, clocks=CLOCKS):
    """(Re)start ``case``'s ``clocks`` at ``start``: due times from the policies, nothing met, level 0."""
    existing = {deadline.clock: deadline for deadline in case.deadlines}
    for clock, times in due_times(session, case.kind, case.is_vip, start).items():
        if clock not in clocks:
            continue
        deadline = existing.get(clock)
        if deadline is None:
            deadline = CaseDeadline(clock=clock)
            case.deadlines.append(deadline)
        for name, value in vars(times).items():
            setattr(deadline, name, value)
        deadline.met_at, deadline.level = None, 0
        deadline.next_action_at = next_action_at(deadline)


def meet_clocks(case, clocks, at):
    """Stop the still running ``clocks`` of ``case`` at ``at``; returns the names of those stopped."""
    stopped = []
    for deadline in case.deadlines:
        if deadline.clock in clocks and deadline.met_at is None:
            deadline.met_at, deadline.next_action_at = at, None
            stopped.append(deadline.clock)
    return stopped


def clock_status(deadline, at=None):
    """What a case shows per clock. ``met``: stopped by the deadline; ``overdue``: the deadline
    passed without that (still running, or stopped late)."""
    at = at or now()
    missed = not deadline.met and deadline.due_at <= (deadline.met_at or at)
    return {
        "clock": deadline.clock,
        "started_at": deadline.started_at,
        "remind_at": deadline.remind_at,
        "due_at": deadline.due_at,
        "head_at": deadline.head_at,
        "met_at": deadline.met_at,
        "met": deadline.met,
        "overdue": missed,
        "level": deadline.level,
        "next_action_at": deadline.next_action_at,
    }


def list_policies(session):
    return session.scalars(
        select(DeadlinePolicy).order_by(DeadlinePolicy.kind, DeadlinePolicy.vip, DeadlinePolicy.clock)
    )


def set_policy(session, kind, vip, clock, amount, unit):
    """Create or change the policy row for (kind, tier, clock). New limits apply to cases opened
    (or reopened) from now on; running clocks keep the due times they were given."""
    policy = session.scalar(
        select(DeadlinePolicy).where(
            DeadlinePolicy.kind == kind, DeadlinePolicy.vip == vip, DeadlinePolicy.clock == clock
        )
    )
    if policy is None:
        policy = DeadlinePolicy(kind=kind, vip=vip, clock=clock)
        session.add(policy)
    policy.amount, policy.unit = amount, unit
    session.flush()
    return policy


def change_policy(session, policy_id, amount, unit):
    policy = session.get(DeadlinePolicy, policy_id)
    if policy is None:
        raise NotFound(f"No deadline policy {policy_id}.")
    return set_policy(session, policy.kind, policy.vip, policy.clock, amount, unit)
