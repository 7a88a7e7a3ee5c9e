"""Caller-ID screen-pop benchmark (issue 3, Speed).

Loads N synthetic customers into the configured database through the CSV importer (the code
path of ``flask kefu import-customers``), timing the import; then times screen-pop lookups
through the app (``GET /api/v1/customers/lookup?phone=…`` with a bearer token, hits and
misses, phone formats varied) and, in the same run, the bare indexed SQL query on the same
database. Then it serves the app as the Procfile does (gunicorn, 2 sync workers) next to its floor
served the same way — a minimal Flask route running the bare indexed query with psycopg
(``scripts/bench/lookup_served.py``) — and drives each with ``wrk`` over the same numbers, one
after the other in the same run. The last line is JSON: {"n", "p50_ms", "p99_ms", "ratio_to_sql",
"import_rows_per_s", "floor_p50_ms", "floor_p99_ms", "ratio_to_floor", …}, where p50/p99 are the
served app's (over HTTP, with the bearer token), ``ratio_to_floor`` is its p50 over the floor's p50
and ``inprocess_…`` are the test client's figures (what p50/p99 meant before issue 13).

    .venv/bin/python scripts/create_test_database.py postgresql+psycopg://postgres@127.0.0.1:5432/kefu_bench
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/kefu_bench \\
        .venv/bin/python scripts/bench/lookup.py --n 1000000 --reset

Without DATABASE_URL it uses the embedded SQLite file. Use a database of its own: ``--reset``
drops every table first; without it a second run re-imports (and times) an unchanged file, unless
``--no-import`` says to use the customers already there (then ``import_rows_per_s`` is null).
"""

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from flask_migrate import downgrade, upgrade  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from crm import create_app  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.models import Branch, Customer, Staff  # noqa: E402
from crm.services.customers import import_file, importer  # noqa: E402
from crm.services.org import credentials, organisation, staff  # noqa: E402
from scripts.bench import lookup_served  # noqa: E402
from scripts.bench.served import served  # noqa: E402
from scripts.bench.throwaway_secrets import use_throwaway_secrets  # noqa: E402

BRANCH = "BENCH"
AGENT = "B0001"
# Mobile numbers: customer i answers to 139xxxxxxxx (and one in ten also to 158xxxxxxxx); 137… is nobody's.
HIT_PREFIX, SECOND_PREFIX, MISS_PREFIX = "139", "158", "137"
# How a caller ID or an agent may type the same number.
FORMATS = (
    "{p}{d}",
    "+86{p}{d}",
    "+86 {p} {d4a} {d4b}",
    "0086-{p}-{d4a}-{d4b}",
    "86{p}{d}",
    "({p}) {d4a}-{d4b}",
)
SQL_LOOKUP = text(
    "SELECT c.id, c.name, c.customer_class FROM customer_phones p JOIN customers c ON c.id = p.customer_id "
    "WHERE p.e164 = :p LIMIT 1"
)


def main():
    args = _arguments()
    use_throwaway_secrets()
    app = create_app()
    with app.app_context():
        if args.reset:
            downgrade(revision="base")
        upgrade()
        token = _bench_agent()
        rate = _existing(args.n) if args.no_import else _import(args.n)
        rnd = random.Random(args.seed)
        numbers = [(f"{i % 10**8:08d}", HIT_PREFIX) for i in rnd.sample(range(args.n), min(args.hits, args.n))]
        numbers += [(f"{rnd.randrange(10**8):08d}", MISS_PREFIX) for _ in range(args.misses)]
        rnd.shuffle(numbers)
    # Outside any app context: each request gets its own context and session, as on a server.
    app_ms = _time_app(app, token, numbers, rnd)
    with app.app_context():
        sql_ms = _time_sql(numbers)
    served = _time_served(args, token, numbers, rnd)
    _report(args.n, app_ms, sql_ms, rate, served)


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200_000, help="customers to load (default 200000)")
    parser.add_argument("--hits", type=int, default=2000, help="lookups of existing numbers")
    parser.add_argument("--misses", type=int, default=500, help="lookups of numbers nobody has")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reset", action="store_true", help="drop every table first (a dedicated database!)")
    parser.add_argument("--no-import", action="store_true", help="use the N customers already loaded")
    parser.add_argument("--seconds", type=int, default=10, help="wrk run per server (default 10)")
    parser.add_argument("--connections", type=int, default=1, help="wrk connections (default 1: one agent)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers, both servers (default 2)")
    parser.add_argument("--port", type=int, default=5071, help="the app's port; the floor's is the next one")
    return parser.parse_args()


def _bench_agent():
    """An agent of the bench branch (the screen pop's usual user) with a fresh API token."""
    session = db.session
    branch = session.scalar(select(Branch).where(Branch.code == BRANCH))
    branch = branch or organisation.create_branch(session, code=BRANCH, name="基准测试营业部")
    agent = session.scalar(select(Staff).where(Staff.job_no == AGENT))
    agent = agent or staff.create_staff(session, job_no=AGENT, name="基准坐席", role="agent", branch=branch)
    token = credentials.issue_api_token(agent, "benchmark")
    session.commit()
    return token


CSV_HEADER = "account_no,name,phones,branch,assets,turnover_rate,last_trade_on,is_vip,trading_habit\n"


def write_csv(stream, n):
    """N synthetic customers of the bench branch as import CSV (also ``scripts/bench/import.py``'s file)."""
    stream.write(CSV_HEADER)
    habits = ("short_term", "swing", "value", "")
    for i in range(n):
        phones = f"{HIT_PREFIX}{i % 10**8:08d}" + (f";{SECOND_PREFIX}{i % 10**8:08d}" if i % 10 == 0 else "")
        stream.write(
            f"BN{i:010d},客户{i},{phones},{BRANCH},{(i * 7919) % 9_000_000}.{i % 100:02d},"
            f"{(i % 60) / 10:.1f},2026-{1 + i % 10:02d}-{1 + i % 28:02d},{int(i % 50 == 0)},{habits[i % 4]}\n"
        )


