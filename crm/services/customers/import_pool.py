"""The customer import spread over worker processes (PostgreSQL, batches committed): both cores at work.

One process parses and checks a row in about as long as the database takes to store it, so a single
one leaves a core idle. Here the importing process only reads the file and hands out batches; each
worker (with a database connection of its own) parses, compares and writes whole batches, exactly as
the single-process import does (``importer._ImportRun``), and commits each.

Workers are *spawned*: each is a fresh interpreter, never a fork of the importing process. That
process may have threads (the CLI's pipelined writer, pytest, gunicorn's threads, the embedded RQ
worker), and a fork copies their locks as they are, held ones included: a forked worker then waits
forever on a lock nobody will release. A spawned worker inherits nothing, so it is given what it
needs: the database URL, the import's setup (lookups, options, today's date), the settings the app
installed in this process (phone region, class rules), and with each batch the time of this
process's clock (one clock). A script that imports with workers needs Python's usual
``if __name__ == "__main__":`` guard, as a spawned worker imports the script's module first.

What needs the whole file is decided in the importing process, before a batch is handed out: which
line first holds each account number. A worker is told, for its batch's accounts, that line, so a
repeated account is rejected with the same message whichever worker holds either row. Since no
two batches hold the same (accepted) account, workers never write the same customer, and a batch
may be compared before an earlier one is committed, as in the pipelined single-process import.

Results come back in batch order; their counts and errors are added to the import's report. A
failed batch stops the import with its error; the batches committed before it stay, as when the
single-process import stops (running it again finishes the job).
"""

import collections
import itertools
import multiprocessing

from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from crm.core import clock, phones
from crm.services.customers import classification, import_file
from crm.services.customers.field_rules import account_no

# Batches handed out but not yet collected, per worker: enough to keep each busy, few enough to
# keep the file's memory bounded.
AHEAD_PER_WORKER = 2
# How workers start: a new interpreter, safe from a process with threads (see above).
START_METHOD = "spawn"

_worker = {}  # in a worker: its URL and run maker, then its run (on a connection of its own)


def usable(connection, commits):
    """Whether the import may use worker processes: its batches are committed (a worker cannot see
    an uncommitted transaction), on PostgreSQL (SQLite has a single writer)."""
    return commits and connection.dialect.name == "postgresql"


def run(import_run, new_run, records, batch_size, progress, workers):
    """Import ``records`` in batches of ``batch_size`` over ``workers`` processes into ``import_run``'s
    report; ``new_run(connection)`` (picklable) makes a worker's run."""
    url = import_run.connection.engine.url.render_as_string(hide_password=False)
    records = iter(records)
    batches = iter(lambda: list(itertools.islice(records, batch_size)), [])
    first_lines = {}
    pending = collections.deque()
    context = multiprocessing.get_context(START_METHOD)
    with context.Pool(workers, initializer=_start_worker, initargs=(url, new_run, _settings())) as pool:
        for batch in batches:
            task = (batch, _first_lines(batch, first_lines), clock.now())
            pending.append(pool.apply_async(_import_batch, task))
            if len(pending) > AHEAD_PER_WORKER * workers:
                _add(import_run.report, pending.popleft().get(), progress)
        while pending:
            _add(import_run.report, pending.popleft().get(), progress)


def _settings():
    """What the app installed in this process at start-up that a row's checks read."""
    rules = classification.rules()
    return phones.default_region(), (rules.tier_bounds, rules.turnover_threshold, rules.dormant_months)


def _first_lines(batch, first_lines):
    """For each account number of ``batch``: the first line of the file holding it (recorded in
    ``first_lines`` across batches). The account of a row is what the worker will parse: a valid
    account number cell of a record without problems."""
    lines = {}
    for line, cells in batch:
        if import_file.PROBLEMS in cells:
            continue
        raw = (cells.get("account_no") or "").strip()
        try:
            account = account_no(raw) if raw else None
        except ValueError:
            continue
        if account is not None:
            lines[account] = first_lines.setdefault(account, line)
    return lines


def _add(report, result, progress):
    part, records = result
    report.created += part.created
    report.updated += part.updated
    report.unchanged += part.unchanged
    report.rejected += part.rejected
    report.errors += part.errors
    if progress:
        progress(records)


def _start_worker(url, new_run, settings):
    """In a new worker: the importing process's settings, and what makes its run. Nothing here may
    fail: a worker that fails to start is replaced, again and again, and the import would wait
    forever. The connection is opened with the first batch, whose error then stops the import."""
    region, rules = settings
    phones.set_default_region(region)
    classification.configure(*rules)
    _worker.update(url=url, new_run=new_run)


def _import_batch(batch, first_lines, at):
    """Parse, compare, write (stamped ``at``) and commit one batch in this worker; (its report, records in it)."""
    if "run" not in _worker:
        _worker["run"] = _worker["new_run"](create_engine(_worker["url"], poolclass=NullPool).connect())
    run = _worker["run"]
    run.restart(first_lines)
    run.write(run.compare(run.look_up(run.parse(batch))), at)
    return run.report, len(batch)
