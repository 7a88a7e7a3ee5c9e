"""Webhook benchmark (issues 5 and 13, Speed): the app under gunicorn against its ceiling and its floor.

Prepares the configured database (migrations, a branch with its hotline ``PhoneLine``, the
default scripts and surveys, a customer, and one survey run per answer request), then serves
``wsgi:app`` with gunicorn and sends signed POSTs (``RequestValidator`` with the app's
``TWILIO_AUTH_TOKEN``; the signature covers the full URL with host and port) at a fixed
concurrency: ``--count`` to ``/twilio/voice/incoming`` and ``--count`` to a survey answer step
(question 1 answered with 1; a run per request and a unique CallSid each, so neither the
idempotency receipts nor the one-answer-per-question rule short-circuit the work). Then it
serves a bare Flask app returning the very same TwiML bytes under the same gunicorn settings
and sends it the same requests. On PostgreSQL it also serves the *persisting floor* (issue 13):
the same bare app plus one committed psycopg ``INSERT … ON CONFLICT DO NOTHING`` per request (the
CallSid into a table of its own), same gunicorn settings, same requests, in the same run. Prints
req/s, p50 and p99 of each and the ratios; the last line is JSON ``{"req_per_s", "p50_ms",
"p99_ms", "ceiling_req_per_s", "ratio", "floor_req_per_s", "floor_p99_ms", "ratio_to_floor"}``
(both endpoints together: requests over the time of both batches, and the worse endpoint's p50
and p99; per endpoint under ``"endpoints"``).

The load generator is ``wrk`` (``/usr/bin/wrk``, 2 threads, one connection per concurrent request)
driven by a Lua script holding the pre-signed requests, each with its own CallSid: the client
costs little of the server's CPU. Without wrk (or with ``--client python``) the old stdlib client
is used. The gunicorn settings default to the Procfile's (2 workers × 32 threads); the issue's
table used ``--threads 4``.

    .venv/bin/python scripts/create_test_database.py postgresql+psycopg://postgres@127.0.0.1:5432/kefu_bench_wh
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/kefu_bench_wh .venv/bin/python scripts/bench/webhooks.py

Without DATABASE_URL it uses the embedded SQLite file (not what the targets are about). Leave
PUBLIC_BASE_URL unset (signatures are for 127.0.0.1:port). Business hours are set to the whole
day for the run, so the IVR answers with its menu at any hour. Traffic goes to 127.0.0.1 only.
Requests are signed before the clock starts.
"""

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from flask import Flask, Response  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

from crm import create_app  # noqa: E402
from crm.config import Config  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.models import Branch, Customer, CustomerPhone, Survey, SurveyRun  # noqa: E402
from crm.services.calls.default_scripts import ensure_default_scripts, ensure_phone_lines  # noqa: E402
from crm.services.surveys.default_surveys import CASE_SURVEY, ensure_default_surveys  # noqa: E402
from scripts.bench.served import served  # noqa: E402
from scripts.bench.throwaway_secrets import use_throwaway_secrets  # noqa: E402

HOST = "127.0.0.1"
BRANCH = "WHBENCH"
HOTLINE = "+862150500000"
CALLER = "+8613700000000"  # nobody's number: the plain hotline route
CUSTOMER_PHONE = "+8613900000000"
INCOMING = "/twilio/voice/incoming"
FLOOR_TABLE = "bench_webhook_floor"
WRK = shutil.which("wrk")
WRK_THREADS = 2
# The IVR answers with its menu (not the after-hours message) whatever the hour of the run.
ALWAYS_OPEN = "00:00-23:59"
ALWAYS_OPEN_ENV = {"KEFU_BUSINESS_HOURS": ALWAYS_OPEN}


def prepared_app(survey_runs):
    """``(app, run ids)``: the app open all day on a migrated database with its reference data and
    ``survey_runs`` new survey runs (one per survey answer request)."""
    use_throwaway_secrets()
    app = create_app(Config(BUSINESS_HOURS=ALWAYS_OPEN))
    with app.app_context():
        upgrade()
        _reference_data()
        return app, _survey_runs(survey_runs)


