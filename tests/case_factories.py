"""Cases with their deadline rows, built directly, the way case intake fills the columns.

Intake (``crm.services.cases``) computes, per clock of the kind's policy: ``due_at`` =
start + the allowed time (working days in business time, or wall-clock minutes);
``remind_at`` = start + 75 % of it; ``head_at`` = ``due_at`` + one working day; the
``dispatch`` clock has neither; ``next_action_at`` = the first step's time at level 0.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from crm.models import Case, CaseDeadline
from crm.services import clock
from crm.services.business_calendar import BusinessCalendar
from crm.services.deadline_policies import DEFAULT_POLICIES
from crm.services.escalation import next_action_at

REMIND_SHARE = 0.75
SHANGHAI = ZoneInfo("Asia/Shanghai")


def sh(day, hour, minute=0):
    """An instant in Shanghai, November 2026 (Mon 23rd is the tests' usual "today")."""
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


# The standard case: an e-mail inquiry (2 working days to reply) opened Mon 10:00 is to be
# reminded Tue 14:00 (75 %), is due Wed 10:00 and goes to the branch head Thu 10:00.
OPENED = sh(23, 10)
REMIND, DUE, HEAD = sh(24, 14), sh(25, 10), sh(26, 10)


def policy_clocks(kind):
    """{clock: (amount, unit)} of DOMAIN §5's default table for ``kind``."""
    return {clk: limit for (k, clk), limit in DEFAULT_POLICIES.items() if k == kind}


def deadline_times(calendar, clock_name, start, amount, unit):
    """(remind_at, due_at, head_at) of one clock started at ``start``."""
    if unit == "minutes":
        allowed = timedelta(minutes=amount)
        due = start + allowed
        remind = None if clock_name == "dispatch" else start + allowed * REMIND_SHARE
    else:
        allowed = amount * calendar.day_length
        due = calendar.add_business_time(start, allowed)
        remind = calendar.add_business_time(start, allowed * REMIND_SHARE)
    head = None if clock_name == "dispatch" else calendar.add_working_days(due, 1)
    return remind, due, head


def deadline_row(calendar, clock_name, start, amount, unit):
    remind, due, head = deadline_times(calendar, clock_name, start, amount, unit)
    return {
        "clock": clock_name,
        "started_at": start,
        "remind_at": remind,
        "due_at": due,
        "head_at": head,
        "level": 0,
        "next_action_at": next_action_at(clock_name, 0, remind, due, head),
    }


class CaseFactory:
    def __init__(self, session, calendar=None):
        self.session = session
        self.calendar = calendar or BusinessCalendar()

    def case(self, owner, kind="email_inquiry", opened_at=None, clocks=None, **fields):
        """An open case owned by ``owner`` with one deadline row per clock of its policy.

        ``clocks`` overrides the policy: ``{"resolution": (2, "working_days")}``.
        """
        opened_at = opened_at or clock.now()
        case = Case(
            **{
                "kind": kind,
                "branch_id": owner.branch_id,
                "channel": "phone",
                "subject": f"{kind} 测试",
                "owner_id": owner.id,
                "created_by_id": owner.id,
                "opened_at": opened_at,
                **fields,
            }
        )
        limits = clocks if clocks is not None else policy_clocks(kind)
        case.deadlines = [
            CaseDeadline(**deadline_row(self.calendar, name, opened_at, amount, unit))
            for name, (amount, unit) in limits.items()
        ]
        self.session.add(case)
        self.session.commit()
        return case
