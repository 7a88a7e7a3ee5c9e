"""The embedded mode: an RQ worker and the cron scheduler as daemon threads of the web process."""

import threading

from crm.extensions import queues
from crm.queueing import QUEUE_NAMES
from workers.schedule import build_scheduler
from workers.scheduler import EmbeddedScheduler
from workers.worker import EmbeddedWorker


def start_embedded(app):
    """Start the worker and scheduler threads for ``app``; they stop with the process."""
    connection = queues.connection
    worker = EmbeddedWorker(list(QUEUE_NAMES), connection=connection, app=app)
    scheduler = build_scheduler(connection, app=app, scheduler_class=EmbeddedScheduler)
    scheduler.beat()  # /healthz sees a live scheduler from the first request on
    threads = [
        threading.Thread(target=worker.work, name="kefu-rq-worker", daemon=True),
        threading.Thread(target=scheduler.start, name="kefu-rq-scheduler", daemon=True),
    ]
    for thread in threads:
        thread.start()
    return threads