def main():
    args = _arguments()
    app, run_ids = prepared_app(3 * (args.count + args.warmup) + 1)
    with app.app_context():
        token = app.config["TWILIO_AUTH_TOKEN"]
        database = db.engine.url.render_as_string(hide_password=True)
        floor_dsn = _floor_table() if db.engine.dialect.name == "postgresql" else None
        twiml = _sample_twiml(app, _targets(run_ids))
    gunicorn = ["-w", str(args.workers), "-k", "gthread", "--threads", str(args.threads)]
    targets = _targets(run_ids[1:])
    with served("wsgi:app", args.port, gunicorn, env=ALWAYS_OPEN_ENV):
        app_figures = _measure(args, args.port, token, targets)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(twiml, file)
    try:
        with served(f"scripts.bench.webhooks:bare_app({file.name!r})", args.port + 1, gunicorn, env=ALWAYS_OPEN_ENV):
            bare_figures = _measure(args, args.port + 1, token, targets)
        floor_figures = None
        if floor_dsn is not None:
            floor = f"scripts.bench.webhooks:floor_app({file.name!r}, {floor_dsn!r})"
            with served(floor, args.port + 2, gunicorn, env=ALWAYS_OPEN_ENV):
                floor_figures = _measure(args, args.port + 2, token, targets)
    finally:
        os.unlink(file.name)
    print(f"database: {database}; client: {'wrk' if _uses_wrk(args) else 'python'}")
    _report(app_figures, bare_figures, floor_figures, args, gunicorn)


def _targets(run_ids):
    """Endpoint → a maker of ``n`` fresh (path, params): new CallSids, the next unused survey runs."""
    ids = iter(run_ids)
    return {
        "incoming": lambda n: [(INCOMING, _incoming_params()) for _ in range(n)],
        "survey_answer": lambda n: [(_answer_path(next(ids)), _answer_params()) for _ in range(n)],
    }


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--count", type=int, default=None, help="requests per endpoint (python client: 3000) or pre-signed (wrk: 25000)"
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint with wrk (default 10)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=200, help="unmeasured requests per endpoint first")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (both sides)")
    parser.add_argument("--threads", type=int, default=32, help="gunicorn threads per worker (the Procfile's 32)")
    parser.add_argument("--port", type=int, default=18471, help="the app's port; bare and floor use the next two")
    parser.add_argument("--client", choices=("wrk", "python"), default="wrk" if WRK else "python")
    args = parser.parse_args()
    if args.count is None:
        args.count = 25000 if _uses_wrk(args) else 3000
    return args


# Data ------------------------------------------------------------------------------------------


def _reference_data():
    """The hotline's branch and number, the default scripts and surveys, a customer (once)."""
    branch = db.session.scalar(select(Branch).where(Branch.code == BRANCH))
    if branch is None:
        branch = Branch(code=BRANCH, name="压测营业部", hotline="95500")
        db.session.add(branch)
        db.session.flush()
    ensure_phone_lines(db.session, [(HOTLINE, "hotline", branch.id)])
    ensure_default_scripts(db.session)
    ensure_default_surveys(db.session)
    if db.session.scalar(select(CustomerPhone.id).where(CustomerPhone.e164 == CUSTOMER_PHONE)) is None:
        customer = Customer(name="压测客户", branch_id=branch.id, customer_class="C")
        customer.phones = [CustomerPhone(e164=CUSTOMER_PHONE)]
        db.session.add(customer)
    db.session.commit()


def _survey_runs(n):
    """``n`` fresh runs waiting in the call (state ``calling``), one per answer request."""
    survey_id = db.session.scalar(select(Survey.id).where(Survey.code == CASE_SURVEY))
    customer_id = db.session.scalar(select(CustomerPhone.customer_id).where(CustomerPhone.e164 == CUSTOMER_PHONE))
    rows = [
        {"survey_id": survey_id, "customer_id": customer_id, "to_number": CUSTOMER_PHONE, "state": "calling"}
        for _ in range(n)
    ]
    ids = db.session.execute(insert(SurveyRun).returning(SurveyRun.id), rows).scalars().all()
    db.session.commit()
    return sorted(ids)


def _floor_table():
    """An empty table for the floor's inserts; the psycopg conninfo of the database."""
    with db.engine.begin() as connection:
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        connection.exec_driver_sql(f"CREATE TABLE {FLOOR_TABLE} (sid text PRIMARY KEY, at timestamptz NOT NULL)")
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _sid():
    return "CA" + uuid.uuid4().hex


def _incoming_params():
    return {"CallSid": _sid(), "From": CALLER, "To": HOTLINE, "Direction": "inbound", "CallStatus": "ringing"}


def _answer_path(run_id):
    return f"/twilio/surveys/{run_id}/questions/1?try=1"


def _answer_params():
    return {"CallSid": _sid(), "Digits": "1", "Direction": "outbound-api", "CallStatus": "in-progress"}


def _sample_twiml(app, targets):
    """The TwiML each endpoint answers (one signed request through the app in process)."""
    validator = RequestValidator(app.config["TWILIO_AUTH_TOKEN"])
    answers = {}
    for name, make in targets.items():
        [(path, params)] = make(1)
        url = f"http://localhost{path}"
        headers = {"X-Twilio-Signature": validator.compute_signature(url, params)}
        response = app.test_client().post(path, data=params, headers=headers)
        body = response.get_data(as_text=True)
        if response.status_code != 200 or "Gather" not in body:
            raise SystemExit(f"{name}: the app did not answer with its menu/question TwiML: {body[:300]}")
        answers[name] = body
    return answers