def _import(n):
    """Write N customers to a CSV file and import it as ``kefu import-customers`` does; rows/s."""
    with tempfile.NamedTemporaryFile("w+", suffix=".csv", encoding="utf-8", newline="") as stream:
        write_csv(stream, n)
        stream.flush()
        stream.seek(0)
        started = time.perf_counter()
        report = importer.import_customers(db.session, import_file.read_csv(stream), source=Path(stream.name).name)
        db.session.commit()
        seconds = time.perf_counter() - started
    counts = f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged"
    print(f"import: {n} rows in {seconds:.1f} s = {n / seconds:,.0f} rows/s ({counts}, {report.rejected} rejected)")
    return n / seconds


def _existing(n):
    """``--no-import``: check the customers of an earlier run are there."""
    count = db.session.scalar(select(func.count()).select_from(Customer))
    if count < n:
        raise SystemExit(f"--no-import: {count} customers in the database, fewer than --n {n}")
    print(f"import: skipped, {count} customers already loaded")
    return None


def _time_served(args, token, numbers, rnd):
    """The app under gunicorn, then its floor under the same settings, each driven by wrk over the numbers."""
    app_paths, floor_paths = [], []
    for digits, prefix in numbers:
        shown = rnd.choice(FORMATS).format(p=prefix, d=digits, d4a=digits[:4], d4b=digits[4:])
        app_paths.append(f"/api/v1/customers/lookup?phone={quote(shown)}")
        floor_paths.append(f"/lookup?phone={quote(f'+86{prefix}{digits}')}")
    with served("wsgi:app", args.port, ["-w", str(args.workers)]):
        app_figures = lookup_served.wrk_latency(args.port, app_paths, args.seconds, args.connections, token)
    floor_target = "scripts.bench.lookup_served:floor_app()"
    with served(floor_target, args.port + 1, ["-w", str(args.workers)]):
        floor_figures = lookup_served.wrk_latency(args.port + 1, floor_paths, args.seconds, args.connections)
    return {
        "app": app_figures,
        "floor": floor_figures,
        "settings": f"gunicorn -w {args.workers} (sync)",
        "connections": args.connections,
    }


def _time_app(app, token, numbers, rnd):
    """Milliseconds per ``GET /api/v1/customers/lookup`` through the Flask app (test client, no network)."""
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    timings = []
    for warm_up in (True, False):
        for digits, prefix in numbers[:200] if warm_up else numbers:
            shown = rnd.choice(FORMATS).format(p=prefix, d=digits, d4a=digits[:4], d4b=digits[4:])
            started = time.perf_counter()
            response = client.get(f"/api/v1/customers/lookup?phone={quote(shown)}", headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            expected = 200 if prefix == HIT_PREFIX else 404
            if response.status_code != expected:
                raise SystemExit(f"lookup of {shown!r}: {response.status_code}, expected {expected}")
            if not warm_up:
                timings.append(elapsed)
    return timings


def _time_sql(numbers):
    """Milliseconds per bare indexed query (already in E.164) on the same database."""
    timings = []
    with db.engine.connect() as connection:
        for warm_up in (True, False):
            for digits, prefix in numbers[:200] if warm_up else numbers:
                started = time.perf_counter()
                connection.execute(SQL_LOOKUP, {"p": f"+86{prefix}{digits}"}).first()
                if not warm_up:
                    timings.append((time.perf_counter() - started) * 1000)
    return timings


def _percentile(values, share):
    return statistics.quantiles(values, n=100, method="inclusive")[share - 1]


def _report(n, app_ms, sql_ms, rate, served):
    app_p50, app_p99 = _percentile(app_ms, 50), _percentile(app_ms, 99)
    sql_p50, sql_p99 = _percentile(sql_ms, 50), _percentile(sql_ms, 99)
    app, floor = served["app"], served["floor"]
    print(f"in-process app lookup ({len(app_ms)} requests, test client): p50 {app_p50:.3f} ms, p99 {app_p99:.3f} ms")
    print(f"bare SQL query (same numbers, same database):        p50 {sql_p50:.3f} ms, p99 {sql_p99:.3f} ms")
    print(f"served, {served['settings']}, wrk -c{served['connections']}, hits and misses:")
    for name, figures in (("app (bearer token)", app), ("floor (Flask + psycopg)", floor)):
        print(
            f"  {name:24} {figures['requests']} requests ({figures['ok']} found, {figures['not_found']} not): "
            f"p50 {figures['p50_ms']:.3f} ms, p99 {figures['p99_ms']:.3f} ms"
        )
    print(f"ratio served app p50 / floor p50: {app['p50_ms'] / floor['p50_ms']:.2f}")
    print(
        json.dumps(
            {
                "n": n,
                "p50_ms": round(app["p50_ms"], 3),
                "p99_ms": round(app["p99_ms"], 3),
                "ratio_to_sql": round(app["p50_ms"] / sql_p50, 2),
                "import_rows_per_s": round(rate) if rate else None,
                "floor_p50_ms": round(floor["p50_ms"], 3),
                "floor_p99_ms": round(floor["p99_ms"], 3),
                "ratio_to_floor": round(app["p50_ms"] / floor["p50_ms"], 2),
                "inprocess_p50_ms": round(app_p50, 3),
                "inprocess_p99_ms": round(app_p99, 3),
                "sql_p50_ms": round(sql_p50, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
