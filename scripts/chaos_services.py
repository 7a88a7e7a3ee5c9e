"""The services of the chaos trial (``scripts/chaos.py``): its own redis-server, its own Twilio stand-in,
and the production processes it starts, kills and restarts. Loopback only."""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import redis

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 3  # worker processes; one scheduler


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def flask_command(*args):
    return [sys.executable, "-m", "flask", "--app", "wsgi", *args]


class OwnRedis:
    """A redis-server on a free loopback port, with nothing saved: a restart comes back empty."""

    def __init__(self, port, logs):
        self.port, self.logs, self.process = port, logs, None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self):
        command = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        with open(self.logs / "redis.log", "a") as log:  # the child keeps its own copy of the file
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.client().ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not answer")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)

    def client(self):
        return redis.Redis(port=self.port, socket_timeout=5, socket_connect_timeout=2)


class Standin:
    """Twilio's REST API as far as the workers use it (calls, SMS), counting what they asked for."""

    def __init__(self):
        self.calls, self.messages, self.lock = Counter(), 0, threading.Lock()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
                if self.path.endswith("/Calls.json"):
                    case_id = parse_qs(urlsplit(form["Url"][0]).query).get("case_id", ["?"])[0]
                    with standin.lock:
                        standin.calls[(case_id, form["To"][0])] += 1
                    sid = "CA" + secrets.token_hex(16)
                else:
                    with standin.lock:
                        standin.messages += 1
                    sid = "SM" + secrets.token_hex(16)
                body = json.dumps({"sid": sid, "status": "queued"}).encode()
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


class Processes:
    """The scheduler and the workers, each in its own session so a kill takes its work horse too; one
    that exits is started again (as a supervisor would), and counted."""

    def __init__(self, env, logs):
        self.env, self.logs = env, logs
        self.running = {}  # name → Popen
        self.exited = 0  # exits nobody asked for: a scheduler or worker that gave up

    def start_all(self):
        self.start("scheduler", "scheduler")
        for n in range(WORKERS):
            self.start(f"worker{n}", "worker")

    def start(self, name, command):
        with open(self.logs / f"{name}.log", "a") as log:
            self.running[name] = subprocess.Popen(
                flask_command(command),
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self, pid):
        """SIGKILL the process ``pid`` and its work horse, then start it again."""
        name = next(name for name, process in self.running.items() if process.pid == pid)
        os.killpg(pid, signal.SIGKILL)
        self.running[name].wait(timeout=30)
        self.start(name, "scheduler" if name == "scheduler" else "worker")

    def restart_exited(self):
        for name, process in list(self.running.items()):
            if process.poll() is not None:
                self.exited += 1
                self.start(name, "scheduler" if name == "scheduler" else "worker")

    def stop_all(self):
        for process in self.running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in self.running.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
