"""The cron scheduler of the periodic jobs, made to outlive Redis and to leave its heartbeat in the database.

RQ's ``CronScheduler.start`` ends on the first ``ConnectionError``: a Redis outage across a minute boundary
stopped every sweep, SMS and call-out until someone restarted it (issue 14). ``KefuScheduler`` waits with
backoff (``workers.retry.redis_waits``) and carries on where it stopped: the runs that fell due meanwhile
are enqueued once when Redis is back (the database says what each one must do, so nothing is lost). After
each round that reached Redis it writes its heartbeat in the database, where ``/healthz`` reads it.
"""

import logging
import time
from contextlib import suppress

import redis
from rq.cron import CronScheduler
from rq.exceptions import SchedulerNotFound, StopRequested
from rq.scheduler import RQScheduler
from sqlalchemy.exc import SQLAlchemyError

from crm.core import clock
from crm.extensions import db
from crm.queueing import QUEUE_NAMES
from crm.services.cases.ladder_health import record_heartbeat
from workers.retry import redis_waits

log = logging.getLogger(__name__)

# Redis restarting, unreachable or still loading its data (BusyLoadingError is a ConnectionError).
REDIS_DOWN = (redis.ConnectionError, redis.TimeoutError)


class KefuScheduler(CronScheduler):
    def __init__(self, *args, app=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.app = app  # where the heartbeat is written; none: no heartbeat (a schedule looked at, not run)

    def start(self):
        self.log.info("CronScheduler %s: starting...", self.name)
        self._install_signal_handlers()
        try:
            self._run()
        except (KeyboardInterrupt, StopRequested):
            self.log.info("CronScheduler %s: stop requested", self.name)
        finally:
            with suppress(redis.RedisError, SchedulerNotFound):  # Redis down, or flushed meanwhile
                self.register_death()

    def _run(self):
        born, waits = False, redis_waits()
        while True:
            try:
                if not born:
                    self.register_birth()
                    born = True
                self.run_once()
            except REDIS_DOWN as exc:
                wait = next(waits)
                log.warning("Scheduler: Redis unreachable (%s); trying again in %s s", type(exc).__name__, wait)
                time.sleep(wait)
                continue
            waits = redis_waits()
            self.beat()
            time.sleep(self.calculate_sleep_interval())

    def run_once(self):
        """Enqueue what is due and tell Redis this scheduler lives (RQ's loop body)."""
        if self.enqueue_jobs():
            self.save()
        self.heartbeat()

    def beat(self):
        """The heartbeat /healthz reads, in the database; a database hiccup costs one beat, not the scheduler."""
        if self.app is None:
            return
        with self.app.app_context():
            try:
                record_heartbeat(db.session, clock.now())
                db.session.commit()
            except SQLAlchemyError as exc:
                db.session.rollback()
                log.warning("Scheduler: heartbeat not written (%s)", type(exc).__name__)


class EmbeddedScheduler(KefuScheduler):
    """The embedded mode's scheduler thread; it also puts the retries that fell due back on their queues
    (at most a minute late).

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
