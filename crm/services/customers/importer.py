"""Bulk customer import: CSV rows in, customers created or updated by account number (资金账号).

Rules an operator can rely on:
- ``account_no`` is the natural key: a row whose account exists updates that customer.
- A blank cell (or a column the file lacks) never erases: the customer keeps the value it has,
  a new customer gets the default. Phones are added, never removed.
- A bad row is reported with its line number and reason and skipped; every good row is kept.
- Re-importing an unchanged file writes nothing: no updated row, no new phone, no audit entry.
- Changes of audited fields (phones, e-mail, manager, status, VIP, labels, class) on existing
  customers get an audit entry with the evidence ``import <file name>`` (留痕).

Speed: rows go in batches (``crm.core.bulk`` writes each with a few set-at-a-time
statements). Per batch one query reads the existing customers and one their phones; the diff
is computed here, and only new or changed rows are written. Branches and staff are read once
per import, never per row. Batches are pipelined: while one batch is written (on the import's
connection, from a helper thread), the next is parsed and compared, so the database and Python
work at the same time; the connection itself is only ever used by one of them at a time. On
PostgreSQL the CLI's import (batches committed) goes further: worker processes each parse, compare
and write whole batches (``import_pool``), so that both cores work; same checks, same report.

Committed batch by batch (``commit_batches``, as the CLI imports): each batch is committed as soon as
it is written, so other writers of an embedded SQLite database (the web app) wait one batch, never
the whole file. A crashed or stopped import keeps the batches before; running it again finishes the
job, since the rows already imported are unchanged and write nothing.
"""

import contextlib
import functools
import itertools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import select

from crm.core import bulk, clock
from crm.errors import InvalidInput
from crm.models import AuditEntry, Branch, Customer, CustomerPhone, Staff
from crm.models.customers import LABEL_FIELDS
from crm.services.customers import classification, import_file, import_pool, records
from crm.services.customers.field_rules import cell_parsers
from crm.services.org import audit

CUSTOMERS = Customer.__table__
PHONES = CustomerPhone.__table__
AUDIT = AuditEntry.__table__

# What the import writes to a customer row, besides the timestamps.
CUSTOMER_COLUMNS = (
    "account_no",
    "name",
    "id_number",
    "email",
    "branch_id",
    "manager_id",
    "status",
    "assets",
    "turnover_rate",
    "last_trade_on",
    "birthday",
    "is_vip",
    "vip_since",
    "preferred_channel",
    *LABEL_FIELDS,
    "customer_class",
)
NEW_CUSTOMER = {
    **dict.fromkeys(CUSTOMER_COLUMNS),
    "status": "active",
    "assets": Decimal("0.00"),
    "turnover_rate": Decimal("0.0000"),
    "is_vip": False,
}
NEW_ROW_COLUMNS = (*CUSTOMER_COLUMNS, "created_at", "updated_at")
UPDATED_ON_CONFLICT = (*CUSTOMER_COLUMNS[1:], "updated_at")
# Customer column → audit field name: what ``crm.services.customers.records`` audits, plus the tolerance
# (set here from the brokerage's own records, elsewhere only by the questionnaire). Phones apart.
AUDITED = {
    **{name: name for name in (*records.AUDITED, "risk_tolerance", "customer_class")},
    "manager_id": "manager",
}
DEFAULT_BATCH_SIZE = 5000
# Columns whose cells repeat a few values across a file, and how many answers each remembers.
FEW_VALUES = frozenset(
    {"branch", "manager", "status", "turnover_rate", "last_trade_on", "birthday", "is_vip", "vip_since"}
    | {"preferred_channel", "risk_tolerance", "trading_habit", "value_segment", "decision_style"}
)
REMEMBERED_VALUES = 4096
# After writing this many rows the tables' statistics are refreshed: stale ones after a bulk load
# (estimates of thousands of rows per phone number) make PostgreSQL plan the screen pop badly.
ANALYZE_AFTER_ROWS = 10_000


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        return f"line {self.line}: {self.column}: {self.message}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def rows(self):
        return self.created + self.updated + self.unchanged + self.rejected


