"""``flask worker`` started while Redis is down waits for it rather than exiting (issue 14 §2)."""

import redis

from crm.cli import workers as worker_command


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