def bare_app(twiml_file):
    """The ceiling: Flask answering the same TwiML bytes at the same paths, nothing else."""
    answers = json.loads(Path(twiml_file).read_text())
    bare = Flask("bare")
    incoming, answer = answers["incoming"].encode(), answers["survey_answer"].encode()
    bare.add_url_rule(INCOMING, "incoming", lambda: Response(incoming, mimetype="text/xml"), methods=["POST"])
    bare.add_url_rule(
        "/twilio/surveys/<int:run_id>/questions/<int:position>",
        "answer",
        lambda run_id, position: Response(answer, mimetype="text/xml"),
        methods=["POST"],
    )
    return bare


def floor_app(twiml_file, dsn):
    """The persisting floor: the bare app plus one committed ``INSERT … ON CONFLICT DO NOTHING`` per
    request with psycopg (a connection per gunicorn thread, as a pool would hand out)."""
    import psycopg

    bare = bare_app(twiml_file)
    local = threading.local()
    statement = f"INSERT INTO {FLOOR_TABLE} (sid, at) VALUES (%s, now()) ON CONFLICT DO NOTHING"

    @bare.before_request
    def persist():
        from flask import request

        if request.method != "POST":
            return None
        if getattr(local, "connection", None) is None:
            local.connection = psycopg.connect(dsn)
        with local.connection.transaction():
            local.connection.execute(statement, (request.form["CallSid"],))
        return None

    return bare


# Serving and measuring -------------------------------------------------------------------------


def _signed(requests, port, token):
    """(path, urlencoded body, headers) with the signature Twilio would send to this host:port."""
    validator = RequestValidator(token)
    signed = []
    for path, params in requests:
        url = f"http://{HOST}:{port}{path}"
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": validator.compute_signature(url, params),
        }
        signed.append((path, urlencode(params), headers))
    return signed


def _uses_wrk(args):
    return args.client == "wrk" and WRK is not None


def _measure(args, port, token, targets):
    """{endpoint: {"seconds", "n", "req_per_s", "p50_ms", "p99_ms", "errors"}} — warm-up first, then the timed batch."""
    figures = {}
    for name, make in targets.items():
        _python_blast(_signed(make(args.warmup), port, token), port, args.concurrency)
        requests = _signed(make(args.count), port, token)
        if _uses_wrk(args):
            figures[name] = _wrk(requests, port, args.concurrency, args.duration)
            if figures[name]["repeats"]:
                print(f"warning: {name}: {figures[name]['repeats']} repeated requests, raise --count", file=sys.stderr)
        else:
            figures[name] = _python_blast(requests, port, args.concurrency)
    return figures


def _python_blast(requests, port, concurrency):
    started = time.perf_counter()
    latencies, errors = _blast(requests, port, concurrency)
    return {**_summary(time.perf_counter() - started, latencies), "errors": errors}


# For ``--duration`` seconds (wrk's threads cannot end a run early) each wrk thread sends the requests
# whose index ≡ its number (mod threads), each once; should the pool run out it starts over and the run
# reports it (repeats are cheap no-ops: raise --count). A response that is not 200 with a <Gather> counts
# as an error. The last line is JSON for Python.
WRK_SCRIPT = """
local threads = {}
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
sent, bad, wrapped = 0, 0, 0
function request()
  local i = tid + 1 + sent * NTHREADS
  sent = sent + 1
  if i > #requests then
    wrapped = wrapped + 1
    i = (i - 1) % #requests + 1
  end
  local r = requests[i]
  return wrk.format("POST", r[1], {["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Twilio-Signature"] = r[3]}, r[2])
end
function response(status, headers, body)
  if status ~= 200 or not string.find(body, "<Gather", 1, true) then bad = bad + 1 end
end
function done(summary, latency, requests)
  local failed, repeats = 0, 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("bad")
    repeats = repeats + thread:get("wrapped")
  end
  local e = summary.errors
  io.write(string.format('{"n": %d, "us": %.0f, "p50_us": %.0f, "p99_us": %.0f, '
    .. '"bad": %d, "socket": %d, "repeats": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), failed,
    e.connect + e.read + e.write + e.timeout, repeats))
end
"""