class _Member(NamedTuple):
    id: int
    job_no: str
    branch_id: int
    is_active: bool


class Lookups:
    """Branches and staff, read once per import so that no row costs a query. Plain data: a worker
    process gets a copy (``import_pool``)."""

    def __init__(self, session):
        self.branches = dict(session.execute(select(Branch.code, Branch.id)).all())
        staff = session.execute(select(Staff.id, Staff.job_no, Staff.branch_id, Staff.is_active)).all()
        self.staff = {member.job_no: member for member in map(_Member._make, staff)}
        self.job_no = {member.id: member.job_no for member in staff}
        self.branch_of = {member.id: member.branch_id for member in staff}

    def branch_id(self, code):
        if code not in self.branches:
            raise ValueError(f"no branch with code {code!r}")
        return self.branches[code]

    def manager_id(self, job_no):
        member = self.staff.get(job_no)
        if member is None or not member.is_active:
            raise ValueError(f"no active staff member with job number {job_no!r}")
        return member.id


def import_customers(
    session,
    records,
    *,
    source,
    default_branch=None,
    batch_size=DEFAULT_BATCH_SIZE,
    progress=None,
    commit_batches=False,
    workers=1,
):
    """Create or update customers from ``records`` (``(line, {column: cell})``, as
    ``crm.services.customers.import_file.read_csv`` yields).

    ``source`` names the file in audit evidence; ``default_branch`` (a branch code) fills blank
    branch cells; ``progress(n)`` is told after each batch how many records it held. Without
    ``commit_batches`` it writes in the session's transaction and never commits: the caller does;
    with it, on a connection of its own, committing each batch.

    ``workers`` > 1 (with ``commit_batches``, on PostgreSQL) spreads the batches over that many
    processes (``crm.services.customers.import_pool``); the results are the same.
    """
    setup = _Setup.read(session, source, default_branch)
    with _connection(session, commit_batches) as connection:
        run = _ImportRun(setup, connection, commit_batches)
        if workers > 1 and import_pool.usable(connection, commit_batches):
            import_pool.run(
                run, functools.partial(_ImportRun, setup, commits=True), records, batch_size, progress, workers
            )
            return _finish_import(run)
        return _import(run, records, batch_size, progress)


@contextlib.contextmanager
def _connection(session, own):
    """The session's connection (its transaction), or with ``own`` a connection of the import's own."""
    if not own:
        yield session.connection()
        return
    with session.get_bind().connect() as connection:
        yield connection


def _import(run, records, batch_size, progress):
    records = iter(records)
    batches = iter(lambda: list(itertools.islice(records, batch_size)), [])
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writer") as writer:
        writing = None
        ahead = run.look_up(run.parse(next(batches, [])))
        while ahead.records:
            writes = run.compare(ahead)
            parsed = run.parse(next(batches, []))
            _finish(writing, progress)
            # The next batch's existing rows are read before this batch is written; its accounts
            # are not in this batch (a repeated account is rejected), so none of them changes.
            ahead = run.look_up(parsed)
            writing = writer.submit(run.write, writes, clock.now())
        _finish(writing, progress)
    return _finish_import(run)


def _finish_import(run):
    """After the last batch: the planner's statistics refreshed after a big load; errors in line order."""
    if run.report.created + run.report.updated >= ANALYZE_AFTER_ROWS:
        run.bulk.analyze((CUSTOMERS, PHONES))
        run.commit()
    run.report.errors.sort(key=lambda error: error.line)
    return run.report


def _finish(writing, progress):
    """Wait for the batch being written (re-raising its error); tell ``progress`` its size."""
    if writing is not None:
        records = writing.result()
        if progress:
            progress(records)


@dataclass
class _Batch:
    records: int  # as read, rejected ones included
    rows: list  # (line, parsed values)
    existing: dict = field(default_factory=dict)  # account_no → customer columns
    phones: dict = field(default_factory=dict)  # customer id → [e164]


