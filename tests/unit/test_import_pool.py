"""The import over worker processes (PostgreSQL) gives exactly what the single-process import gives:
the same report (counts, errors with line numbers, repeated accounts across batches), the same rows,
stamps, phones and audit entries, and a re-import that changes nothing; and its workers, started from
a process with threads, never inherit a lock one of those threads holds."""

import functools
import io
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select

from crm.core import phones
from crm.models import AuditEntry, Customer, CustomerPhone
from crm.services.customers import import_pool, importer
from crm.services.customers.import_file import read_csv
from crm.services.customers.importer import import_customers

START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)

HEADER = "account_no,name,phones,branch,manager,assets,turnover_rate,status\n"


def first_file(branch, agent, other_agent):
    rows = [
        f"P{n:03d},客户{n},1380013{n:04d};1390013{n:04d},{branch.code},,{n * 1000},{n % 5},active" for n in range(20)
    ]
    rows[3] = f"P003,客户3,123,{branch.code},,100,1,active"  # bad phone
    rows[7] = f"P007,客户7,13800130007,{branch.code},,lots,1,frozen"  # two bad cells
    rows[9] = "P002,重复,13800130099,,,,,"  # repeats line 4 (another batch)
    rows[11] = f"P011,客户11,13800130011,{branch.code},{other_agent.job_no},5,1,active"  # manager elsewhere
    rows[12] = ",没有账号,13800130012,,,,,"
    rows[14] = f"P014,客户14,13800130014,{branch.code},{agent.job_no},5,1,active"
    rows.append("P019,又重复,,,,,,")  # repeats the last row of the batch before
    return HEADER + "\n".join(rows) + "\n"


def second_file(text, agent):
    lines = text.splitlines()
    lines[2] = lines[2].replace("客户1,", "改名,")  # P001 renamed
    lines[6] = lines[6].replace(",active", ",closed")  # P005 closed
    lines[16] = lines[16].replace(";", ";13700130015;")  # P015 gets a phone
    lines[15] = lines[15].replace(f",{agent.job_no},", ",,")  # P014: a blank cell keeps the manager
    return "\n".join(lines) + "\n"


def run(db, text, workers):
    report = import_customers(
        db.session, read_csv(io.StringIO(text)), source="c.csv", batch_size=3, commit_batches=True, workers=workers
    )
    db.session.commit()
    return (report.created, report.updated, report.unchanged, report.rejected, [str(e) for e in report.errors])


def state(db):
    db.session.expire_all()
    columns = [c for c in Customer.__table__.c if c.name != "id"]
    customers = sorted(tuple(row) for row in db.session.execute(select(*columns)))
    phones = sorted(
        db.session.execute(select(Customer.account_no, CustomerPhone.e164).join(CustomerPhone.customer)).all()
    )
    audit = sorted(
        db.session.execute(
            select(
                Customer.account_no, AuditEntry.field, AuditEntry.old_value, AuditEntry.new_value, AuditEntry.evidence
            ).join(Customer, Customer.id == AuditEntry.customer_id)
        ).all()
    )
    return customers, phones, audit


def history(db, clock, texts, workers):
    """Reports and database state after importing ``texts`` in turn (an hour apart from ``START``), then
    forgetting them."""
    clock.set(START)
    results = []
    for text in texts:
        results.append((run(db, text, workers), state(db)))
        clock.advance(timedelta(hours=1))
    for model in (AuditEntry, CustomerPhone, Customer):
        db.session.execute(delete(model))
    db.session.commit()
    return results


def test_workers_import_exactly_what_one_process_imports(db, clock, branch, agent, make):
    other_agent = make.staff(role="agent", branch=make.branch())
    first = first_file(branch, agent, other_agent)
    second = second_file(first, agent)

    alone = history(db, clock, [first, second, second], workers=1)
    pooled = history(db, clock, [first, second, second], workers=2)

    assert pooled == alone
    (created, updated, unchanged, rejected, errors), _ = alone[0]
    assert (created, updated, unchanged, rejected) == (15, 0, 0, 6)
    assert errors == [
        "line 5: phones: number 1 is not a valid phone number",
        "line 9: assets: 'lots' is not a number",
        "line 9: status: 'frozen' is not one of prospect, active, closed",
        "line 11: account_no: 'P002' is already on line 4",
        "line 13: manager: " + repr(other_agent.job_no) + " works in another branch",
        "line 14: account_no: required",
        "line 22: account_no: 'P019' is already on line 21",
    ]
    assert alone[1][0][:3] == (0, 3, 12)  # renamed, closed, a new phone; a blank manager cell changes nothing
    assert alone[2][0][:3] == (0, 0, 15) and alone[2][1] == alone[1][1]  # the re-import changes nothing


def test_workers_normalise_phones_in_the_region_the_app_set(db, clock, branch, monkeypatch):
    monkeypatch.setattr(phones, "_DEFAULT_REGION", "US")
    text = HEADER + "".join(f"U{n},客户{n},(650) 253-{n:04d},{branch.code},,,,\n" for n in range(6))

    alone = history(db, clock, [text], workers=1)
    pooled = history(db, clock, [text], workers=2)

    assert pooled == alone
    assert alone[0][1][1][0] == ("U0", "+16502530000")


@pytest.mark.postgres
def test_on_postgresql_an_import_committing_batches_uses_the_workers(db):
    assert import_pool.usable(db.session.connection(), True)
    assert not import_pool.usable(db.session.connection(), False)


# Held by a thread of the test process while the workers start: a worker forked from this process
# would get it held, by nobody, and fail to take it; a spawned worker has its own, free.
HELD = threading.Lock()


class RunTakingTheHeldLock(importer._ImportRun):
    """A worker's import run that first takes ``HELD``, or fails the import."""

    def __init__(self, setup, connection):
        if not HELD.acquire(timeout=10):
            raise RuntimeError("the worker started with a lock another thread of the importing process held")
        super().__init__(setup, connection, commits=True)


@pytest.mark.postgres
def test_workers_started_while_another_thread_holds_a_lock_import_the_file(db, clock, branch):
    text = HEADER + "".join(f"T{n},客户{n},1380013{n:04d},{branch.code},,,,\n" for n in range(8))
    setup = importer._Setup.read(db.session, "t.csv", None)
    taken, done = threading.Event(), threading.Event()

    def hold():
        with HELD:
            taken.set()
            done.wait()

    holder = threading.Thread(target=hold)
    holder.start()
    taken.wait()
    try:
        with db.engine.connect() as connection:
            run = importer._ImportRun(setup, connection, commits=True)
            new_run = functools.partial(RunTakingTheHeldLock, setup)
            import_pool.run(run, new_run, read_csv(io.StringIO(text)), 3, None, workers=2)
    finally:
        done.set()
        holder.join()

    assert (run.report.created, run.report.rejected) == (8, 0)
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 8
