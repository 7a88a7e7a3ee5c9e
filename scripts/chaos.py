"""Chaos trial of issue 14: the production processes lose workers, queued jobs and Redis, and nothing is lost.

    .venv/bin/python scripts/chaos.py --cases 2000 --window 240

On this machine only (loopback): it (re)creates its own PostgreSQL database (``--database``, default
``kefu_chaos``) on 127.0.0.1:5432, starts its own ``redis-server`` on a free port and a Twilio stand-in of
its own (an HTTP server in this process that counts every call and SMS), then the production processes
``flask --app wsgi scheduler`` and ``flask --app wsgi worker`` ×3 with DATABASE_URL, REDIS_URL and
SECRET_KEY set. It writes ``--cases`` open cases (every 4th a complaint) whose escalation steps fall due
across ``--window`` seconds of real time, and meanwhile kills a worker by PID in the middle of a sweep
(three times; this script restarts it, as a supervisor would), flushes the Redis database (three times)
and restarts Redis for 30 s across a minute boundary (once). Then it waits, at most ``--grace`` seconds,
for the work to be done, and counts: escalation steps expected, taken, missing and duplicated; complaint
call-outs owed and placed (in the database and at the stand-in), calls duplicated; the worst lateness;
the workers registered at the end. The figures end with one JSON object on the last line; the exit status
is 1 on any loss or duplicate. Bounded: it stops everything it started after window + grace + 2 minutes.
Not part of the test suite.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import redis
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chaos_services import WORKERS, OwnRedis, Processes, Standin, flask_command, free_port  # noqa: E402

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
COMPLAINT_EVERY = 4
STEP_GAP = timedelta(seconds=20)  # reminder → overdue → branch head, and a complaint's dispatch page
OUTAGE_S = 30
SWEEP = "workers.jobs.sweep_deadlines"


def main():
    args = parse_args()
    started = time.monotonic()
    hard_stop = started + args.window + args.grace + 120
    logs = Path(tempfile.mkdtemp(prefix="kefu-chaos-"))
    database_url = f"{PG_SERVER}/{args.database}"
    recreate_database(database_url)
    own_redis = OwnRedis(free_port(), logs)
    standin = Standin()
    env = process_env(database_url, own_redis.url, standin.url, args.lease)
    processes = Processes(env, logs)
    try:
        run_flask(env, "db", "upgrade")
        run_flask(env, "kefu", "load-defaults")
        app = build_app(env)
        own_redis.start()
        t0 = datetime.now(UTC) + timedelta(seconds=20)  # the first steps fall due once the processes run
        expected = seed(app, args.cases, t0, timedelta(seconds=args.window))
        processes.start_all()
        chaos = Chaos(own_redis, processes, args.window, hard_stop)
        chaos.run()
        wait_for_the_work(app, expected, min(time.monotonic() + args.grace, hard_stop), processes)
        figures = count(app, expected, standin, own_redis)
        figures.update(chaos.done, processes_exited=processes.exited, seconds=round(time.monotonic() - started))
    finally:
        processes.stop_all()
        own_redis.stop()
        standin.stop()
    report(figures, args, logs)
    bad = figures["steps_missing"] or figures["steps_duplicated"] or figures["callouts_missing"]
    sys.exit(1 if bad or figures["calls_duplicated"] else 0)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--window", type=int, default=240, help="seconds over which the steps fall due")
    parser.add_argument("--grace", type=int, default=360, help="seconds to wait for the work after the window")
    parser.add_argument("--lease", type=int, default=60, help="KEFU_CALLOUT_LEASE for the workers")
    parser.add_argument("--database", default="kefu_chaos")
    return parser.parse_args()


def recreate_database(url):
    target = sa.make_url(url)
    server = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    server.dispose()


def process_env(database_url, redis_url, standin_url, lease):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEFU_", "TWILIO_"))}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        # Throwaway secrets: Kefu refuses to start on PostgreSQL with its built-in ones.
        SECRET_KEY=secrets.token_hex(32),
        TWILIO_AUTH_TOKEN=secrets.token_hex(32),
        KEFU_TWILIO_BASE_URL=standin_url,
        KEFU_CALLOUT_LEASE=str(lease),
        PYTHONUNBUFFERED="1",
    )
    return env


def run_flask(env, *args):
    subprocess.run(flask_command(*args), cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)


def build_app(env):
    """The trial's own app on the processes' database, Redis and secrets."""
    from crm import create_app
    from crm.config import Config

    settings = {"SECRET_KEY": env["SECRET_KEY"], "TWILIO_AUTH_TOKEN": env["TWILIO_AUTH_TOKEN"]}
    return create_app(Config(SQLALCHEMY_DATABASE_URI=env["DATABASE_URL"], REDIS_URL=env["REDIS_URL"], **settings))


# --- the trial -------------------------------------------------------------------------------------


def seed(app, cases, t0, window):
    """A branch with its head, a supervisor, a supervisor on duty with a phone and four agents; ``cases``
    open cases whose steps fall due from ``t0`` across ``window``. Returns the steps and calls expected."""
    from crm.extensions import db
    from crm.models import Branch, Case, CaseDeadline
    from crm.services.org.staff import create_staff

    with app.app_context():
        branch = Branch(code="CH01", name="混沌营业部", hotline="+862195500")
        db.session.add(branch)
        db.session.flush()

        def staff(n, role, **fields):
            member = create_staff(db.session, job_no=f"9{n:03d}", name=f"员工{n}", role=role, branch=branch)
            for key, value in fields.items():
                setattr(member, key, value)
            return member

        head, boss = staff(1, "supervisor"), staff(2, "supervisor")
        staff(3, "supervisor", on_duty=True, phone="+8613700137000")
        db.session.flush()
        branch.head_id = head.id
        owners = [staff(10 + n, "agent", supervisor_id=boss.id) for n in range(4)]
        db.session.flush()
        kinds = ["complaint" if n % COMPLAINT_EVERY == 0 else "email_inquiry" for n in range(cases)]
        rows = [
            {
                "kind": kind,
                "branch_id": branch.id,
                "channel": "phone",
                "subject": f"混沌{n}",
                "owner_id": owners[n % len(owners)].id,
                "opened_at": t0 - timedelta(hours=1),
            }
            for n, kind in enumerate(kinds)
        ]
        ids = db.session.scalars(sa.insert(Case).returning(Case.id, sort_by_parameter_order=True), rows).all()
        deadlines, expected = [], set()
        for n, (case_id, kind) in enumerate(zip(ids, kinds, strict=True)):
            base = t0 + window * n / cases
            deadlines.append(_clock_row(case_id, "resolution", base, base + STEP_GAP, base + 2 * STEP_GAP))
            expected |= {(case_id, "resolution", level) for level in (1, 2, 3)}
            if kind == "complaint":
                deadlines.append(_clock_row(case_id, "dispatch", None, base + STEP_GAP, None))
                expected.add((case_id, "dispatch", 2))
        db.session.execute(sa.insert(CaseDeadline), deadlines)
        db.session.commit()
        callouts = {str(case_id) for case_id, kind in zip(ids, kinds, strict=True) if kind == "complaint"}
        return {"steps": expected, "callouts": callouts}


def _clock_row(case_id, clock, remind_at, due_at, head_at):
    return {
        "case_id": case_id,
        "clock": clock,
        "started_at": due_at - timedelta(hours=1),
        "remind_at": remind_at,
        "due_at": due_at,
        "head_at": head_at,
        "level": 0,
        "next_action_at": remind_at or due_at,
    }


class Chaos:
    """Three kills mid-sweep, three FLUSHDBs and one 30-second Redis restart across a minute boundary,
    spread over the window; processes that exit are started again meanwhile."""

    def __init__(self, own_redis, processes, window, hard_stop):
        self.redis, self.processes, self.hard_stop = own_redis, processes, hard_stop
        start = time.monotonic()
        plan = [
            (0.15, self.kill_mid_sweep),
            (0.25, self.flush),
            (0.35, self.restart_redis),
            (0.45, self.kill_mid_sweep),
        ]
        plan += [(0.55, self.flush), (0.75, self.kill_mid_sweep), (0.85, self.flush)]
        self.plan = [(start + 20 + fraction * window, action) for fraction, action in plan]
        self.end = start + 20 + window + 2 * STEP_GAP.total_seconds()
        self.done = Counter()

    def run(self):
        for at, action in self.plan:
            self.wait_until(at)
            action()
        self.wait_until(self.end)

    def wait_until(self, at):
        while time.monotonic() < min(at, self.hard_stop):
            self.processes.restart_exited()
            time.sleep(0.5)

    def kill_mid_sweep(self):
        """Wait (at most 90 s) for a worker to be running a sweep, then kill it."""
        from rq import Worker

        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                for worker in Worker.all(connection=self.redis.client()):
                    job = worker.get_current_job()
                    if job is not None and job.func_name == SWEEP:
                        self.processes.kill(worker.pid)
                        self.done["workers_killed_mid_sweep"] += 1
                        return
            except (redis.RedisError, StopIteration):
                pass
            time.sleep(0.05)
        self.done["kills_missed"] += 1

    def flush(self):
        self.redis.client().flushdb()
        self.done["queue_flushes"] += 1

    def restart_redis(self):
        """Stop Redis for OUTAGE_S seconds so that a minute boundary falls inside the outage."""
        while datetime.now(UTC).second < 45:
            time.sleep(0.2)
        self.redis.stop()
        time.sleep(OUTAGE_S)
        self.redis.start()
        self.done["redis_restarts"] += 1


def wait_for_the_work(app, expected, deadline, processes):
    while time.monotonic() < deadline:
        processes.restart_exited()
        steps, callouts = _done(app)
        if steps >= len(expected["steps"]) and callouts >= len(expected["callouts"]):
            return
        time.sleep(2)


def _done(app):
    from crm.extensions import db

    with app.app_context():
        steps = db.session.scalar(sa.text("SELECT count(*) FROM case_events WHERE action LIKE 'escalation.%'"))
        placed = db.session.scalar(sa.text("SELECT count(*) FROM complaint_callouts WHERE placed_at IS NOT NULL"))
        db.session.rollback()
        return steps, placed


def count(app, expected, standin, own_redis):
    from crm.extensions import db

    with app.app_context():
        taken = Counter(
            {
                (case_id, clock, int(level)): n
                for case_id, clock, level, n in db.session.execute(
                    sa.text(
                        "SELECT case_id, detail->>'clock', detail->>'level', count(*) FROM case_events "
                        "WHERE action LIKE 'escalation.%' GROUP BY 1, 2, 3"
                    )
                )
            }
        )
        step_late = db.session.scalar(
            sa.text(
                "SELECT extract(epoch FROM max(at - (detail->>'step_due_at')::timestamptz)) FROM case_events "
                "WHERE action LIKE 'escalation.%'"
            )
        )
        owed, placed, call_late = db.session.execute(
            sa.text(
                "SELECT count(*), count(placed_at), extract(epoch FROM max(o.placed_at - d.due_at)) "
                "FROM complaint_callouts o JOIN case_deadlines d ON d.case_id = o.case_id AND d.clock = 'dispatch'"
            )
        ).one()
        db.session.rollback()
    with standin.lock:
        calls = Counter(standin.calls)
    return {
        "steps_expected": len(expected["steps"]),
        "steps_taken": sum(taken.values()),
        "steps_missing": len(expected["steps"] - set(taken)),
        "steps_duplicated": sum(n - 1 for n in taken.values() if n > 1),
        "steps_unexpected": len(set(taken) - expected["steps"]),
        "worst_step_lateness_s": round(float(step_late or 0), 1),
        "callouts_expected": len(expected["callouts"]),
        "callouts_owed": owed,
        "callouts_placed": placed,
        "callouts_missing": len(expected["callouts"] - {case_id for case_id, _ in calls}),
        "calls_placed": sum(calls.values()),
        "calls_duplicated": sum(n - 1 for n in calls.values() if n > 1),
        "worst_callout_lateness_s": round(float(call_late or 0), 1),
        "sms_sent": standin.messages,
        "workers_registered_at_end": workers_seen(own_redis),
    }


def workers_seen(own_redis, within_s=90):
    """The workers registered in Redis, waited for (they re-register at their next heartbeat) up to ``within_s``
    seconds after the last flush."""
    from rq import Worker

    deadline = time.monotonic() + within_s
    while (seen := Worker.count(connection=own_redis.client())) < WORKERS and time.monotonic() < deadline:
        time.sleep(1)
    return seen


def report(figures, args, logs):
    print(f"chaos trial: {args.cases} cases over {args.window} s; process logs in {logs}")
    for key, value in figures.items():
        print(f"  {key.replace('_', ' ')}: {value}")
    print(json.dumps(figures, sort_keys=True))


if __name__ == "__main__":
    main()