@dataclass(frozen=True)
class _Setup:
    """What an import's checks need besides its rows: plain data, so that worker processes get a copy."""

    lookups: Lookups
    evidence: str  # the audit entries' evidence, naming the file
    default_branch_id: int | None
    today: date  # for the customer class (dormancy)

    @classmethod
    def read(cls, session, source, default_branch):
        lookups = Lookups(session)
        if default_branch and default_branch not in lookups.branches:
            raise InvalidInput(f"No branch with code {default_branch!r}.", {"branch": ["Unknown branch."]})
        branch_id = lookups.branches[default_branch] if default_branch else None
        return cls(lookups, f"import {source}", branch_id, clock.local(clock.now()).date())


class _ImportRun:
    def __init__(self, setup, connection, commits):
        self.lookups = setup.lookups
        self.parsers = _remembering(cell_parsers(self.lookups.branch_id, self.lookups.manager_id))
        self.default_branch_id, self.evidence, self.today = setup.default_branch_id, setup.evidence, setup.today
        self.connection, self.commits = connection, commits
        self.bulk = bulk.for_connection(connection)
        self.report = ImportReport()
        self.first_line = {}  # account_no → line, to reject a second row for the same account

    def restart(self, first_lines):
        """A new report, for the next batch a worker process imports; ``first_lines`` holds the first line
        of the file of each of its accounts (the importing process reads the whole file, a worker a batch)."""
        self.report, self.first_line = ImportReport(), first_lines

    def parse(self, records):
        rows = [row for row in (self._parse(line, cells) for line, cells in records) if row]
        return _Batch(len(records), rows)

    def compare(self, batch):
        writes = _Writes(batch.records)
        for line, values in batch.rows:
            old = batch.existing.get(values["account_no"])
            merged = self._merge(line, values, old)
            if merged is not None:
                self._diff(merged, old, values.get("phones", ()), batch.phones, writes)
        return writes

    def _parse(self, line, cells):
        """The row's non-blank cells parsed, or None (errors reported) if any is bad."""
        problems = cells.pop(import_file.PROBLEMS, None)
        if problems:
            return self._reject([RowError(line, column, reason) for column, reason in problems])
        values, errors = {}, []
        for column, raw in cells.items():
            raw = raw.strip()
            if not raw:
                continue
            target, parse = self.parsers[column]
            try:
                values[target] = parse(raw)
            except ValueError as error:
                errors.append(RowError(line, column, str(error)))
        account = values.get("account_no")
        if account is None and not any(e.column == "account_no" for e in errors):
            errors.append(RowError(line, "account_no", "required"))
        elif account is not None and (first := self.first_line.setdefault(account, line)) != line:
            errors.append(RowError(line, "account_no", f"{account!r} is already on line {first}"))
        if self.default_branch_id and "branch_id" not in values:
            values["branch_id"] = self.default_branch_id
        if errors:
            return self._reject(errors)
        return line, values

    def _reject(self, errors):
        """Skip the row: count it and keep its reasons. Returns None, the rejected row."""
        self.report.rejected += 1
        self.report.errors.extend(errors)

    def look_up(self, batch):
        """Fill in the batch's existing customers (by account number) and their phones."""
        if not batch.rows:
            return batch
        columns = [CUSTOMERS.c.id, *(CUSTOMERS.c[name] for name in CUSTOMER_COLUMNS)]
        accounts = [values["account_no"] for _, values in batch.rows]
        rows = self.bulk.select_in(columns, CUSTOMERS.c.account_no, accounts)
        batch.existing = {row["account_no"]: dict(row) for row in rows}
        if batch.existing:
            ids = [row["id"] for row in batch.existing.values()]
            rows = self.bulk.select_in((PHONES.c.id, PHONES.c.customer_id, PHONES.c.e164), PHONES.c.customer_id, ids)
            for row in sorted(rows, key=lambda row: row["id"]):
                batch.phones.setdefault(row["customer_id"], []).append(row["e164"])
        return batch

    def _merge(self, line, values, old):
        """The customer as it will be: the file's values over the existing (or default) ones, classified."""
        merged = {**(old or NEW_CUSTOMER), **values}
        merged.pop("phones", None)
        errors = []
        if old is None:
            missing = [column for column, name in (("name", "name"), ("branch", "branch_id")) if not merged[name]]
            errors += [RowError(line, column, "required for a new customer") for column in missing]
        manager = merged["manager_id"]
        if manager is not None and merged["branch_id"] and self.lookups.branch_of[manager] != merged["branch_id"]:
            errors.append(RowError(line, "manager", f"{self.lookups.job_no[manager]!r} works in another branch"))
        if errors:
            return self._reject(errors)
        merged["customer_class"] = classification.classify(
            merged["assets"], merged["turnover_rate"], merged["last_trade_on"], self.today
        )
        return merged

    def _diff(self, merged, old, phones, old_phones, writes):
        if old is None:
            writes.created.append(merged)
            writes.phones += [(merged["account_no"], e164) for e164 in phones]
            self.report.created += 1
            return
        known = old_phones.get(old["id"], [])
        added = [e164 for e164 in phones if e164 not in known]
        changed = [name for name in CUSTOMER_COLUMNS if merged[name] != old[name]]
        if not changed and not added:
            self.report.unchanged += 1
            return
        writes.phones += [(merged["account_no"], e164) for e164 in added]
        writes.changed.append({**merged, "id": old["id"]})
        self.report.updated += 1
        for name in changed:
            if name in AUDITED:
                writes.audit(old["id"], AUDITED[name], self._shown(name, old[name]), self._shown(name, merged[name]))
        if added:
            writes.audit(old["id"], "phones", ", ".join(known) or None, ", ".join(known + added))

    def _shown(self, column, value):
        """An audited value as a person reads it: the manager's job number rather than a row id."""
        if column == "manager_id" and value is not None:
            return self.lookups.job_no[value]
        return value

    def write(self, writes, at):
        """Write one compared batch, stamped ``at`` (and commit it, on the import's own connection);
        returns how many records it held.

        New customers and phones are inserted plainly (the fast path: COPY on PostgreSQL); changed
        customers upserted by account number.

        A row another session inserted meanwhile makes the insert fail and the import roll back:
        run it again, it then updates that row.
        """
        ids = {row["account_no"]: row["id"] for row in writes.changed}
        if writes.created:
            rows = [(*map(row.__getitem__, CUSTOMER_COLUMNS), at, at) for row in writes.created]
            ids.update(self.bulk.insert_new(CUSTOMERS, NEW_ROW_COLUMNS, rows, key="account_no"))
        if writes.changed:
            rows = [
                {**{name: row[name] for name in CUSTOMER_COLUMNS}, "created_at": at, "updated_at": at}
                for row in writes.changed
            ]
            self.bulk.upsert(CUSTOMERS, rows, "account_no", UPDATED_ON_CONFLICT)
        if writes.phones:
            phones = [(ids[account], e164, "mobile") for account, e164 in writes.phones]
            self.bulk.insert_new(PHONES, ("customer_id", "e164", "label"), phones)
        if writes.audit_rows:
            entries = [{**entry, "at": at, "actor_id": None, "evidence": self.evidence} for entry in writes.audit_rows]
            self.bulk.insert(AUDIT, entries)
        self.commit()
        return writes.records

    def commit(self):
        """Commit what is written so far when the import has a connection of its own."""
        if self.commits:
            self.connection.commit()


def _remembering(parsers):
    """``parsers`` with those of columns that hold few distinct values (branch codes, dates, choices)
    remembering their answers: a million rows repeat them, and the parsers are pure for an import's
    lookups. A bad value is parsed again each time, to report it each time."""
    return {
        column: (target, functools.lru_cache(maxsize=REMEMBERED_VALUES)(parse) if column in FEW_VALUES else parse)
        for column, (target, parse) in parsers.items()
    }


class _Writes:
    """What one batch will write: customer rows, phones to add per account, audit entries."""

    def __init__(self, records):
        self.records = records
        self.created = []
        self.changed = []
        self.phones = []  # (account_no, e164)
        self.audit_rows = []

    def audit(self, customer_id, name, old, new):
        self.audit_rows.append(
            {
                "customer_id": customer_id,
                "field": name,
                "old_value": audit.as_text(old),
                "new_value": audit.as_text(new),
            }
        )
