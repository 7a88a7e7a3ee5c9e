"""The embedded mode: without Redis, the web process runs the worker and scheduler itself."""

import os
import subprocess
import sys
import threading

from crm.config import ROOT

EMBEDDED_THREADS = {"kefu-rq-worker", "kefu-rq-scheduler"}

# A web process as scripts/run starts it: the app built from the environment with the flag set.
WEB_PROCESS = """
import threading, time
from flask_migrate import upgrade
from wsgi import app
from crm.extensions import queues
from workers.jobs import reclassify_customers

with app.app_context():
    upgrade()
print("threads:", sorted(t.name for t in threading.enumerate() if t.name.startswith("kefu-")))
job = queues.queue("default").enqueue(reclassify_customers)
deadline = time.monotonic() + 60  # generous: the periodic jobs queued at start-up go first
while job.get_status() not in ("finished", "failed") and time.monotonic() < deadline:
    time.sleep(0.05)
print("status:", job.get_status().value)
print("health:", app.test_client().get("/healthz").status_code)
"""


def test_the_embedded_web_process_runs_queued_jobs_itself(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(KEFU_INSTANCE_DIR=str(tmp_path), KEFU_EMBEDDED_WORKER="1")

    result = subprocess.run(
        [sys.executable, "-c", WEB_PROCESS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr
    # The worker thread logs to stdout too: read only the marked lines.
    marks = ("threads:", "status:", "health:")
    marked = dict(line.split(": ", 1) for line in result.stdout.splitlines() if line.startswith(marks))
    assert marked["threads"] == str(sorted(EMBEDDED_THREADS))
    assert marked["status"] == "finished", result.stderr
    assert marked["health"] == "200", result.stderr  # what scripts/run's users (and monitors) wait for


def test_an_app_built_without_the_flag_starts_no_background_threads(app):
    assert not EMBEDDED_THREADS & {thread.name for thread in threading.enumerate()}
