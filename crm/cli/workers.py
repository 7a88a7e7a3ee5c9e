"""``flask --app wsgi worker`` and ``flask --app wsgi scheduler``: the production processes."""

import click
from flask import current_app
from flask.cli import with_appcontext

from crm.extensions import queues
from crm.queueing import QUEUE_NAMES
from workers.schedule import build_scheduler
from workers.worker import AppWorker


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
    jobs whose retry is due (RQ's scheduler: one of the workers holds its lock)."""
    _require_redis()
    app = current_app._get_current_object()
    AppWorker(list(queue_names), connection=queues.connection, app=app).work(burst=burst, with_scheduler=True)


@click.command("scheduler")
@with_appcontext
def scheduler():
    """Enqueue the periodic jobs of workers/schedule.py on time. Run exactly one."""
    _require_redis()
    build_scheduler(queues.connection).start()


COMMANDS = (worker, scheduler)
