"""QA checks of agent calls (DOMAIN §6, §8; issue 11 item 5): the sweep, the results and their review.

The ``qa-checks`` sweep picks up, from the database alone, every ended, answered agent call with
something to check and no result yet — or a result not yet reviewed that a late transcript
outgrew — and checks it (``check_call``): on the transcript, the greeting with the agent's job
number, the closing, the read-back when the call opened a case, and every forbidden phrase; lacking
a transcript, the agent's notes (the linked visit's summary, the linked case's subject and text) for
forbidden phrases only. One ``QaResult`` per call (unique), so two sweeps cannot check a call twice.

Supervisors review each flag once, confirming or dismissing it with a comment. A call passes when it
has no flag, or every flag was dismissed.
"""

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import selectinload

from crm.core.bulk import insert_or_skip
from crm.core.clock import now
from crm.errors import Conflict, Forbidden, NotFound
from crm.models import Call, CallUtterance, Case, QaFlag, QaResult, Visit
from crm.services.calls.transcripts import utterances
from crm.services.org import access
from crm.services.quality import qa_matching
from crm.services.quality.qa_phrases import active_by_kind

BATCH_SIZE = 200


def _spoken():
    """How many utterances the call of the current row has (a correlated count)."""
    return select(func.count(CallUtterance.id)).where(CallUtterance.call_id == Call.id).scalar_subquery()


def calls_due(session, limit=BATCH_SIZE):
    """Ids of the agent calls owed a (re-)check, oldest first."""
    reviewed = exists().where(QaFlag.result_id == QaResult.id, QaFlag.decision.is_not(None))
    spoken = _spoken()
    stmt = (
        select(Call.id)
        .outerjoin(QaResult, QaResult.call_id == Call.id)
        .where(
            Call.agent_id.is_not(None),
            Call.outcome == "answered",
            or_(Call.ended_at.is_not(None), Call.duration_seconds.is_not(None)),
            or_(spoken > 0, Call.visit_id.is_not(None), Call.case_id.is_not(None)),
            or_(QaResult.id.is_(None), and_(QaResult.utterances_checked < spoken, ~reviewed)),
        )
        .order_by(Call.started_at, Call.id)
        .limit(limit)
    )
    return session.scalars(stmt).all()


def sweep(session, limit=BATCH_SIZE):
    """Check the calls due; returns how many were checked. The caller commits."""
    phrases = active_by_kind(session)
    checked = [check_call(session, session.get(Call, call_id), phrases) for call_id in calls_due(session, limit)]
    return sum(result is not None for result in checked)


def check_call(session, call, phrases):
    """Check ``call`` against ``phrases`` (``active_by_kind``); its ``QaResult``, or None when nothing was
    done (nothing to check, or a reviewer got there first)."""
    spoken = utterances(session, call.id)
    agent_lines = [qa_matching.Line(u.text, u.sequence, u.offset_seconds) for u in spoken if u.speaker == "agent"]
    if spoken:
        findings = qa_matching.transcript_findings(phrases, agent_lines, call.agent.job_no, _opened_case(session, call))
    else:
        findings = qa_matching.notes_findings(phrases, [qa_matching.Line(text) for text in _notes(session, call)])
    result = _claim(session, call, len(spoken))
    if result is None:
        return None
    result.basis = "transcript" if spoken else "notes"
    result.flags = [_flag(finding) for finding in findings]
    _settle(result)
    session.flush()
    return result


