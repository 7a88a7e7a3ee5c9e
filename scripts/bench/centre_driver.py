"""The load driver of the call-centre benchmark (``centre.py``): Twilio, the callers and the agents, over sockets.

- ``Http``: what the stand-in's call walker (``telephony.standin.callee``) posts its signed webhooks through, here
  to the served app on 127.0.0.1 over one keep-alive connection per thread, timing each answer by endpoint;
- ``Driver``: walks each new inbound call through the IVR (greeting, menu, an agent or the complaint line or a
  callback or voicemail; status, recording and transcription callbacks) and, for the calls an agent answered,
  opens, answers and resolves a case through the API as that agent;
- ``Twilio``: the project's REST stand-in (``/_twilio``) served from this process for the workers' outbound
  calls (``KEFU_TWILIO_BASE_URL``); the survey calls they place are walked like the inbound ones, the customer
  answering every question;
- ``QueueProbe``: a timestamped no-op job every second, on ``default`` and ``telephony`` in turn; its wait in the
  queue (RQ's ``enqueued_at`` to ``started_at``) is the queue lag.
"""

import http.client
import json
import logging
import secrets
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from urllib.parse import quote_plus

import redis
from rq import Queue
from rq.job import Job
from werkzeug.serving import make_server

from scripts.bench.centre_plan import MAX_WEBHOOK_P99_MS, endpoint
from telephony.standin import Callee, StandinState, set_state
from telephony.standin.callee import walk_standin_call
from telephony.standin.simulator import simulate_inbound_call

HOST = "127.0.0.1"
COMPLAINT_TEXT = "你们的服务态度太差了，我要投诉"
VOICEMAIL_TEXT = "请尽快给我回电话"
# The customer's side of a callback survey: yes go on, solved, satisfied, not charged, 9 points.
SURVEY_KEYS = ("1", "1", "1", "2", "9")
# The queues whose jobs are due at a time (sweeps, survey calls); ``reports`` runs long jobs by design.
PROBED = ("default", "telephony")
KEYS = {"agent": ("1",), "voicemail": ("1",), "complaint": ("2", "1"), "callback": ("3",)}


