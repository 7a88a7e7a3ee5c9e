"""``flask --app wsgi worker`` and ``flask --app wsgi scheduler``: the production processes.

Both outlive Redis outages (issue 14): they wait with backoff and carry on when Redis returns. They are
also safe to run under a supervisor that restarts them (the Procfile's processes): each run registers
under a fresh name, a stop signal ends them with status 0, and the database says what is due, so a
restarted scheduler or worker redoes nothing twice.
"""

import logging
import time

import click
from flask import current_app
from flask.cli import with_appcontext
from rq.exceptions import StopRequested

from crm.core import clock
from crm.extensions import db, queues
from crm.queueing import QUEUE_NAMES
from crm.services.cases.calendar.installation import warm_up
from workers.retry import REDIS_WAIT_MAX, redis_waits
from workers.schedule import build_scheduler
from workers.scheduler import REDIS_DOWN
from workers.worker import AppWorker

log = logging.getLogger(__name__)


def _require_redis():
    if not current_app.config["REDIS_URL"]:
        raise click.UsageError(
            "REDIS_URL is not set. Without Redis the web process runs its own worker and scheduler "
            "(scripts/run); separate processes need a shared Redis."
        )


@click.command("worker")
@click.option("--queue", "queue_names", multiple=True, default=QUEUE_NAMES, show_default=True, help="Queues to serve.")
@click.option("--burst", is_flag=True, help="Quit when the queues are empty.")
@with_appcontext
def worker(queue_names, burst):
    """Run an RQ worker; every job runs inside the app context. It also re-enqueues the failed
    jobs whose retry is due (RQ's scheduler: one of the workers holds its lock). When Redis goes
    away it waits for it, and starts again as a fresh worker if RQ gave up."""
    _require_redis()
    app = current_app._get_current_object()
    warm_up(db.session, clock.now())  # each job's work horse is forked from here: it finds the calendar filled
    db.session.rollback()
    waits = redis_waits()
    while True:
        rq_worker, started = None, time.monotonic()
        try:
            # RQ talks to Redis as it builds the worker: a worker started during an outage waits too.
            rq_worker = AppWorker(list(queue_names), connection=queues.connection, app=app)
            rq_worker.work(burst=burst, with_scheduler=True)
        except REDIS_DOWN as exc:
            log.warning("Worker: Redis unreachable (%s)", type(exc).__name__)
        if burst or (rq_worker is not None and rq_worker.stop_requested):
            return
        if time.monotonic() - started > REDIS_WAIT_MAX:
            waits = redis_waits()  # it worked a while: this is a new outage
        wait = next(waits)
        log.warning("Worker: stopped without being asked; starting again in %s s", wait)
        try:
            time.sleep(wait)
        except (KeyboardInterrupt, StopRequested):
            return


@click.command("scheduler")
@with_appcontext
def scheduler():
    """Enqueue the periodic jobs of workers/schedule.py on time, through Redis outages. Run exactly one."""
    _require_redis()
    build_scheduler(queues.connection, app=current_app._get_current_object()).start()


COMMANDS = (worker, scheduler)
