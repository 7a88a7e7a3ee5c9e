"""Did every call of the call-centre benchmark leave exactly what it should in the database?

For each call the driver walked (CallSid and flow): its ``calls`` row, completed; its events (the incoming
call, the final status, and the flow's own step: the agent's answer, the voicemail, the callback booked); its
case (``source_ref`` ``call:<sid>`` for the case the agent opened through the API, resolved, else the IVR's
``complaint:``/``callback:``/``voicemail:<sid>``) and no other case from the call (``source_ref`` is unique, so
a duplicated step shows as a case of another source). And for the agents' resolved cases, their callback
survey: at most one run per resolution, and a run that was rung has one answer per question answered —
``SURVEY_ANSWERS`` — none twice. Counts what is missing and what is there more than once.
"""

from collections import Counter

from sqlalchemy import func, select

from crm.models import Call, CallEvent, Case, SurveyAnswer, SurveyRun

CASE_SOURCES = {"agent": "call", "complaint": "complaint", "callback": "callback", "voicemail": "voicemail"}
FLOW_EVENTS = {"agent": ("agent_answered",), "voicemail": ("voicemail_recorded",), "callback": ("callback_booked",)}
COMMON_EVENTS = ("incoming", "status:completed")
# The survey call answers the four keyed questions; the optional voice question is left silent.
SURVEY_ANSWERS = 4
CHUNK = 1000


def _chunks(items):
    items = list(items)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def expected_event_keys(sid, flow):
    return [f"{sid}:{step}" for step in (*COMMON_EVENTS, *FLOW_EVENTS.get(flow, ()))]


def case_ref(sid, flow):
    return f"{CASE_SOURCES[flow]}:{sid}"


def check_calls(session, calls):
    """``calls``: ``(CallSid, flow)`` pairs. Returns ``{"missing": Counter, "duplicated": Counter}`` by what."""
    missing, duplicated = Counter(), Counter()
    flows = dict(calls)
    completed = set()
    for chunk in _chunks(flows):
        completed |= set(session.scalars(select(Call.sid).where(Call.sid.in_(chunk), Call.status == "completed")))
    missing["call"] = len(flows.keys() - completed)
    keys = {key: flow for sid, flow in flows.items() for key in expected_event_keys(sid, flow)}
    found = set()
    for chunk in _chunks(keys):
        found |= set(session.scalars(select(CallEvent.dedupe_key).where(CallEvent.dedupe_key.in_(chunk))))
    missing["event"] = len(keys.keys() - found)
    # Any case of any IVR or agent source for the call: one more than the flow's own is a duplicated step.
    refs = {f"{source}:{sid}": sid for sid in flows for source in CASE_SOURCES.values()}
    found_refs = set()
    for chunk in _chunks(refs):
        found_refs |= set(session.scalars(select(Case.source_ref).where(Case.source_ref.in_(chunk))))
    missing["case"] = sum(1 for sid, flow in flows.items() if case_ref(sid, flow) not in found_refs)
    per_call = Counter(refs[ref] for ref in found_refs)
    duplicated["case"] = sum(n - 1 for n in per_call.values() if n > 1)
    return {"missing": missing, "duplicated": duplicated}


def check_surveys(session, agent_sids):
    """The callback surveys of the cases agents opened on ``agent_sids``: runs per case resolution, answers per run.

    Returns counts: ``owed`` (resolved cases), ``opened``, ``rung``, ``completed``, ``missing_answers`` (a
    completed run short of ``SURVEY_ANSWERS``), ``duplicated`` (runs or answers twice), ``unfinished`` (rung
    but not completed)."""
    refs = [f"call:{sid}" for sid in agent_sids]
    case_ids = []
    for chunk in _chunks(refs):
        case_ids += session.scalars(
            select(Case.id).where(Case.source_ref.in_(chunk), Case.status.in_(("resolved", "closed")))
        ).all()
    runs = []
    for chunk in _chunks(case_ids):
        runs += session.execute(
            select(
                SurveyRun.id, SurveyRun.case_id, SurveyRun.case_resolution, SurveyRun.state, SurveyRun.call_sid
            ).where(SurveyRun.case_id.in_(chunk))
        ).all()
    per_resolution = Counter((run.case_id, run.case_resolution) for run in runs)
    answers = Counter()
    for chunk in _chunks([run.id for run in runs]):
        rows = session.execute(
            select(SurveyAnswer.run_id, SurveyAnswer.question_id, func.count())
            .where(SurveyAnswer.run_id.in_(chunk))
            .group_by(SurveyAnswer.run_id, SurveyAnswer.question_id)
        )
        for run_id, _, n in rows:
            answers[run_id] += n
            answers[("twice", run_id)] += n - 1
    completed = [run for run in runs if run.state == "completed"]
    return {
        "owed": len(case_ids),
        "opened": len(runs),
        "rung": sum(1 for run in runs if run.call_sid),
        "completed": len(completed),
        "missing_answers": sum(1 for run in completed if answers[run.id] < SURVEY_ANSWERS),
        "duplicated": sum(n - 1 for n in per_resolution.values()) + sum(answers[("twice", r.id)] for r in runs),
        "unfinished": sum(1 for run in runs if run.call_sid and run.state != "completed"),
    }
