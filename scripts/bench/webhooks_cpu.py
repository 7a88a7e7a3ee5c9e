"""The web process's CPU per webhook request, in process (issue 13 item 1): no server, no client, no load.

Prepares the configured database as ``webhooks.py`` does, then calls the app's WSGI callable directly
with the requests ``webhooks.py`` sends — ``POST /twilio/voice/incoming`` and a survey answer, each
signed with ``RequestValidator`` and with its own CallSid (and survey run) — built before the clock
starts. After ``--warmup`` requests per endpoint it times ``--rounds`` rounds of ``--count`` requests
per endpoint with ``time.process_time`` (this process's CPU; PostgreSQL's is not in it) and prints the
CPU ms per request of each round, their median and their least. Every answer must be 200 with a ``<Gather>``.
``--profile`` instead runs one round of each endpoint under cProfile and prints the top functions.

    .venv/bin/python scripts/create_test_database.py postgresql+psycopg://postgres@127.0.0.1:5432/kefu_bench_wh
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/kefu_bench_wh REDIS_URL=redis://127.0.0.1:6379/0 \\
      .venv/bin/python scripts/bench/webhooks_cpu.py

Last line JSON: ``{"incoming_cpu_ms", "survey_answer_cpu_ms", "incoming_cpu_ms_min",
"survey_answer_cpu_ms_min", "rounds", "count"}`` (medians, then least rounds).
"""

import argparse
import cProfile
import json
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from twilio.request_validator import RequestValidator  # noqa: E402
from werkzeug.test import EnvironBuilder  # noqa: E402

from scripts.bench.webhooks import _targets, prepared_app  # noqa: E402

BASE = "http://localhost"


def main():
    args = _arguments()
    app, run_ids = prepared_app(args.warmup + args.rounds * args.count)
    with app.app_context():
        targets = _targets(run_ids)
    validator = RequestValidator(app.config["TWILIO_AUTH_TOKEN"])
    figures = {}
    for name, make in targets.items():
        for environ in _environs(make(args.warmup), validator):
            _call(app, environ)
        rounds = [_environs(make(args.count), validator) for _ in range(1 if args.profile else args.rounds)]
        if args.profile:
            _profile(app, name, rounds[0], args.profile)
            continue
        figures[name] = [_cpu_ms(app, environs) for environs in rounds]
        print(f"{name:14} CPU ms per request: {' '.join(f'{ms:.2f}' for ms in figures[name])}")
    if not args.profile:
        medians = {f"{name}_cpu_ms": round(statistics.median(ms), 2) for name, ms in figures.items()}
        # The least round too: on a shared machine other work only ever adds to a round's CPU time.
        least = {f"{name}_cpu_ms_min": round(min(ms), 2) for name, ms in figures.items()}
        print(json.dumps({**medians, **least, "rounds": args.rounds, "count": args.count}))


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200, help="requests per endpoint per round (default 200)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per endpoint (default 5)")
    parser.add_argument("--warmup", type=int, default=100, help="unmeasured requests per endpoint first")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="profile instead; print the top N")
    return parser.parse_args()


def _environs(requests, validator):
    """A WSGI environ per (path, params), signed as Twilio signs a POST to ``BASE`` + path."""
    environs = []
    for path, params in requests:
        signature = validator.compute_signature(BASE + path, params)
        builder = EnvironBuilder(
            path=path.split("?")[0],
            base_url=BASE,
            query_string=path.partition("?")[2],
            method="POST",
            data=urlencode(params),
            content_type="application/x-www-form-urlencoded",
            headers={"X-Twilio-Signature": signature},
        )
        environs.append(builder.get_environ())
    return environs


def _call(app, environ):
    status = []
    body = b"".join(app(environ, lambda code, headers: status.append(code)))
    if status != ["200 OK"] or b"<Gather" not in body:
        raise SystemExit(f"{environ['PATH_INFO']}: {status} {body[:300]!r}")


def _cpu_ms(app, environs):
    started = time.process_time()
    for environ in environs:
        _call(app, environ)
    return (time.process_time() - started) * 1000 / len(environs)


def _profile(app, name, environs, top):
    profiler = cProfile.Profile(time.process_time)  # CPU, not the waits for PostgreSQL
    profiler.enable()
    for environ in environs:
        _call(app, environ)
    profiler.disable()
    print(f"--- {name}: {len(environs)} requests")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


if __name__ == "__main__":
    main()
