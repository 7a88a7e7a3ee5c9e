"""An app served by gunicorn on 127.0.0.1 for the length of a ``with`` block (the benchmarks' servers)."""

import http.client
import os
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"


class served:
    """``gunicorn <options> <target>`` on ``HOST:port``; ready once it answers ``GET /`` (within ``wait`` s)."""

    def __init__(self, target, port, options, env=None, wait=60):
        gunicorn = str(ROOT / ".venv/bin/gunicorn")
        self.command = [gunicorn, *options, "-b", f"{HOST}:{port}", "--log-level", "warning", target]
        self.port = port
        self.env = {**os.environ, **(env or {})}
        self.wait = wait

    def __enter__(self):
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env)
        deadline = time.monotonic() + self.wait
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=1)
                connection.request("GET", "/")
                connection.getresponse().read()
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit(f"gunicorn exited: {' '.join(self.command)}") from None
                time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer on port {self.port}")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)
