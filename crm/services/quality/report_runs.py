"""Report runs (issue 11 item 6): a report asked for through the API (or scheduled) is a row; a job on the
``reports`` queue works it out, reporting progress, and its file is kept for download.

The kinds of report are a registry, ``KINDS``: kind → ``ReportKind`` whose ``scope`` checks the params
against the viewer (and says which branch the run covers) and whose ``build`` returns the file. The
database is the source of truth (DESIGN.md): a run whose job was lost (queue flushed, worker killed) is
found by ``sweep_lost`` once its lease has run out and handed to the queue again, at most ``MAX_ATTEMPTS``
times in all; a job delivered twice finds its run finished and does nothing.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from crm.core import clock
from crm.errors import Conflict, DomainError, InvalidInput, NotFound
from crm.models import ReportRun
from crm.services.org import access
from crm.services.quality import call_quality_runs, risk_table

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportKind:
    label: str
    # (session, viewer, params, today) -> (params kept on the run, branch id covered or None for all);
    # raises InvalidInput / Forbidden. ``viewer`` is None for a scheduled run.
    scope: Callable
    # (session, viewer, params, fmt, progress) -> report_files.ReportFile; ``progress(fraction)`` as it goes.
    build: Callable


KINDS = {
    risk_table.KIND: ReportKind("风险承受能力客户分类表", risk_table.scope, risk_table.build),
    call_quality_runs.KIND: ReportKind("服务质量报表 (call quality)", call_quality_runs.scope, call_quality_runs.build),
}
ACTIVE = ("queued", "running")
MAX_ATTEMPTS = 3  # hand-overs to the queue before a run that keeps losing its job is failed
SWEEP_BATCH = 100
LOST = "The report's job was lost {n} times (worker stopped or queue emptied); ask for the report again."
CRASHED = "The report could not be produced ({name}); the worker's log has the details."


def request_run(session, viewer, kind, params, fmt):
    """A new queued run of ``kind`` for ``viewer`` (the caller commits, then enqueues it)."""
    if kind not in KINDS:
        raise InvalidInput(f"No report kind {kind}.", {"kind": ["Unknown report kind."]})
    at = clock.now()
    kept, branch_id = KINDS[kind].scope(session, viewer, params or {}, clock.local(at).date())
    run = ReportRun(
        kind=kind,
        params=kept,
        format=fmt,
        requested_by_id=viewer.id,
        branch_id=branch_id,
        created_at=at,
        heartbeat_at=at,
        attempts=1,
    )
    session.add(run)
    session.flush()
    return run


def schedule_run(session, kind, params, fmt, branch_id, day, dedupe_key, at):
    """A scheduled run, unless one with ``dedupe_key`` exists already (then None)."""
    run = ReportRun(
        kind=kind,
        params=params,
        format=fmt,
        branch_id=branch_id,
        for_day=day,
        dedupe_key=dedupe_key,
        created_at=at,
        heartbeat_at=at,
        attempts=1,
    )
    try:
        with session.begin_nested():
            session.add(run)
    except IntegrityError:
        return None  # made meanwhile by another run of the schedule
    return run


def execute(session, store, run_id):
    """Work out run ``run_id`` and keep its file; a failure ends the run failed with a message that
    names no customer (a domain error's own message, else the error's type). Commits as it goes, so
    the progress is seen while it runs. Returns the run's state."""
    run = session.get(ReportRun, run_id)
    if run is None or run.state not in ACTIVE:
        return run.state if run else None
    run.state, run.started_at, run.heartbeat_at = "running", clock.now(), clock.now()
    session.commit()
    try:
        report_file = KINDS[run.kind].build(
            session, run.requested_by, run.params, run.format, lambda fraction: _progress(session, run, fraction)
        )
        path = store.keep(run.id, report_file)
    except DomainError as exc:
        _fail(session, run, exc.message)
    except Exception as exc:  # noqa: BLE001 — any failure of a kind ends its run, with the trace in the log
        log.exception("Report run %s (%s) failed", run_id, run.kind)
        _fail(session, run, CRASHED.format(name=type(exc).__name__))
    else:
        run.state, run.progress, run.finished_at = "done", 100, clock.now()
        run.file_path, run.file_size = path, len(report_file.content)
        run.content_type, run.filename = report_file.content_type, report_file.filename
    session.commit()
    return run.state


def _progress(session, run, fraction):
    """Record how far ``run`` got (never backwards, 100 only when done) and renew its lease."""
    run.progress = max(run.progress, min(99, int(fraction * 100)))
    run.heartbeat_at = clock.now()
    session.commit()


def _fail(session, run, message):
    session.rollback()
    run.state, run.error, run.finished_at = "failed", message[:300], clock.now()


def sweep_lost(session, at, lease, enqueue):
    """Hand again to the queue (``enqueue(run_id)``) the queued or running runs silent for longer than
    ``lease``; fail those handed over ``MAX_ATTEMPTS`` times already. Each step is a conditional update,
    so with several sweepers a run is taken once. Returns the ids enqueued."""
    cutoff = at - lease
    stale = (
        select(ReportRun.id, ReportRun.attempts)
        .where(ReportRun.state.in_(ACTIVE), ReportRun.heartbeat_at < cutoff)
        .order_by(ReportRun.id)
        .limit(SWEEP_BATCH)
    )
    enqueued = []
    for run_id, attempts in session.execute(stale).all():
        if attempts >= MAX_ATTEMPTS:
            values = {"state": "failed", "error": LOST.format(n=attempts), "finished_at": at}
        else:
            values = {"state": "queued", "progress": 0, "heartbeat_at": at, "attempts": attempts + 1}
        taken = session.execute(
            update(ReportRun)
            .where(
                ReportRun.id == run_id,
                ReportRun.attempts == attempts,
                ReportRun.state.in_(ACTIVE),
                ReportRun.heartbeat_at < cutoff,
            )
            .values(**values)
        )
        session.commit()
        if taken.rowcount == 1 and values["state"] == "queued":
            enqueue(run_id)
            enqueued.append(run_id)
    return enqueued


def lease_of(config):
    return timedelta(seconds=config["REPORT_LEASE"])


def runs_query(viewer, kind=None):
    """The runs ``viewer`` lists: admins every one, others those they asked for (within their reach)."""
    stmt = access.visible(select(ReportRun), viewer)
    if viewer.role != "admin":
        stmt = stmt.where(ReportRun.requested_by_id == viewer.id)
    if kind is not None:
        stmt = stmt.where(ReportRun.kind == kind)
    return stmt.order_by(ReportRun.created_at.desc(), ReportRun.id.desc())


def get_run(session, viewer, run_id):
    """Run ``run_id`` if ``viewer`` may see it: admins any, supervisors their branch's."""
    return access.visible_row(session, viewer, ReportRun, run_id)


def read_file(store, run):
    """The bytes of a finished run's file: 409 before it is done, 404 when the kept file is gone."""
    if run.state != "done":
        raise Conflict(f"The report is {run.state}, not done: no file yet.", code="report_not_ready")
    content = store.read(run.file_path)
    if content is None:
        raise NotFound("The report's file is no longer kept; ask for the report again.")
    return content


def scheduled_runs(session, viewer, kind, day):
    """The scheduled runs of ``kind`` for ``day`` that ``viewer`` may see (the all-branch ones: admins)."""
    stmt = access.visible(select(ReportRun), viewer).where(
        ReportRun.kind == kind, ReportRun.for_day == day, ReportRun.dedupe_key.is_not(None)
    )
    return session.scalars(stmt.order_by(ReportRun.branch_id.is_not(None), ReportRun.branch_id, ReportRun.format)).all()
