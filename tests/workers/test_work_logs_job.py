"""The evening work-log job (DOMAIN §4) as a worker runs it: through the queue, idempotent."""

from datetime import date

from rq import Queue
from sqlalchemy import func, select

from crm.models import WorkLog
from workers import jobs
from workers.worker import EmbeddedWorker


def test_the_job_writes_the_days_logs_and_a_second_run_adds_none(app, db, agent, queue):
    default = Queue("default", connection=queue)
    friday = date(2026, 11, 27)
    first = default.enqueue(jobs.generate_work_logs, friday)
    again = default.enqueue(jobs.generate_work_logs, friday)
    EmbeddedWorker(["default"], connection=queue, app=app).work(burst=True)
    assert (first.return_value(), again.return_value()) == (2, 2)  # the daily log and the weekly summary
    assert db.session.scalar(select(func.count()).select_from(WorkLog)) == 2
