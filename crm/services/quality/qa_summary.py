"""QA figures for the call-quality report (DOMAIN §8): pass rate per agent and overall, and the most
frequent flags — each one SQL ``GROUP BY`` over the checked calls started in the period.

A result counts as passed when it has no flag or every flag was dismissed; one still awaiting review
does not (it is counted in ``open``). Dismissed flags are not counted among the frequent ones.
"""

from sqlalchemy import case, func, select

from crm.models import Call, QaFlag, QaResult, Staff

TOP_FLAGS = 10


def qa_summary(session, start, end, branch_id=None):
    """``{"agents": [...], "overall": {...}, "top_flags": [...]}`` for calls started in [start, end)
    (aware datetimes), in one branch or all."""
    checked = func.count(QaResult.id)
    passed = func.sum(case((QaResult.passed.is_(True), 1), else_=0))
    still_open = func.sum(case((QaResult.state == "open", 1), else_=0))
    per_agent = _in_period(
        select(QaResult.agent_id, Staff.job_no, Staff.name, checked, passed, still_open)
        .join(Staff, Staff.id == QaResult.agent_id)
        .group_by(QaResult.agent_id, Staff.job_no, Staff.name)
        .order_by(Staff.job_no),
        start,
        end,
        branch_id,
    )
    agents = [
        {"agent_id": agent_id, "job_no": job_no, "name": name, **_rates(n, ok, pending)}
        for agent_id, job_no, name, n, ok, pending in session.execute(per_agent)
    ]
    totals = select(checked, passed, still_open).select_from(QaResult)
    overall = session.execute(_in_period(totals, start, end, branch_id)).one()
    return {"agents": agents, "overall": _rates(*overall), "top_flags": _top_flags(session, start, end, branch_id)}


def _top_flags(session, start, end, branch_id):
    times = func.count(QaFlag.id)
    stmt = _in_period(
        select(QaFlag.rule, QaFlag.phrase, times)
        .join(QaResult, QaResult.id == QaFlag.result_id)
        .where(QaFlag.decision.is_(None) | (QaFlag.decision == "confirmed"))
        .group_by(QaFlag.rule, QaFlag.phrase)
        .order_by(times.desc(), QaFlag.rule, QaFlag.phrase)
        .limit(TOP_FLAGS),
        start,
        end,
        branch_id,
    )
    return [{"rule": rule, "phrase": phrase, "count": count} for rule, phrase, count in session.execute(stmt)]


def _in_period(stmt, start, end, branch_id):
    stmt = stmt.join(Call, Call.id == QaResult.call_id).where(Call.started_at >= start, Call.started_at < end)
    return stmt if branch_id is None else stmt.where(QaResult.branch_id == branch_id)


def _rates(checked, passed, still_open):
    checked, passed = checked or 0, passed or 0
    return {
        "checked": checked,
        "passed": passed,
        "open": still_open or 0,
        "pass_rate": round(passed / checked, 4) if checked else None,
    }