class Recorder:
    """Milliseconds per endpoint, the answers that were not 2xx, and when in the minute the slow answers came
    (``slow_by_second``: 5-second bucket of the wall clock's minute → count), since the last ``take``."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies, self.errors = defaultdict(list), defaultdict(int)
        self.slow_by_second = defaultdict(int)

    def add(self, path, ms, status):
        name = endpoint(path)
        with self.lock:
            self.latencies[name].append(ms)
            if not 200 <= status < 300:
                self.errors[f"{name} {status}"] += 1
            if ms >= MAX_WEBHOOK_P99_MS:
                self.slow_by_second[int(time.time() % 60) // 5 * 5] += 1

    def take(self):
        with self.lock:
            taken = (dict(self.latencies), dict(self.errors))
            self.latencies, self.errors = defaultdict(list), defaultdict(int)
        return taken

    def take_slow(self):
        with self.lock:
            taken, self.slow_by_second = dict(sorted(self.slow_by_second.items())), defaultdict(int)
        return taken


class Answer:
    """The bits of a Flask test response the call walker reads."""

    def __init__(self, status, body):
        self.status_code, self.body = status, body

    def get_data(self, as_text=False):
        return self.body.decode() if as_text else self.body

    def json(self):
        return json.loads(self.body or b"null")


class Http:
    """POSTs to ``HOST:port``, one keep-alive connection per thread, each answer timed into ``recorder``."""

    def __init__(self, port, recorder):
        self.port, self.recorder, self.local = port, recorder, threading.local()

    def post(self, path, base_url=None, data=None, headers=None):
        body = "&".join(f"{k}={_quote(v)}" for k, v in (data or {}).items())
        headers = {**(headers or {}), "Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", path, body, headers)

    def request(self, method, path, body=None, headers=None):
        for attempt in (1, 2):  # a keep-alive connection the server closed meanwhile: once more on a new one
            connection = self._connection(fresh=attempt == 2)
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers or {})
                response = connection.getresponse()
                answer = Answer(response.status, response.read())
            except (http.client.HTTPException, OSError):
                if attempt == 2:
                    self.recorder.add(path, (time.perf_counter() - started) * 1000, 599)
                    return Answer(599, b"")
                continue
            self.recorder.add(path, (time.perf_counter() - started) * 1000, answer.status_code)
            return answer

    def _connection(self, fresh=False):
        if fresh or getattr(self.local, "connection", None) is None:
            self.local.connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        return self.local.connection


def _quote(value):
    return quote_plus(str(value))


class Driver:
    """Walks the calls of a step in a thread pool, each started on time; remembers each call for the check."""

    def __init__(self, app, http, centre, threads=128):
        self.app, self.http, self.centre = app, http, centre
        self.run_id = secrets.token_hex(4)  # CallSids of their own: an earlier run's would be idempotent replays
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="call")
        self.lock = threading.Lock()
        self.calls = []  # (CallSid, flow) of each call walked to its end
        self.start_lags = []
        self.api_errors = 0

    def run_step(self, planned, drain_s=60):
        """Start each ``(offset, number, flow)`` of ``planned`` on time; wait (``drain_s`` at most) for them to
        end. Returns the latest start and the walks that failed (an exception) or did not end in time."""
        self.start_lags = []
        t0 = time.monotonic()
        futures = []
        for offset, number, flow in planned:
            delay = t0 + offset - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            futures.append(self.pool.submit(self._call, t0 + offset, number, flow))
        deadline = time.monotonic() + drain_s
        broken = 0
        for future in futures:
            try:
                future.result(timeout=max(0.1, deadline - time.monotonic()))
            except Exception as exc:  # noqa: BLE001 — counted against the step, and the run goes on
                broken += 1
                print(f"  a walk failed: {type(exc).__name__}: {exc}"[:300])
        return max(self.start_lags, default=0.0), broken

    def _call(self, due, number, flow):
        lag = time.monotonic() - due
        phone, customer_id, hotline = self._caller(number, flow)
        sid = f"CA{self.run_id}{number:024x}"
        with self.app.app_context():
            transcript = simulate_inbound_call(
                self.app,
                phone,
                to=hotline,
                keys=KEYS[flow],
                agent_answers=flow == "agent",
                record_text=COMPLAINT_TEXT if flow == "complaint" else VOICEMAIL_TEXT,
                call_sid=sid,
                http=self.http,
            )
        answered = next((target for target, status in transcript.dials if status == "completed"), None)
        identity = answered.removeprefix("client:") if answered else None
        if flow == "agent" and identity in self.centre.tokens:
            self._case_by_agent(identity, sid, customer_id)
        with self.lock:
            self.start_lags.append(lag)
            self.calls.append((sid, flow))

    def _caller(self, number, flow):
        callers = self.centre.vip_callers if flow == "agent" else self.centre.plain_callers
        return callers[number % len(callers)]

    def _case_by_agent(self, identity, sid, customer_id):
        """The agent who took the call opens a case for the caller, answers it and resolves it (three API calls)."""
        headers = {"Authorization": f"Bearer {self.centre.tokens[identity]}", "Content-Type": "application/json"}
        opened = {
            "kind": "inquiry",
            "channel": "phone",
            "subject": "来电咨询账户",
            "customer_id": customer_id,
            "source_ref": f"call:{sid}",
        }
        answer = self.http.request("POST", "/api/v1/cases", json.dumps(opened), headers)
        if answer.status_code != 201:
            self._api_error()
            return
        case = answer.json()["id"]
        reply = {"channel": "phone", "text": "已为您查询，账户状态正常。"}
        for path, body in (
            (f"/api/v1/cases/{case}/reply", reply),
            (f"/api/v1/cases/{case}/resolve", {"note": "已解答"}),
        ):
            if self.http.request("POST", path, json.dumps(body), headers).status_code != 200:
                self._api_error()
                return

    def _api_error(self):
        with self.lock:
            self.api_errors += 1

    def close(self):
        self.pool.shutdown(wait=True, cancel_futures=True)


class Twilio:
    """The REST stand-in on ``port``, served by ``app`` (no autowalk): a poller walks each call placed on it."""

    def __init__(self, app, port, http, pool):
        self.app, self.http, self.pool = app, http, pool
        self.state = StandinState(autowalk=False)
        self.state.default_callee = Callee(keys=SURVEY_KEYS)
        set_state(app, self.state)
        self.server = make_server(HOST, port, app, threaded=True)
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per REST call
        self.stopping = threading.Event()
        self.walked = 0
        self.serving = False

    def start(self):
        threading.Thread(target=self.server.serve_forever, name="standin", daemon=True).start()
        self.serving = True
        threading.Thread(target=self._poll, name="standin-walker", daemon=True).start()

    def _poll(self):
        while not self.stopping.wait(0.2):
            for call in self.state.take_pending():
                if call.status != "canceled":
                    self.pool.submit(self._walk, call)

    def _walk(self, call):
        with self.app.app_context():
            walk_standin_call(self.app, call, http=self.http)
        with self.state.lock:
            self.walked += 1

    def stop(self):
        self.stopping.set()
        if self.serving:  # shutdown() waits for a serve_forever() that never started otherwise
            self.server.shutdown()
        self.server.server_close()


class QueueProbe:
    """Every ``every`` s a no-op job (``os.getpid``) on the next of ``PROBED`` in turn; ``lag()`` is the longest
    wait since ``reset``: enqueue to start, or to now for a probe still waiting. Sparse on purpose: each probe
    costs a worker a forked work horse."""

    def __init__(self, redis_url, every=1.0):
        self.connection = redis.Redis.from_url(redis_url)
        self.queues = [Queue(name, connection=self.connection) for name in PROBED]
        self.every, self.jobs, self.lock = every, [], threading.Lock()
        self.stopping = threading.Event()

    def start(self):
        threading.Thread(target=self._run, name="queue-probe", daemon=True).start()

    def _run(self):
        turn = 0
        while not self.stopping.wait(self.every):
            job = self.queues[turn % len(self.queues)].enqueue("os.getpid", result_ttl=600, ttl=600)
            turn += 1
            with self.lock:
                self.jobs.append(job.id)

    def reset(self):
        with self.lock:
            self.jobs = []

    def lag(self):
        with self.lock:
            ids = list(self.jobs)
        waits = []
        for job in Job.fetch_many(ids, connection=self.connection):
            if job is None or job.enqueued_at is None:
                continue
            started = job.started_at or datetime.now(UTC)
            waits.append((_utc(started) - _utc(job.enqueued_at)).total_seconds())
        return max(waits, default=0.0)

    def stop(self):
        self.stopping.set()


def _utc(moment):
    """RQ's timestamps are naive UTC in some versions, aware in others."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
