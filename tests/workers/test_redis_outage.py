"""The background processes outlive Redis (issue 14): the scheduler waits for it and carries on, and the
workers register again after a restart or FLUSHDB, so monitoring does not show zero workers."""

import shutil
import socket
import subprocess
import threading
import time
from datetime import timedelta

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from rq import Queue, Worker
from sqlalchemy import select

from crm.models import CaseEvent, Heartbeat
from tests.case_factories import CaseFactory
from workers import jobs
from workers.schedule import Periodic, build_scheduler
from workers.scheduler import KefuScheduler
from workers.worker import AppWorker, EmbeddedWorker

WAIT_S = 30  # the longest any step below may take before the test gives up


def test_a_worker_registers_again_at_its_next_heartbeat_after_a_flushdb(app, queue):
    worker = AppWorker(["default"], connection=queue, app=app)
    worker.register_birth()
    queue.flushdb()
    assert Worker.count(connection=queue) == 0

    worker.heartbeat()

    [seen] = Worker.all(connection=queue)
    assert (seen.name, seen.queue_names()) == (worker.name, ["default"])
    assert Worker.count(queue=Queue("default", connection=queue)) == 1


class OwnRedis:
    """A redis-server of the test's own on a free loopback port, stopped and started at will."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = self.client()
        _until(lambda: _answers(client), "redis-server to answer")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=WAIT_S)

    def client(self):
        """Without redis-py's own few retries, so the scheduler meets the outage at once."""
        return redis.Redis(port=self.port, socket_timeout=2, socket_connect_timeout=2, retry=Retry(NoBackoff(), 0))


def _answers(client):
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


def _until(condition, what):
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"waited {WAIT_S} s for {what}"
        time.sleep(0.1)


class ThreadScheduler(KefuScheduler):
    """The production scheduler in a thread of the test (signals belong to the main thread); it stops
    when told, at its next sleep."""

    stop = threading.Event()

    def _install_signal_handlers(self):
        pass

    def calculate_sleep_interval(self):
        if self.stop.is_set():
            raise KeyboardInterrupt
        return super().calculate_sleep_interval()


def _steps_taken(db):
    db.session.expire_all()
    return db.session.scalars(select(CaseEvent.case_id).where(CaseEvent.action.like("escalation.%"))).all()


def _sweep_queued_and_run(app, connection):
    _until(lambda: Queue("default", connection=connection).count > 0, "the scheduler to queue a sweep")
    EmbeddedWorker(["default"], connection=connection, app=app).work(burst=True)


@pytest.mark.redis
def test_the_scheduler_waits_out_a_redis_outage_and_the_sweep_resumes(app, db, clock, agent):
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server")
    own = OwnRedis()
    own.start()
    connection = own.client()
    schedule = (Periodic("deadline-sweep", jobs.sweep_deadlines, interval=1),)
    scheduler = build_scheduler(connection, app=app, schedule=schedule, scheduler_class=ThreadScheduler)
    thread = threading.Thread(target=scheduler.start, daemon=True)
    factory = CaseFactory(db.session)
    try:
        first = factory.case(agent, opened_at=clock.at - timedelta(days=7))
        thread.start()
        _sweep_queued_and_run(app, connection)
        assert first.id in _steps_taken(db)

        own.stop()  # Redis goes away while the scheduler runs; meanwhile another case falls due
        second = factory.case(agent, opened_at=clock.at - timedelta(days=7))
        time.sleep(3)  # a few of the scheduler's rounds fail
        assert thread.is_alive(), "the scheduler gave up when Redis went away"
        db.session.execute(Heartbeat.__table__.delete())  # what it writes from now on counts
        db.session.commit()

        own.start()  # Redis is back, empty: the scheduler carries on
        _sweep_queued_and_run(app, connection)
        assert second.id in _steps_taken(db)
        db.session.expire_all()
        assert db.session.get(Heartbeat, "scheduler").beat_at == clock.at
    finally:
        ThreadScheduler.stop.set()
        thread.join(timeout=WAIT_S)
        ThreadScheduler.stop.clear()
        own.stop()
    assert not thread.is_alive()
