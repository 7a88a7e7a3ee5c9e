"""``flask worker`` started while Redis is down waits for it rather than exiting (issue 14 §2)."""

import redis

from crm.cli import workers as worker_command
from crm.services.cases.calendar import installation


class StoppedWorker:
    """Stands in for the RQ worker once Redis answers: it works, then is asked to stop."""

    stop_requested = False

    def work(self, **options):
        self.stop_requested = True


def test_a_worker_started_during_a_redis_outage_waits_and_then_works(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    attempts, slept = [], []

    def build(*args, **kwargs):
        attempts.append(args)
        if len(attempts) < 3:
            raise redis.ConnectionError("Connection refused")
        return StoppedWorker()

    monkeypatch.setattr(worker_command, "AppWorker", build)
    monkeypatch.setattr(worker_command.time, "sleep", slept.append)
    result = app.test_cli_runner().invoke(args=["worker"])
    assert result.exit_code == 0, result.output
    assert (len(attempts), slept) == (3, [1, 2])


def test_a_worker_fills_the_holiday_tables_before_it_forks_its_first_work_horse(app, db, monkeypatch):
    """Each job runs in a work horse forked from the worker: what the worker filled, every horse has."""
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    installation._cache.clear()
    warm_when_built = []

    def build(*args, **kwargs):
        warm_when_built.append([("_public" in calendar.__dict__) for calendar in installation._cache.values()])
        return StoppedWorker()

    monkeypatch.setattr(worker_command, "AppWorker", build)
    result = app.test_cli_runner().invoke(args=["worker"])
    assert result.exit_code == 0, result.output
    assert warm_when_built == [[True]]
