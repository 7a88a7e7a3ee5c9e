"""RQ workers that run every job inside the Flask app context.

``AppWorker`` is the production worker (one forked work horse per job).
``EmbeddedWorker`` runs jobs in a thread of the web process (the embedded mode, where
fakeredis lives only in that process); the schedulers are in ``workers.scheduler``.
"""

from rq import SimpleWorker, Worker, worker_registration
from rq.timeouts import TimerDeathPenalty

from crm.extensions import db


class AppContextMixin:
    """Pushes a fresh app context (and so a fresh database session) around every job."""

    def __init__(self, *args, app, **kwargs):
        self.app = app
        super().__init__(*args, **kwargs)

    def perform_job(self, job, queue):
        with self.app.app_context():
            return super().perform_job(job, queue)


class AppWorker(AppContextMixin, Worker):
    """Each heartbeat also re-registers the worker, so after a Redis restart or FLUSHDB the worker registry
    (``rq info``, /healthz's ``workers``) lists it again within ``WORKER_TTL`` seconds instead of never.

    Its maintenance round (which restarts RQ's retry scheduler process when Redis took it down) runs every
    ``MAINTENANCE_INTERVAL`` seconds, not RQ's ten minutes: the retries due meanwhile wait that long at most.
    """

    WORKER_TTL = 60  # an idle worker beats every 45 s (RQ's dequeue timeout is the TTL less 15 s)
    MAINTENANCE_INTERVAL = 60

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("worker_ttl", self.WORKER_TTL)
        kwargs.setdefault("maintenance_interval", self.MAINTENANCE_INTERVAL)
        super().__init__(*args, **kwargs)

    def heartbeat(self, timeout=None, pipeline=None):
        own = pipeline is None
        pipeline = self.connection.pipeline() if own else pipeline
        super().heartbeat(timeout, pipeline=pipeline)
        pipeline.hset(self.key, mapping={**self.serialize(), "state": self.get_state()})
        worker_registration.register(self, pipeline)
        if own:
            pipeline.execute()

    @property
    def stop_requested(self):
        """A signal (SIGTERM, Ctrl+C) asked this worker to stop, as opposed to Redis trouble ending it."""
        return self._shutdown_requested_date is not None or self._stop_requested

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