def _wrk(requests, port, concurrency, duration):
    """The signed requests sent by wrk for ``duration`` seconds, each once; its figures."""
    rows = ",\n".join(
        f"{{{json.dumps(path)}, {json.dumps(body)}, {json.dumps(headers['X-Twilio-Signature'])}}}"
        for path, body, headers in requests
    )
    script = f"NTHREADS = {WRK_THREADS}\nrequests = {{\n{rows}\n}}\n{WRK_SCRIPT}"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    try:
        command = [WRK, "-t", str(WRK_THREADS), "-c", str(concurrency), "-d", f"{duration}s", "--timeout", "30s"]
        output = subprocess.run(
            [*command, "-s", file.name, f"http://{HOST}:{port}"], capture_output=True, text=True, check=True
        ).stdout
    finally:
        os.unlink(file.name)
    result = json.loads(output.strip().splitlines()[-1])
    seconds = result["us"] / 1e6
    return {
        "seconds": seconds,
        "n": result["n"],
        "req_per_s": round(result["n"] / seconds, 1),
        "p50_ms": round(result["p50_us"] / 1000, 2),
        "p99_ms": round(result["p99_us"] / 1000, 2),
        "errors": result["bad"] + result["socket"],
        "repeats": result["repeats"],
    }


def _blast(requests, port, concurrency):
    local = threading.local()

    def send(request):
        path, body, headers = request
        if not hasattr(local, "connection"):
            local.connection = http.client.HTTPConnection(HOST, port, timeout=30)
        begun = time.perf_counter()
        try:
            local.connection.request("POST", path, body=body, headers=headers)
            response = local.connection.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            local.connection.close()
            del local.connection
            return (time.perf_counter() - begun) * 1000, False
        ok = response.status == 200 and b"<Gather" in payload
        return (time.perf_counter() - begun) * 1000, ok

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(send, requests))
    return [ms for ms, _ in results], sum(1 for _, ok in results if not ok)


def _summary(seconds, latencies):
    ordered = sorted(latencies)
    return {
        "seconds": seconds,
        "n": len(ordered),
        "req_per_s": round(len(ordered) / seconds, 1),
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
    }


def _combined(figures):
    """Both endpoints: requests over the time of both batches; the worse endpoint's p50 and p99."""
    stats = list(figures.values())
    return {
        "req_per_s": round(sum(f["n"] for f in stats) / sum(f["seconds"] for f in stats), 1),
        "p50_ms": max(f["p50_ms"] for f in stats),
        "p99_ms": max(f["p99_ms"] for f in stats),
    }


def _public(stats):
    return {key: stats[key] for key in ("req_per_s", "p50_ms", "p99_ms")}


def _report(app_figures, bare_figures, floor_figures, args, gunicorn):
    print(f"gunicorn {' '.join(gunicorn)}; {args.count} requests per endpoint at concurrency {args.concurrency}")
    endpoints = {}
    for name in app_figures:
        app_stats, bare_stats = app_figures[name], bare_figures[name]
        errors = app_stats["errors"] + bare_stats["errors"]
        ratio = round(app_stats["req_per_s"] / bare_stats["req_per_s"], 3)
        entry = {**_public(app_stats), "ceiling_req_per_s": bare_stats["req_per_s"], "ratio": ratio}
        line = (
            f"{name:14} app {app_stats['req_per_s']:8.1f} req/s  p50 {app_stats['p50_ms']:6.2f} ms  "
            f"p99 {app_stats['p99_ms']:6.2f} ms | bare {bare_stats['req_per_s']:8.1f} req/s  "
            f"p50 {bare_stats['p50_ms']:6.2f} ms  p99 {bare_stats['p99_ms']:6.2f} ms | ratio {ratio:.3f}"
        )
        if floor_figures is not None:
            floor_stats = floor_figures[name]
            errors += floor_stats["errors"]
            to_floor = round(app_stats["req_per_s"] / floor_stats["req_per_s"], 3)
            entry.update(
                floor_req_per_s=floor_stats["req_per_s"], floor_p99_ms=floor_stats["p99_ms"], ratio_to_floor=to_floor
            )
            line += (
                f" | floor {floor_stats['req_per_s']:8.1f} req/s  p50 {floor_stats['p50_ms']:6.2f} ms  "
                f"p99 {floor_stats['p99_ms']:6.2f} ms | to floor {to_floor:.3f}"
            )
        endpoints[name] = {**entry, "errors": errors}
        print(line + (f" | {errors} errors" if errors else ""))
    app_all, bare_all = _combined(app_figures), _combined(bare_figures)
    result = {**app_all, "ceiling_req_per_s": bare_all["req_per_s"]}
    result["ratio"] = round(app_all["req_per_s"] / bare_all["req_per_s"], 3)
    if floor_figures is not None:
        floor_all = _combined(floor_figures)
        result.update(
            floor_req_per_s=floor_all["req_per_s"],
            floor_p99_ms=floor_all["p99_ms"],
            ratio_to_floor=round(app_all["req_per_s"] / floor_all["req_per_s"], 3),
        )
    print(json.dumps({**result, "endpoints": endpoints}, ensure_ascii=False))


if __name__ == "__main__":
    main()
