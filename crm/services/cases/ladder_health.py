"""Is the escalation ladder moving? The scheduler's heartbeat and the oldest overdue step (issue 14).

``/healthz`` and the admins' jobs API both read ``ladder_status``: a monitor must see a stalled ladder
even while the queue answers. The scheduler writes its heartbeat here, in the database, after each round
that reached Redis, so the heartbeat can be read while Redis is down. A step is overdue when its
``next_action_at`` has passed and the sweep has not taken it. A scheduler that never beat (a fresh
install before its first start) is reported, not failed: the overdue steps tell whether work waits.
"""

from sqlalchemy import func, select, update

from crm.core.bulk import insert_or_skip
from crm.models import CaseDeadline, Heartbeat

SCHEDULER = "scheduler"


def record_heartbeat(session, at, name=SCHEDULER):
    """``name`` was working at ``at``; the caller commits."""
    beat = update(Heartbeat).where(Heartbeat.name == name).values(beat_at=at)
    if not session.execute(beat.execution_options(synchronize_session=False)).rowcount:
        session.execute(insert_or_skip(session, Heartbeat, ("name",), Heartbeat.name).values(name=name, beat_at=at))


def ladder_status(session, at, heartbeat_max_age, overdue_max_age):
    """The heartbeat's age, the oldest overdue step's age and how many are overdue, each against its limit
    in seconds; ``problems`` says in words which limit was passed (empty when the ladder moves)."""
    beat = session.scalar(select(Heartbeat.beat_at).where(Heartbeat.name == SCHEDULER))
    due = CaseDeadline.next_action_at
    overdue = select(func.min(due), func.count()).where(CaseDeadline.met_at.is_(None), due.is_not(None), due <= at)
    oldest, count = session.execute(overdue).one()
    scheduler = {"last_heartbeat": beat, **_age(beat, at, heartbeat_max_age)}
    steps = {"oldest_due_at": oldest, "count": count, **_age(oldest, at, overdue_max_age)}
    problems = []
    if scheduler["too_old"]:
        problems.append(f"scheduler heartbeat is {scheduler['age_seconds']} s old (limit {heartbeat_max_age} s)")
    if steps["too_old"]:
        problems.append(f"an escalation step is overdue by {steps['age_seconds']} s (limit {overdue_max_age} s)")
    return {"ok": not problems, "problems": problems, "scheduler": scheduler, "overdue_steps": steps}


def _age(instant, at, max_age):
    age = None if instant is None else max(0, int((at - instant).total_seconds()))
    return {"age_seconds": age, "max_age_seconds": max_age, "too_old": age is not None and age > max_age}
