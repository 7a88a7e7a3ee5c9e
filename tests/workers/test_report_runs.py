"""Report runs as the workers run them: queued → running → done with rising progress and a kept file, a
failing kind, a lost job found by the sweep, and the daily risk-classification tables."""

from datetime import UTC, datetime, timedelta

import pytest
from rq import Queue
from sqlalchemy import select

from crm.models import ReportRun
from crm.services.quality import report_runs, risk_table
from crm.services.quality.report_files import store_from
from workers import reports
from workers.worker import EmbeddedWorker


def _work(app, connection):
    EmbeddedWorker(["reports"], connection=connection, app=app).work(burst=True)


def _committed(db, run_id):
    """The run's state and progress as another process (the API) sees them."""
    with db.engine.connect() as conn:
        return tuple(conn.execute(select(ReportRun.state, ReportRun.progress).where(ReportRun.id == run_id)).one())


@pytest.fixture
def run(db, make, supervisor, clock):
    make.customer(manager=make.staff(role="agent", branch=supervisor.branch), risk_tolerance="medium")
    run = report_runs.request_run(db.session, supervisor, risk_table.KIND, {}, "csv")
    db.session.commit()
    return run


def test_a_run_goes_from_queued_to_running_to_done_its_progress_rising(app, db, run, monkeypatch):
    seen = []
    record = report_runs._progress

    def spy(session, run, fraction):
        record(session, run, fraction)
        seen.append(_committed(db, run.id))

    monkeypatch.setattr(report_runs, "_progress", spy)
    assert _committed(db, run.id) == ("queued", 0)

    assert reports.run_report(run.id) == "done"

    assert [state for state, _ in seen] == ["running"] * 3
    progress = [p for _, p in seen]
    assert progress == sorted(progress) and progress[0] > 0 and progress[-1] < 100
    assert _committed(db, run.id) == ("done", 100)
    content = store_from(app.config).read(db.session.get(ReportRun, run.id).file_path)
    assert content.decode("utf-8-sig").count("\r\n") == 7  # header, five bands, total


def test_a_run_is_worked_out_through_the_reports_queue(app, db, run, queue):
    reports.enqueue_run(run.id)
    _work(app, queue)

    db.session.expire_all()
    done = db.session.get(ReportRun, run.id)
    assert (done.state, done.progress, done.attempts) == ("done", 100, 1)
    assert done.filename == f"risk-classification-2026-11-23-{run.requested_by.branch.code}.csv"
    assert done.file_size == len(store_from(app.config).read(done.file_path))
    assert reports.run_report(run.id) == "done"  # delivered twice: nothing more happens


def test_a_failing_kind_ends_failed_with_a_message_naming_no_customer(app, db, run, monkeypatch):
    def broken(session, viewer, params, fmt, progress):
        progress(0.5)
        raise RuntimeError("customer 13800138000 has no class")

    kind = report_runs.ReportKind("broken", risk_table.scope, broken)
    monkeypatch.setitem(report_runs.KINDS, risk_table.KIND, kind)

    assert reports.run_report(run.id) == "failed"

    failed = db.session.get(ReportRun, run.id)
    assert failed.error == "The report could not be produced (RuntimeError); the worker's log has the details."
    assert (failed.file_path, failed.finished_at) == (None, failed.started_at)


def test_a_lost_run_is_enqueued_again_by_the_sweep_once(app, db, run, queue, clock, make, supervisor):
    # The job never reached a worker (queue flushed). Another run, running and reporting progress, is alive.
    alive = report_runs.request_run(db.session, supervisor, risk_table.KIND, {}, "xlsx")
    db.session.commit()
    clock.advance(timedelta(seconds=app.config["REPORT_LEASE"] - 60))
    alive.state, alive.heartbeat_at = "running", clock.at
    db.session.commit()

    assert reports.sweep_report_runs() == []  # the lease has not run out yet
    clock.advance(timedelta(seconds=61))
    assert reports.sweep_report_runs() == [run.id]
    assert reports.sweep_report_runs() == []  # enqueued once: its lease starts again

    assert Queue("reports", connection=queue).count == 1
    _work(app, queue)
    db.session.expire_all()
    assert (run.state, run.attempts, alive.state) == ("done", 2, "running")


def test_a_run_that_keeps_losing_its_job_ends_failed(app, db, run, clock):
    for _ in range(report_runs.MAX_ATTEMPTS):
        clock.advance(timedelta(seconds=app.config["REPORT_LEASE"] + 1))
        reports.sweep_report_runs()  # each enqueue lost (no worker takes it in this test)

    db.session.expire_all()
    assert (run.state, run.attempts) == ("failed", report_runs.MAX_ATTEMPTS)
    assert "lost 3 times" in run.error


def _tables(db):
    return db.session.scalars(select(ReportRun.dedupe_key).order_by(ReportRun.dedupe_key)).all()


def test_the_tables_are_made_on_a_working_morning_once_per_branch_and_for_all(app, db, make, clock, queue):
    branch = make.branch()
    clock.set(datetime(2026, 11, 23, 0, 30, tzinfo=UTC))  # Monday 08:30 in Shanghai: not open yet
    assert reports.produce_risk_tables() == []

    clock.set(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))  # 09:00: open
    made = reports.produce_risk_tables()
    assert reports.produce_risk_tables() == []  # the next quarter-hour, a retry: nothing new

    assert len(made) == 4
    assert _tables(db) == [
        f"risk_classification:2026-11-23:{branch.id}:csv",
        f"risk_classification:2026-11-23:{branch.id}:xlsx",
        "risk_classification:2026-11-23:all:csv",
        "risk_classification:2026-11-23:all:xlsx",
    ]
    _work(app, queue)
    db.session.expire_all()
    assert {run.state for run in db.session.scalars(select(ReportRun))} == {"done"}


@pytest.mark.parametrize(
    "at",
    [
        datetime(2026, 10, 1, 2, 0, tzinfo=UTC),  # National Day, 10:00 in Shanghai
        datetime(2026, 11, 28, 2, 0, tzinfo=UTC),  # a Saturday
    ],
    ids=["holiday", "weekend"],
)
def test_no_table_on_a_day_off(db, make, clock, queue, at):
    make.branch()
    clock.set(at)
    assert reports.produce_risk_tables() == []
    assert _tables(db) == []
