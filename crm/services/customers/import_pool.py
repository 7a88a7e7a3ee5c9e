"""The customer import spread over worker processes (PostgreSQL, batches committed): both cores at work.

One process parses and checks a row in about as long as the database takes to store it, so a single
one leaves a core idle. Here the importing process only reads the file and hands out batches; each
worker (forked, with a database connection of its own) parses, compares and writes whole batches,
exactly as the single-process import does (``importer._ImportRun``), and commits each.

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

from crm.services.customers import import_file
from crm.services.customers.field_rules import account_no

# Batches handed out but not yet collected, per worker: enough to keep each busy, few enough to
# keep the file's memory bounded.
AHEAD_PER_WORKER = 2

_worker_run = None  # in a worker: the import run on the worker's own connection


def usable(connection, commits):
    """Whether the import may use worker processes: its batches are committed (a worker cannot see
    an uncommitted transaction), on PostgreSQL (SQLite has a single writer), where ``fork`` exists."""
    forks = "fork" in multiprocessing.get_all_start_methods()
    return commits and forks and connection.dialect.name == "postgresql"


def run(import_run, records, batch_size, progress, workers):
    """Import ``records`` in batches of ``batch_size`` over ``workers`` processes into ``import_run``'s report."""
    url = import_run.connection.engine.url.render_as_string(hide_password=False)
    records = iter(records)
    batches = iter(lambda: list(itertools.islice(records, batch_size)), [])
    first_lines = {}
    pending = collections.deque()
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_start_worker, initargs=(import_run, url)) as pool:
        for batch in batches:
            pending.append(pool.apply_async(_import_batch, (batch, _first_lines(batch, first_lines))))
            if len(pending) > AHEAD_PER_WORKER * workers:
                _add(import_run.report, pending.popleft().get(), progress)
        while pending:
            _add(import_run.report, pending.popleft().get(), progress)


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


def _start_worker(import_run, url):
    """In a new worker: a connection of its own (never the inherited one) for a copy of the run."""
    global _worker_run
    engine = create_engine(url, poolclass=NullPool)
    _worker_run = import_run.with_connection(engine.connect())


def _import_batch(batch, first_lines):
    """Parse, compare, write and commit one batch in this worker; (its report, records in it)."""
    run = _worker_run.with_connection(_worker_run.connection)
    run.first_line = first_lines
    run.write(run.compare(run.look_up(run.parse(batch))))
    return run.report, len(batch)
