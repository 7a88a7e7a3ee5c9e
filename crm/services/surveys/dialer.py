"""Ringing the survey runs that are due, and what each call's result does to its run — DOMAIN §7.

Each sweep first opens the runs owed to newly resolved cases (``runs.owe_callback_surveys``).

A run is ``scheduled`` with the instant of its next attempt. The dialer (a periodic job)
claims the due runs with one conditional update (``scheduled → calling``, ``attempts + 1``,
``next_attempt_at`` pushed a lease ahead): two workers at the same instant split the runs, and
none is dialled twice. Outside business hours it claims only the runs whose customer consented to
be called at any time. A run still ``calling`` when its lease ends (the call's result never came)
is claimed again.

Busy, no answer, failure, an answering machine, or silence at the opening: the attempt failed;
the run is rung again after ``REDIAL_AFTER`` (+30 min, then +2 h; inside business hours unless consent)
until ``max_attempts`` (3) calls were made, then it is ``unreachable``. "Not convenient now"
books the same time on the next working day as a fresh start (attempts back to 0); the customer
may then pick one of the openings offered (``openings``), which moves that booking. A hang-up
after the customer agreed to answer ends the run as ``declined``; its answers stay.
"""

import logging
import math
import time
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, update

from crm.core.clock import as_utc, now
from crm.core.pacing import Pacer
from crm.models import SurveyRun
from crm.services.calls import call_log
from crm.services.cases.calendar.installation import installation_calendar
from crm.services.surveys.runs import first_attempt_at, owe_callback_surveys

log = logging.getLogger(__name__)

REDIAL_AFTER = (timedelta(minutes=30), timedelta(hours=2))
# How long a placed call may take to report its result before the run is dialled again.
CALL_LEASE = timedelta(minutes=30)
BATCH_SIZE = 50
# The dialer runs every 10 s: it claims batch after batch for this long at most, then leaves the rest
# to the next run (a batch claimed is always dialled to its end), so that two runs seldom overlap.
DIAL_BUDGET_S = 8
FINAL_STATUSES = ("completed", "busy", "no-answer", "failed", "canceled")
MACHINE_ANSWERS = ("machine_start", "machine_end_beep", "machine_end_silence", "machine_end_other", "fax")


@dataclass
class DialSummary:
    opened: int = 0  # runs opened for resolved cases
    placed: list = field(default_factory=list)  # (run id, CallSid)
    failed: list = field(default_factory=list)  # run ids whose call could not be placed
    given_up: int = 0


def dial_due(session, at, place, limit=BATCH_SIZE, budget_s=DIAL_BUDGET_S, calls_per_s=None):
    """Open the runs owed to resolved cases, then claim the runs due at ``at`` ``limit`` at a time and ring
    each through ``place(run) -> CallSid``, until none is left or ``budget_s`` seconds have passed; commits.

    With ``calls_per_s`` the calls are spaced that far apart (the provider's limit: a burst would come back
    as a burst of webhooks) and a batch is no larger than the budget left can ring.

    Each claim commits before any of its calls is placed, so a run is never rung by two workers; a call
    that cannot be placed counts as a failed attempt and does not stop the others. A run claimed is no
    longer due at ``at`` (its lease runs past it), so a later batch never takes it again.
    """
    summary = DialSummary(opened=owe_callback_surveys(session, at), given_up=give_up_stale(session, at))
    stop_at = time.monotonic() + budget_s
    pacer = Pacer(calls_per_s) if calls_per_s else None
    while True:
        batch = batch_size(limit, stop_at - time.monotonic(), calls_per_s)
        claimed = claim_due_runs(session, at, batch)
        session.commit()
        for run_id in claimed:
            if pacer:
                pacer.wait()
            _ring(session, run_id, place, at, summary)
        if len(claimed) < batch or time.monotonic() >= stop_at:
            return summary


def batch_size(limit, seconds_left, calls_per_s):
    """``limit``, or fewer when paced calls could not all be rung in the seconds left (at least one)."""
    if not calls_per_s:
        return limit
    return max(1, min(limit, math.ceil(seconds_left * calls_per_s)))


def _ring(session, run_id, place, at, summary):
    run = session.get(SurveyRun, run_id)
    try:
        sid = place(run)
    except Exception as exc:  # noqa: BLE001 — any refusal (bad number, Twilio down) is one failed attempt
        # The error's class only: Twilio's messages quote the number dialled.
        log.warning("survey run %s: call not placed: %s", run_id, type(exc).__name__)
        attempt_failed(session, run, "not_placed", at)
        summary.failed.append(run_id)
    else:
        session.execute(
            update(SurveyRun).where(SurveyRun.id == run_id, SurveyRun.call_sid.is_(None)).values(call_sid=sid)
        )
        summary.placed.append((run_id, sid))
    session.commit()


def _due(at):
    return (
        SurveyRun.state.in_(("scheduled", "calling"))
        & (SurveyRun.next_attempt_at <= as_utc(at))
        & (SurveyRun.attempts < SurveyRun.max_attempts)
    )


