"""Cases with their deadline rows, inserted directly with the columns intake fills.

The times come from ``crm.services.cases.deadlines.clock_times`` (the 75 % reminder, the due
time, the branch-head time one working day later; a minutes clock is a single page) and
``next_action_at`` from the escalation ladder; no policy table, no events, no API.
``resolve_and_sweep`` resolves a case and runs the survey dialer's step that owes its customer the
callback survey.
"""

from crm.core import clock
from crm.models import Case, CaseDeadline
from crm.services.cases import workflow
from crm.services.cases.calendar.working_days import BusinessCalendar
from crm.services.cases.deadline_policies import DEFAULT_POLICIES
from crm.services.cases.deadlines import clock_times
from crm.services.cases.escalation import next_action_at
from crm.services.surveys.runs import owe_callback_surveys
from tests.times import sh

# The standard case: an e-mail inquiry (2 working days to reply) opened Mon 10:00 is to be
# reminded Tue 14:00 (75 %), is due Wed 10:00 and goes to the branch head Thu 10:00.
OPENED = sh(11, 23, 10)
REMIND, DUE, HEAD = sh(11, 24, 14), sh(11, 25, 10), sh(11, 26, 10)

# Every field of the complaint form (《客户投诉记录表》) a complaint needs before it is closed.
COMPLETE_RECORD = {
    "demand": "要求道歉并说明原因",
    "finding": "partly_founded",
    "finding_reason": "录音显示坐席语气生硬，但业务解释无误",
    "responsible": "坐席服务态度",
    "corrective_action": "坐席复训服务规范用语",
    "result": "已致歉并说明处理结果",
    "result_channel": "phone",
    "customer_reaction": "客户表示接受",
    "evaluation": "处理及时，客户满意",
}


def policy_clocks(kind):
    """{clock: (amount, unit)} of DOMAIN §5's default table for ``kind``."""
    return {clk: limit for (k, clk), limit in DEFAULT_POLICIES.items() if k == kind}


def deadline_row(calendar, clock_name, start, amount, unit):
    """The columns of one clock started at ``start``, level 0, as intake writes them."""
    times = clock_times(calendar, start, amount, unit)
    return {
        "clock": clock_name,
        **vars(times),
        "level": 0,
        "next_action_at": next_action_at(clock_name, 0, times.remind_at, times.due_at, times.head_at),
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


def resolve_and_sweep(session, actor, case):
    """Resolve ``case``, then open the survey runs owed, as the survey dialer's next sweep does first."""
    workflow.resolve(session, actor, case)
    owe_callback_surveys(session, clock.now())
