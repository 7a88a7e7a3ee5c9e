"""Report jobs (``reports`` queue): a report run worked out, the sweep of runs whose job was lost, and the
daily risk-classification tables. Runs are enqueued by id; the database holds what each one is."""

from flask import current_app

from crm.core import clock
from crm.extensions import db, queues
from crm.services.quality import daily_tables, report_runs
from crm.services.quality.report_files import store_from
from workers.retry import BACKOFF

QUEUE = "reports"


def run_report(run_id):
    """Work out run ``run_id`` and keep its file; its state afterwards."""
    return report_runs.execute(db.session, store_from(current_app.config), run_id)


def enqueue_run(run_id):
    """Hand run ``run_id`` to the ``reports`` queue, with the report time-out and the retry policy."""
    queues.queue(QUEUE).enqueue(run_report, run_id, job_timeout=current_app.config["REPORT_JOB_TIMEOUT"], retry=BACKOFF)


def sweep_report_runs(at=None):
    """Every minute: enqueue again the runs whose job was lost (lease ``KEFU_REPORT_LEASE`` run out)."""
    lease = report_runs.lease_of(current_app.config)
    return report_runs.sweep_lost(db.session, at or clock.now(), lease, enqueue_run)


def produce_risk_tables(at=None):
    """Working mornings: the day's risk-classification tables, per branch and for all branches."""
    return daily_tables.schedule(db.session, at or clock.now(), enqueue_run)