def claim_due_runs(session, at, limit=BATCH_SIZE):
    """Ids of the runs this worker now owns for dialling (state ``calling``), oldest due first."""
    due = _due(at)
    if not installation_calendar(session).is_open(at):
        due &= SurveyRun.any_time_consent.is_(True)
    ids = session.scalars(
        select(SurveyRun.id)
        .where(due)
        .order_by(SurveyRun.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    return claim(session, ids, at)


def claim(session, ids, at):
    """Take ``ids`` for dialling with one conditional update; those someone else took meanwhile drop out."""
    if not ids:
        return []
    stmt = (
        update(SurveyRun)
        .where(SurveyRun.id.in_(ids), _due(at))
        .values(
            state="calling",
            attempts=SurveyRun.attempts + 1,
            next_attempt_at=as_utc(at) + CALL_LEASE,
            call_sid=None,
            last_result=None,
        )
        .returning(SurveyRun.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(session.execute(stmt).scalars())


def give_up_stale(session, at):
    """Runs whose last allowed call never reported back: unreachable. Returns how many."""
    stmt = (
        update(SurveyRun)
        .where(
            SurveyRun.state == "calling",
            SurveyRun.next_attempt_at <= as_utc(at),
            SurveyRun.attempts >= SurveyRun.max_attempts,
        )
        .values(state="unreachable", next_attempt_at=None, last_result="no_result")
        .execution_options(synchronize_session=False)
    )
    return session.execute(stmt).rowcount


# What a call's result does to its run ------------------------------------------------------------


def retry_at(session, run, at):
    """When the next attempt after ``run.attempts`` failed ones may be made."""
    delay = REDIAL_AFTER[min(run.attempts, len(REDIAL_AFTER)) - 1]
    return first_attempt_at(session, as_utc(at) + delay, run.any_time_consent)


def attempt_failed(session, run, reason, at=None):
    """This attempt reached nobody: retry later, or give up after the last one."""
    at = at or now()
    if run.attempts >= run.max_attempts:
        values = {"state": "unreachable", "next_attempt_at": None}
    else:
        values = {"state": "scheduled", "next_attempt_at": retry_at(session, run, at)}
    return _move(session, run, ("calling",), last_result=reason, **values)


def machine_answered(session, run, call_sid):
    """Twilio's answering-machine detection says no person took the call; the call ends, the result follows."""
    _adopt_call(session, run, call_sid)
    run.last_result = "machine"
    session.flush()


def rebook(session, run, call_sid, at=None):
    """ "Not convenient now": the same time on the next working day, a fresh booking. Returns that instant."""
    calendar = installation_calendar(session)
    local = as_utc(at or now()).astimezone(calendar.zone)
    next_day = calendar.next_working_day(local.date())
    when = first_attempt_at(session, local + timedelta(days=(next_day - local.date()).days), run.any_time_consent)
    _adopt_call(session, run, call_sid)
    _move(
        session,
        run,
        ("calling", "in_progress"),
        state="scheduled",
        attempts=0,
        next_attempt_at=when,
        last_result="rebooked",
    )
    return when


def book(session, run, call_sid, when):
    """The customer picked ``when`` after "not convenient now": the booking ``rebook`` made on this call
    moves there. Whether it moved (not when the run has been rung again since)."""
    return _move(
        session,
        run,
        ("scheduled",),
        SurveyRun.call_sid == call_sid,
        SurveyRun.last_result == "rebooked",
        next_attempt_at=as_utc(when),
        last_result="rebooked_by_customer",
    )


def call_ended(session, run, call_sid, status, answered_by=None, duration=None, at=None):
    """A survey call's status callback: the call log, then the run's next step on a final status.

    A late callback of an earlier attempt (another CallSid) changes nothing on the run.
    """
    call_log.apply_status(
        session,
        call_sid,
        status,
        duration=duration,
        direction="outbound-api",
        to_number=run.to_number,
        customer_id=run.customer_id,
        case_id=run.case_id,
        visit_id=run.visit_id,
    )
    if status not in FINAL_STATUSES or run.call_sid not in (None, call_sid):
        return run
    if run.state == "in_progress":
        _move(session, run, ("in_progress",), state="declined", next_attempt_at=None, last_result="hung_up")
    elif run.state == "calling":
        machine = answered_by in MACHINE_ANSWERS or run.last_result == "machine"
        reason = "machine" if machine else ("no_response" if status == "completed" else status)
        attempt_failed(session, run, reason, at)
    return run


def _adopt_call(session, run, call_sid):
    """The call's webhook may come before the dialer stored the CallSid it got back."""
    if run.call_sid is None:
        run.call_sid = call_sid
        session.flush()


def _move(session, run, expected_states, *conditions, **values):
    """Change ``run`` only while it is in one of ``expected_states`` and meets ``conditions``; whether it changed."""
    changed = session.execute(
        update(SurveyRun)
        .where(SurveyRun.id == run.id, SurveyRun.state.in_(expected_states), *conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(run)
    return bool(changed)
