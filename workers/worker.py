"""RQ workers that run every job inside the Flask app context.

``AppWorker`` is the production worker (one forked work horse per job).
``EmbeddedWorker`` runs jobs in a thread of the web process (the embedded mode, where
fakeredis lives only in that process); ``EmbeddedScheduler`` is the cron scheduler there.
"""

from rq import SimpleWorker, Worker
from rq.cron import CronScheduler
from rq.scheduler import RQScheduler
from rq.timeouts import TimerDeathPenalty

from crm.extensions import db
from crm.queueing import QUEUE_NAMES


class AppContextMixin:
    """Pushes a fresh app context (and so a fresh database session) around every job."""

    def __init__(self, *args, app, **kwargs):
        self.app = app
        super().__init__(*args, **kwargs)

    def perform_job(self, job, queue):
        with self.app.app_context():
            return super().perform_job(job, queue)


class AppWorker(AppContextMixin, Worker):
    def main_work_horse(self, job, queue):
        # The forked horse must not share pooled database connections with its parent.
        with self.app.app_context():
            db.engine.dispose(close=False)
        super().main_work_horse(job, queue)


class EmbeddedWorker(AppContextMixin, SimpleWorker):
    """Signals belong to the web server's main thread: time jobs out with a timer, ignore signals."""

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self):
        pass

    def procline(self, message):
        self.log.debug(message)  # leave the web server's process title alone


class EmbeddedScheduler(CronScheduler):
    """Also puts the retries that fell due back on their queues (at most a minute late).

    RQ moves scheduled retries in a process the worker forks (``with_scheduler``), which
    cannot reach the fakeredis living in this one; here this thread does it in its loop.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # RQScheduler opens its own client from this connection's pool settings, which name the same
        # in-process fakeredis server: it sees the retries this process's worker scheduled.
        self.retries = RQScheduler(QUEUE_NAMES, connection=self.connection)
        self.retries.prepare_registries(QUEUE_NAMES)

    def enqueue_jobs(self):
        self.retries.enqueue_scheduled_jobs()
        return super().enqueue_jobs()

    def _install_signal_handlers(self):
        pass
