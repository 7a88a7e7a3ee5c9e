"""What a supervisor watches on the board: open cases past a deadline or up the escalation ladder.

A case needs attention while one of its clocks is still running and is either past its due time or
has been escalated (its level reached ``ESCALATED``: a supervisor or the branch head was told; a mere
reminder to the owner is level 1 and does not count). Each case is shown with its most urgent running clock.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, or_
from sqlalchemy.orm import selectinload

from crm.core.clock import now
from crm.models import Case, CaseDeadline
from crm.services.cases import workflow

BOARD_LIMIT = 200
ESCALATED = 2


@dataclass(frozen=True)
class Attention:
    case: Case
    clock: str
    due_at: datetime
    overdue_by: timedelta | None  # None while the clock is not yet due (escalated early)
    level: int


def needing_attention(session, viewer, branch_id=None, at=None, limit=BOARD_LIMIT):
    """Cases ``viewer`` may see (of ``branch_id`` when given) that are overdue or escalated, most late first."""
    at = at or now()
    running = (CaseDeadline.case_id == Case.id) & CaseDeadline.met_at.is_(None)
    late_or_raised = or_(CaseDeadline.due_at <= at, CaseDeadline.level >= ESCALATED)
    stmt = (
        workflow.cases_query(viewer, branch_id=branch_id)
        .where(exists().where(running & late_or_raised))
        .options(selectinload(Case.deadlines))
        .limit(limit)
    )
    rows = [_attention(case, at) for case in session.scalars(stmt).unique()]
    return sorted(rows, key=lambda row: (row.due_at, row.case.id))


def _attention(case, at):
    running = [deadline for deadline in case.deadlines if deadline.met_at is None]
    worst = min(running, key=lambda deadline: deadline.due_at)
    overdue_by = at - worst.due_at if worst.due_at <= at else None
    return Attention(case, worst.clock, worst.due_at, overdue_by, max(deadline.level for deadline in running))
