"""A call-centre day at scale (issue 13, item 5): the production processes under a rising call rate.

    .venv/bin/python scripts/create_test_database.py postgresql+psycopg://postgres@127.0.0.1:5432/kefu_bench_centre
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/kefu_bench_centre REDIS_URL=redis://127.0.0.1:6379/5 \\
      .venv/bin/python scripts/bench/centre.py --reset

Migrates the database (``--reset`` drops every table first: a database of its own!), loads the defaults
(``kefu load-defaults``), seeds the centre (``centre_seed``: 4 branches, 100 agents, all ``ready``,
``--customers`` customers) and empties the Redis database of ``REDIS_URL`` (its own!). Then it starts the
production processes as the Procfile runs them — gunicorn ``wsgi:app`` (2 workers × 32 threads) on ``--port``,
two ``flask --app wsgi worker``, one ``flask --app wsgi scheduler`` — with throwaway secrets, simulated
telephony whose REST calls go to the project's Twilio stand-in served by this process on ``--port + 1``
(``KEFU_TWILIO_BASE_URL``), ``PUBLIC_BASE_URL`` the served app and business hours all day.

The driver (``centre_driver``) replays the day after an unmeasured warm-up (every flow twice in 5 s: the web
processes have run each path before they are timed), step by step, at a rising rate
of new calls (``centre_plan.rates``: 2, 4, 8, 16, 24, 32 … up to ``--max-rate``, each for
``--step-seconds``): each call walks the IVR through signed webhooks as Twilio would; half reach an agent,
who then opens, answers and resolves a case through the API; the survey calls the workers place are walked
as they come. After each step the database is checked (``centre_check``). A step holds when every webhook's
p99 < 200 ms, the queue lag < 5 s, nothing was lost or duplicated, every answer was 2xx and the driver kept
up. The run stops at the first step that does not hold, waits at most ``--grace`` s for the surveys (the
dialer rings ``--survey-cps`` a second, 45 s a minute), checks them and reports per step: calls/s, p50/p99 per
endpoint, queue lag, errors, CPU (cores) per process group; then the highest rate that held and what
saturated first. Last line: JSON ``{"calls_per_s", "webhook_p99_ms", "queue_lag_s", "saturated", …}``.
``--quick``: a smoke run (2,000 customers, 8 s steps at 2 and 4 calls/s). Loopback only; it stops everything
it started on the way out.
"""

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402
from flask_migrate import downgrade, upgrade  # noqa: E402
from sqlalchemy import text  # noqa: E402

from crm import create_app  # noqa: E402
from crm.extensions import db  # noqa: E402
from scripts.bench import centre_plan as plan  # noqa: E402
from scripts.bench.centre_check import check_calls, check_surveys  # noqa: E402
from scripts.bench.centre_driver import Driver, Http, QueueProbe, Recorder, Twilio  # noqa: E402
from scripts.bench.centre_processes import CpuMeter, Production, cores_used  # noqa: E402
from scripts.bench.centre_seed import seed  # noqa: E402
from scripts.bench.throwaway_secrets import use_throwaway_secrets  # noqa: E402

ALWAYS_OPEN = "00:00-23:59"
WARMUP_S = 5
WARMUP_CALLS = 2 * len(plan.FLOWS)
CORES = os.cpu_count()


