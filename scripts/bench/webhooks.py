"""Webhook benchmark (issue 5, Speed): the app under gunicorn against a bare Flask app's ceiling.

Prepares the configured database (migrations, a branch with its hotline ``PhoneLine``, the
default scripts and surveys, a customer, and one survey run per answer request), then serves
``wsgi:app`` with gunicorn and sends signed POSTs (``RequestValidator`` with the app's
``TWILIO_AUTH_TOKEN``; the signature covers the full URL with host and port) at a fixed
concurrency: ``--count`` to ``/twilio/voice/incoming`` and ``--count`` to a survey answer step
(question 1 answered with 1; a run per request and a unique CallSid each, so neither the
idempotency receipts nor the one-answer-per-question rule short-circuit the work). Then it
serves a bare Flask app returning the very same TwiML bytes under the same gunicorn settings
and sends it the same requests. Prints req/s, p50 and p99 of each, and the ratio; the last
line is JSON ``{"req_per_s", "p50_ms", "p99_ms", "ceiling_req_per_s", "ratio"}`` (both
endpoints together; per endpoint under ``"endpoints"``).

    .venv/bin/python scripts/create_test_database.py postgresql+psycopg://postgres@127.0.0.1:5432/kefu_bench_wh
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/kefu_bench_wh .venv/bin/python scripts/bench/webhooks.py

Without DATABASE_URL it uses the embedded SQLite file (not what the targets are about). Leave
PUBLIC_BASE_URL unset (signatures are for 127.0.0.1:port). Business hours are set to the whole
day for the run, so the IVR answers with its menu at any hour. Traffic goes to 127.0.0.1 only.
Requests are signed before the clock starts; the client is stdlib ``http.client`` with one
keep-alive connection per thread.
"""

import argparse
import http.client
import json
import os
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
from scripts.bench.throwaway_secrets import use_throwaway_secrets  # noqa: E402

HOST = "127.0.0.1"
BRANCH = "WHBENCH"
HOTLINE = "+862150500000"
CALLER = "+8613700000000"  # nobody's number: the plain hotline route
CUSTOMER_PHONE = "+8613900000000"
INCOMING = "/twilio/voice/incoming"
# The IVR answers with its menu (not the after-hours message) whatever the hour of the run.
ALWAYS_OPEN = "00:00-23:59"


def main():
    args = _arguments()
    use_throwaway_secrets()
    app = create_app(Config(BUSINESS_HOURS=ALWAYS_OPEN))
    with app.app_context():
        upgrade()
        _reference_data()
        run_ids = _survey_runs(args.count + args.warmup + 1)
        token = app.config["TWILIO_AUTH_TOKEN"]
        database = db.engine.url.render_as_string(hide_password=True)
        twiml = _sample_twiml(app, _targets(run_ids))
    gunicorn = ["-w", str(args.workers), "-k", "gthread", "--threads", str(args.threads)]
    with _served("wsgi:app", args.port, gunicorn):
        app_figures = _measure(args, args.port, token, _targets(run_ids[1:]))
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(twiml, file)
    try:
        with _served(f"scripts.bench.webhooks:bare_app({file.name!r})", args.port + 1, gunicorn):
            bare_figures = _measure(args, args.port + 1, token, _targets(run_ids[1:]))
    finally:
        os.unlink(file.name)
    print(f"database: {database}")
    _report(app_figures, bare_figures, args, gunicorn)


def _targets(run_ids):
    """Endpoint → a maker of ``n`` fresh (path, params): new CallSids, the next unused survey runs."""
    ids = iter(run_ids)
    return {
        "incoming": lambda n: [(INCOMING, _incoming_params()) for _ in range(n)],
        "survey_answer": lambda n: [(_answer_path(next(ids)), _answer_params()) for _ in range(n)],
    }


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=3000, help="requests per endpoint (default 3000)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=200, help="unmeasured requests per endpoint first")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (both sides)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (both sides)")
    parser.add_argument("--port", type=int, default=18471, help="the app's port; the bare app uses the next one")
    return parser.parse_args()


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


# Serving and measuring -------------------------------------------------------------------------


class _served:
    """``gunicorn <app>`` on 127.0.0.1:``port`` for the duration of a ``with`` block."""

    def __init__(self, target, port, options):
        self.command = [str(ROOT / ".venv/bin/gunicorn"), *options, "-b", f"{HOST}:{port}", "--log-level", "warning"]
        self.command.append(target)
        self.port = port

    def __enter__(self):
        self.process = subprocess.Popen(self.command, cwd=ROOT, env={**os.environ, "KEFU_BUSINESS_HOURS": ALWAYS_OPEN})
        deadline = time.monotonic() + 30
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


def _measure(args, port, token, targets):
    """{endpoint: (seconds, latencies in ms, errors)} — warm-up first, then the timed batch."""
    figures = {}
    for name, make in targets.items():
        _blast(_signed(make(args.warmup), port, token), port, args.concurrency)
        requests = _signed(make(args.count), port, token)
        started = time.perf_counter()
        latencies, errors = _blast(requests, port, args.concurrency)
        figures[name] = (time.perf_counter() - started, latencies, errors)
    return figures


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
        "req_per_s": round(len(ordered) / seconds, 1),
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
    }


def _combined(figures):
    seconds = sum(s for s, _, _ in figures.values())
    return _summary(seconds, [ms for _, latencies, _ in figures.values() for ms in latencies])


def _report(app_figures, bare_figures, args, gunicorn):
    print(f"gunicorn {' '.join(gunicorn)}; {args.count} requests per endpoint at concurrency {args.concurrency}")
    endpoints = {}
    for name in app_figures:
        app_stats = _summary(*app_figures[name][:2])
        bare_stats = _summary(*bare_figures[name][:2])
        errors = app_figures[name][2] + bare_figures[name][2]
        ratio = round(app_stats["req_per_s"] / bare_stats["req_per_s"], 3)
        endpoints[name] = {**app_stats, "ceiling_req_per_s": bare_stats["req_per_s"], "ratio": ratio, "errors": errors}
        print(
            f"{name:14} app {app_stats['req_per_s']:8.1f} req/s  p50 {app_stats['p50_ms']:6.2f} ms  "
            f"p99 {app_stats['p99_ms']:6.2f} ms | bare {bare_stats['req_per_s']:8.1f} req/s  "
            f"p50 {bare_stats['p50_ms']:6.2f} ms  p99 {bare_stats['p99_ms']:6.2f} ms | ratio {ratio:.3f}"
            + (f" | {errors} errors" if errors else "")
        )
    app_all, bare_all = _combined(app_figures), _combined(bare_figures)
    ratio = round(app_all["req_per_s"] / bare_all["req_per_s"], 3)
    print(
        json.dumps(
            {**app_all, "ceiling_req_per_s": bare_all["req_per_s"], "ratio": ratio, "endpoints": endpoints},
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
