"""Transient failures: a job is tried again with backoff, then shown to the admins as failed."""

from datetime import UTC, datetime, timedelta

import pytest
from rq import Queue, Retry, SimpleWorker, get_current_job

from tests.conftest import auth
from workers.retry import BACKOFF
from workers.schedule import SCHEDULE, build_scheduler
from workers.scheduler import EmbeddedScheduler

ATTEMPTS_KEY = "test:flaky-attempts"


def flaky():
    """Counts its attempts in Redis, then fails as a lost database connection would."""
    get_current_job().connection.incr(ATTEMPTS_KEY)
    raise ConnectionError("database unreachable")


def _attempts(connection):
    return int(connection.get(ATTEMPTS_KEY) or 0)


def _work(connection):
    SimpleWorker([Queue("default", connection=connection)], connection=connection).work(burst=True)


def test_a_failing_job_is_tried_again_then_listed_as_failed_for_admins(client, admin, queue):
    job = Queue("default", connection=queue).enqueue(flaky, retry=Retry(max=3))

    _work(queue)

    assert _attempts(queue) == 4  # the first run and three retries
    response = client.get("/api/v1/admin/jobs", headers=auth(admin))
    assert response.status_code == 200
    default = next(q for q in response.json["queues"] if q["queue"] == "default")
    assert default["failed"] == 1
    [failed] = default["jobs"]
    assert failed["id"] == job.id
    assert failed["func"] == "tests.workers.test_job_retries.flaky"
    assert failed["error"] == "ConnectionError: database unreachable"
    assert failed["retries_left"] == 0
    assert failed["failed_at"]


def test_retries_back_off_10_30_then_60_seconds(queue):
    job = Queue("default", connection=queue).enqueue(flaky, retry=BACKOFF)
    registry = Queue("default", connection=queue).scheduled_job_registry
    retrier = EmbeddedScheduler(connection=queue)

    for wait in (10, 30, 60):
        started = datetime.now(UTC).replace(microsecond=0)  # RQ keeps whole seconds
        _work(queue)
        ended = datetime.now(UTC)
        due = registry.get_scheduled_time(job)
        # The retry is due ``wait`` seconds after the failure, which came between started and ended.
        assert started + timedelta(seconds=wait) <= due <= ended + timedelta(seconds=wait)
        registry.schedule(job, started - timedelta(seconds=1))  # the wait is over
        retrier.enqueue_jobs()  # the embedded scheduler's loop puts the due retry back on its queue
    _work(queue)

    assert _attempts(queue) == 4
    assert Queue("default", connection=queue).failed_job_registry.get_job_ids() == [job.id]


def test_every_periodic_job_is_enqueued_with_the_backoff(queue):
    scheduler = build_scheduler(queue)
    for cron_job in scheduler.get_jobs():
        if cron_job.cron:  # interval jobs run at start-up anyway
            cron_job.next_enqueue_time = cron_job.next_enqueue_time.replace(year=2000)

    scheduler.enqueue_jobs()
    scheduler.save()  # the monitoring record in Redis holds the retry policy too

    names = {periodic.name for periodic in SCHEDULE}
    jobs = [job for name in ("default", "telephony") for job in Queue(name, connection=queue).get_jobs()]
    assert len(jobs) == len(names)
    assert {(job.retries_left, tuple(job.retry_intervals)) for job in jobs} == {(3, (10, 30, 60))}


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_only_admins_see_failed_jobs(client, make, branch, role):
    response = client.get("/api/v1/admin/jobs", headers=auth(make.staff(role=role, branch=branch)))

    assert response.status_code == 403