def main():
    args = _arguments()
    # A SIGTERM (timeout, Ctrl-\\) unwinds through the ``finally`` below, which stops the processes started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    env = _environment(args)
    os.environ.update(env)
    app = create_app()
    centre = _prepare(app, args, env)
    logs = Path(tempfile.mkdtemp(prefix="kefu-centre-"))
    production = Production({**os.environ, **env}, args.port, logs)
    recorder = Recorder()
    http = Http(args.port, recorder)
    driver = Driver(app, http, centre)
    twilio = Twilio(app, args.port + 1, http, driver.pool)
    probe = QueueProbe(env["REDIS_URL"])
    try:
        production.start()
        _wait_for_web(args.port, production)
        twilio.start()
        probe.start()
        meter = CpuMeter(production, lambda: _backend_pids(app), _redis_pid(env["REDIS_URL"]))
        steps = _climb(args, app, driver, recorder, probe, meter, production)
        surveys = _surveys(args, app, driver, twilio)
    finally:
        probe.stop()
        twilio.stop()
        driver.close()
        production.stop()
    _report(args, steps, surveys, driver, logs)


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--reset", action="store_true", help="drop every table first (a dedicated database!)")
    parser.add_argument("--port", type=int, default=5141, help="the web process; the Twilio stand-in on the next")
    parser.add_argument("--step-seconds", type=float, default=25)
    parser.add_argument("--start-rate", type=float, default=2)
    parser.add_argument("--max-rate", type=float, default=64)
    parser.add_argument(
        "--survey-cps", type=float, default=10, help="survey calls a second (a centre this size raises Twilio's 1)"
    )
    parser.add_argument("--grace", type=float, default=90, help="seconds to wait for the surveys after the last step")
    parser.add_argument("--quick", action="store_true", help="smoke run: 2,000 customers, 8 s steps at 2 and 4 calls/s")
    args = parser.parse_args()
    if args.quick:
        args.customers, args.step_seconds, args.max_rate, args.grace = 2000, 8, 4, 75
    return args


def _environment(args):
    """What the production processes (and this process's own app) run with."""
    use_throwaway_secrets()
    if not os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database of its own (see the docstring).")
    os.environ.pop("TWILIO_ACCOUNT_SID", None)  # simulated telephony: REST calls go to the stand-in below
    return {
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/5",
        "SECRET_KEY": os.environ["SECRET_KEY"],
        "TWILIO_AUTH_TOKEN": os.environ["TWILIO_AUTH_TOKEN"],
        "KEFU_TWILIO_BASE_URL": f"http://127.0.0.1:{args.port + 1}/_twilio",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{args.port}",
        "KEFU_BUSINESS_HOURS": ALWAYS_OPEN,
        "KEFU_SURVEY_CALLS_PER_SECOND": str(args.survey_cps),
        "PYTHONUNBUFFERED": "1",
    }


def _prepare(app, args, env):
    started = time.monotonic()
    with app.app_context():
        if args.reset:
            downgrade(revision="base")
        upgrade()
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "kefu", "load-defaults"]
    subprocess.run(flask, cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True, timeout=600)
    with app.app_context():
        centre = seed(db.session, args.customers)
        db.session.execute(text("ANALYZE"))  # the statistics autovacuum would soon gather after a bulk load
        db.session.commit()
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    print(f"prepared {args.customers} customers, {len(centre.tokens)} agents in {time.monotonic() - started:.0f} s")
    return centre


def _wait_for_web(port, production, wait=60):
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return
        except OSError:
            if production.exited():
                raise SystemExit(f"a process exited at start: {production.exited()}") from None
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer on port {port}")


def _backend_pids(app):
    with app.app_context():
        pids = db.session.scalars(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        ).all()
        db.session.rollback()
    return pids


def _redis_pid(url):
    return int(redis.Redis.from_url(url).info("server")["process_id"])


def _climb(args, app, driver, recorder, probe, meter, production):
    """Run the steps until one does not hold; their figures."""
    warmup = plan.schedule(WARMUP_CALLS / WARMUP_S, WARMUP_S)
    driver.run_step(warmup)  # unmeasured: the processes' first requests fill their caches and pools
    steps, first = [], len(warmup)
    for rate in plan.rates(args.start_rate, args.max_rate):
        planned = plan.schedule(rate, args.step_seconds, first)
        first += len(planned)
        recorder.take()
        recorder.take_slow()
        probe.reset()
        before, started = meter.read(), time.monotonic()
        done = len(driver.calls)
        start_lag, broken = driver.run_step(planned)
        seconds = time.monotonic() - started
        step = plan.StepFigures(rate, round(seconds, 1), len(planned), start_lag_s=round(start_lag, 2))
        step.cpu = cores_used(before, meter.read(), seconds)
        step.latencies, errors = recorder.take()
        slow = recorder.take_slow()
        step.errors = sum(errors.values()) + broken
        step.queue_lag_s = round(probe.lag(), 2)
        with app.app_context():
            checked = check_calls(db.session, driver.calls[done:])
            db.session.rollback()
        step.lost, step.duplicated = sum(checked["missing"].values()), sum(checked["duplicated"].values())
        _print_step(step, errors, checked, production)
        print(f"  answers ≥ {plan.MAX_WEBHOOK_P99_MS} ms by second of the minute (5 s buckets): {slow}")
        steps.append(step)
        if plan.failures(step) or production.exited():
            break
    return steps