def _claim(session, call, spoken):
    """The call's result to (re)write: new, or unreviewed and checked on fewer utterances; else None."""
    values = {"call_id": call.id, "agent_id": call.agent_id, "branch_id": call.branch_id, "basis": "notes"}
    stmt = insert_or_skip(session, QaResult, ["call_id"], QaResult.id).values(
        **values, utterances_checked=spoken, state="clean", passed=True, checked_at=now()
    )
    new_id = session.scalar(stmt)
    if new_id is not None:
        return session.get(QaResult, new_id)
    reviewed = exists().where(QaFlag.result_id == QaResult.id, QaFlag.decision.is_not(None))
    claimed = session.execute(
        update(QaResult)
        .where(QaResult.call_id == call.id, QaResult.utterances_checked < spoken, ~reviewed)
        .values(utterances_checked=spoken, checked_at=now())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount == 0:
        return None
    result = session.scalar(select(QaResult).where(QaResult.call_id == call.id))
    session.refresh(result)
    return result


def _opened_case(session, call):
    """Did the call open a case? A case linked to it, opened once the call had started."""
    if call.case_id is None:
        return False
    case = session.get(Case, call.case_id)
    return case is not None and case.opened_at >= call.started_at


def _notes(session, call):
    """What the agent wrote about the call: the linked visit's summary, the linked case's subject and text."""
    visit = session.get(Visit, call.visit_id) if call.visit_id else None
    case = session.get(Case, call.case_id) if call.case_id else None
    texts = [visit.summary if visit else None, case.subject if case else None, case.body if case else None]
    return [text for text in texts if text]


def _flag(finding):
    line, phrase = finding.line, finding.phrase
    return QaFlag(
        rule=finding.rule,
        phrase_id=phrase.id if phrase is not None else None,
        phrase=phrase.text if phrase is not None else None,
        matched=finding.matched[:200] if finding.matched else None,
        utterance_sequence=line.sequence if line else None,
        offset_seconds=line.offset_seconds if line else None,
    )


def _settle(result):
    """State and verdict from the flags: passed when none is left standing (all dismissed)."""
    decisions = [flag.decision for flag in result.flags]
    result.passed = all(decision == "dismissed" for decision in decisions)
    if not decisions:
        result.state = "clean"
    else:
        result.state = "reviewed" if all(decisions) else "open"


# --- reading and reviewing, for the API ---------------------------------------------------------


def results_query(viewer, agent_id=None, passed=None, state=None, start=None, end=None):
    """The results ``viewer`` may see, newest call first; ``start``/``end`` bound the call's start."""
    stmt = access.visible(select(QaResult), viewer).join(Call, Call.id == QaResult.call_id)
    stmt = stmt.options(selectinload(QaResult.flags))
    if agent_id is not None:
        stmt = stmt.where(QaResult.agent_id == agent_id)
    if passed is not None:
        stmt = stmt.where(QaResult.passed.is_(passed))
    if state is not None:
        stmt = stmt.where(QaResult.state == state)
    if start is not None:
        stmt = stmt.where(Call.started_at >= start)
    if end is not None:
        stmt = stmt.where(Call.started_at < end)
    return stmt.order_by(Call.started_at.desc(), QaResult.id.desc())


def get_result(session, viewer, result_id):
    return access.visible_row(session, viewer, QaResult, result_id)


def review_flag(session, viewer, flag_id, decision, comment):
    """Confirm or dismiss a flag, once (``Conflict`` after), on a result ``viewer`` may see. The API lets
    supervisors and admins only, and nobody reviews the flags of their own call (a supervisor who took
    calls recuses, as the person complained about does from a complaint)."""
    flag = session.get(QaFlag, flag_id)
    if flag is None:
        raise NotFound(f"No QA flag {flag_id}.")
    result = flag.result
    access.require_visible(viewer, result)
    if result.agent_id == viewer.id:
        raise Forbidden("The flags of your own call are reviewed by another supervisor or an admin.")
    done = session.execute(
        update(QaFlag)
        .where(QaFlag.id == flag.id, QaFlag.decision.is_(None))
        .values(decision=decision, comment=comment, reviewed_by_id=viewer.id, reviewed_at=now())
        .execution_options(synchronize_session=False)
    )
    if done.rowcount == 0:
        raise Conflict("This flag was already reviewed.")
    session.refresh(flag)
    _settle(result)
    session.flush()
    return flag