def _surveys(args, app, driver, twilio):
    """Wait, at most ``--grace`` s, for the workers to ring every survey owed and the calls to end; check them."""
    agent_sids = [sid for sid, flow in driver.calls if flow == "agent"]
    deadline = time.monotonic() + args.grace
    while True:
        with app.app_context():
            figures = check_surveys(db.session, agent_sids)
            db.session.rollback()
        if figures["completed"] >= figures["owed"] or time.monotonic() > deadline:
            break
        time.sleep(5)
    figures["walked"] = twilio.walked
    return figures


def _print_step(step, errors, checked, production):
    failed = plan.failures(step)
    print(
        f"\nstep {step.rate:g} calls/s: {step.calls} calls in {step.seconds} s; queue lag {step.queue_lag_s} s; "
        f"driver start lag {step.start_lag_s} s; {'HELD' if not failed else 'FAILED: ' + '; '.join(map(str, failed))}"
    )
    for name, ms in sorted(step.latencies.items()):
        print(f"  {name:48} n={len(ms):6} p50={plan.percentile(ms, 50):7.1f} ms p99={plan.percentile(ms, 99):7.1f} ms")
    if errors:
        print(f"  errors: {errors}")
    print(f"  lost: {dict(checked['missing'])}; duplicated: {dict(checked['duplicated'])}")
    print(f"  CPU (cores of {CORES}): {step.cpu}; CPU s per call: {step.cpu_per_call()}")
    if production.exited():
        print(f"  processes exited: {production.exited()}")


def _report(args, steps, surveys, driver, logs):
    held = [step for step in steps if not plan.failures(step)]
    best = held[-1] if held else None
    costed = steps[-1]  # the busiest step: its CPU per call is the least diluted by idle overhead
    failed = next((step for step in steps if plan.failures(step)), None)
    saturated = plan.saturated(failed, CORES) if failed else f"nothing up to --max-rate {args.max_rate:g}"
    print(f"\nsurveys: {surveys}; API errors: {driver.api_errors}; process logs in {logs}")
    print(f"load average at the end (1, 5, 15 min; every user of the machine): {os.getloadavg()}")
    print(f"highest rate that held: {best.rate if best else 0:g} new calls/s; saturated first: {saturated}")
    print(
        f"CPU per call at {costed.rate:g} calls/s: {costed.cpu_per_call()} s; {CORES} cores to itself, the centre "
        f"would carry about {plan.calls_per_s_alone(costed, CORES)} new calls/s"
    )
    figures = {
        "calls_per_s": best.rate if best else 0,
        "webhook_p99_ms": round(best.worst_p99(), 1) if best else None,
        "queue_lag_s": best.queue_lag_s if best else None,
        "saturated": saturated,
        "driver_cpu_cores": costed.cpu.get("driver"),
        "survey_problems": surveys["missing_answers"] + surveys["duplicated"] + surveys["unfinished"],
        "cpu_s_per_call": costed.cpu_per_call(),
        "calls_per_s_alone": plan.calls_per_s_alone(costed, CORES),
        "machine_cpu_cores": costed.cpu.get("machine"),
        "steps": [
            {k: v for k, v in asdict(step).items() if k != "latencies"} | {"webhook_p99_ms": round(step.worst_p99(), 1)}
            for step in steps
        ],
    }
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
