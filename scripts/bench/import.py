"""CSV import benchmark (issue 13, item 3): N synthetic rows through ``kefu import-customers``'s code path.

Writes N rows to a CSV file (the same rows as ``scripts/bench/lookup.py``), then in one run:
- the floor: PostgreSQL ``COPY … FROM STDIN (FORMAT csv)`` of the same file into a bare table (no checks,
  no indexes; skipped on SQLite);
- the import, as the CLI runs it (``decoded_lines`` → ``read_csv`` → ``import_customers`` committing batches,
  ``KEFU_IMPORT_WORKERS`` worker processes or ``--workers``);
- the same file again, which must change nothing (idempotent re-import);
- the indexed floor: the rows the import stored (customers and their phones, read back untimed) COPYed in
  binary into tables with the same columns, defaults, checks, indexes and foreign keys (a phone's to the
  customers' twin).
The last line is JSON: {"rows", "import_rows_per_s", "floor_rows_per_s", "ratio_to_floor",
"reimport_rows_per_s", "reimport_changed", "rejected", "workers", "floor_indexed_rows_per_s",
"ratio_to_indexed_floor"}.

    .venv/bin/python scripts/create_test_database.py postgresql+psycopg://postgres@127.0.0.1:5432/kefu_bench
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/kefu_bench \\
        .venv/bin/python scripts/bench/import.py --n 1000000 --reset

Use a database of its own: ``--reset`` drops every table first.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from flask import current_app  # noqa: E402
from flask_migrate import downgrade, upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402

from crm import create_app  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.models import Branch  # noqa: E402
from crm.services.customers import import_file, importer  # noqa: E402
from crm.services.org import organisation  # noqa: E402
from scripts.bench.lookup import BRANCH, write_csv  # noqa: E402
from scripts.bench.throwaway_secrets import use_throwaway_secrets  # noqa: E402

# The floor's bare table: the file's columns, typed, no constraint.
BARE_TABLE = (
    "CREATE TEMP TABLE bench_import_floor (account_no text, name text, phones text, branch text, assets numeric, "
    "turnover_rate numeric, last_trade_on date, is_vip int, trading_habit text)"
)

# Tables the import writes → their twins for the indexed floor.
INDEXED_TWINS = {"customers": "bench_floor_customers", "customer_phones": "bench_floor_customer_phones"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="rows to import (default 1000000)")
    parser.add_argument("--reset", action="store_true", help="drop every table first (a dedicated database!)")
    parser.add_argument("--workers", type=int, help="worker processes (default: KEFU_IMPORT_WORKERS)")
    args = parser.parse_args()
    use_throwaway_secrets()
    app = create_app()
    if args.workers:
        app.config["IMPORT_WORKERS"] = args.workers
    with app.app_context():
        if args.reset:
            downgrade(revision="base")
        upgrade()
        if not db.session.scalar(select(Branch).where(Branch.code == BRANCH)):
            organisation.create_branch(db.session, code=BRANCH, name="基准测试营业部")
            db.session.commit()
        with tempfile.NamedTemporaryFile("w", suffix=".csv", encoding="utf-8", newline="", delete=False) as stream:
            write_csv(stream, args.n)
        path = Path(stream.name)
        try:
            floor = _floor(path, args.n)
            rate, report = _import(path, args.n)
            again, second = _import(path, args.n)
            indexed = _indexed_floor(args.n)
        finally:
            path.unlink()
        workers = current_app.config["IMPORT_WORKERS"]
    changed = second.created + second.updated
    figures = {
        "rows": args.n,
        "import_rows_per_s": round(rate),
        "floor_rows_per_s": round(floor) if floor else None,
        "ratio_to_floor": round(rate / floor, 3) if floor else None,
        "reimport_rows_per_s": round(again),
        "reimport_changed": changed,
        "rejected": report.rejected,
        "workers": workers,
        "floor_indexed_rows_per_s": round(indexed) if indexed else None,
        "ratio_to_indexed_floor": round(rate / indexed, 3) if indexed else None,
    }
    print(json.dumps(figures))


def _floor(path, n):
    """Rows/s of a bare PostgreSQL COPY of the file (None on SQLite)."""
    if db.engine.dialect.name != "postgresql":
        return None
    with db.engine.connect() as connection:
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor:
            cursor.execute(BARE_TABLE)
            started = time.perf_counter()
            with path.open("rb") as raw, cursor.copy("COPY bench_import_floor FROM STDIN (FORMAT csv, HEADER)") as copy:
                for chunk in iter(lambda: raw.read(1 << 20), b""):
                    copy.write(chunk)
            driver.commit()
            seconds = time.perf_counter() - started
    print(f"floor: COPY of {n} rows into a bare table in {seconds:.2f} s = {n / seconds:,.0f} rows/s")
    return n / seconds


def _indexed_floor(n):
    """Rows/s of binary COPYs of the stored customers and phones into twins of their tables (None on SQLite)."""
    if db.engine.dialect.name != "postgresql":
        return None
    with db.engine.connect() as connection:
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor:
            data = {table: _copied_out(cursor, table) for table in INDEXED_TWINS}
            for twin in reversed(INDEXED_TWINS.values()):
                cursor.execute(f"DROP TABLE IF EXISTS {twin}")
            for table, twin in INDEXED_TWINS.items():
                cursor.execute(f"CREATE TABLE {twin} (LIKE {table} INCLUDING ALL)")
                for foreign_key in _foreign_keys(cursor, table):
                    cursor.execute(f"ALTER TABLE {twin} ADD {foreign_key}")
            driver.commit()
            started = time.perf_counter()
            for table, twin in INDEXED_TWINS.items():
                with cursor.copy(f"COPY {twin} FROM STDIN (FORMAT binary)") as copy:
                    for chunk in data[table]:
                        copy.write(chunk)
            driver.commit()
            seconds = time.perf_counter() - started
            for twin in reversed(INDEXED_TWINS.values()):
                cursor.execute(f"DROP TABLE {twin}")
            driver.commit()
    print(
        f"indexed floor: COPY of {n} rows (customers, phones) into indexed twins in {seconds:.2f} s = "
        f"{n / seconds:,.0f} rows/s"
    )
    return n / seconds


def _foreign_keys(cursor, table):
    """``table``'s foreign keys as ``ADD`` clauses, a reference to a twinned table pointing at its twin: the
    import's rows are checked against them, so the floor's are too (a check the import cannot skip)."""
    cursor.execute(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
        (table,),
    )
    clauses = [definition for (definition,) in cursor.fetchall()]
    for original, twin in INDEXED_TWINS.items():
        clauses = [clause.replace(f"REFERENCES {original}(", f"REFERENCES {twin}(") for clause in clauses]
    return clauses


def _copied_out(cursor, table):
    with cursor.copy(f"COPY {table} TO STDOUT (FORMAT binary)") as copy:
        return [bytes(chunk) for chunk in copy]


def _import(path, n):
    """Import the file as ``kefu import-customers`` does; (rows/s, report)."""
    started = time.perf_counter()
    with path.open("rb") as raw:
        report = importer.import_customers(
            db.session,
            import_file.read_csv(import_file.decoded_lines(raw, "utf-8-sig")),
            source=path.name,
            batch_size=current_app.config["IMPORT_BATCH_SIZE"],
            commit_batches=True,
            workers=current_app.config["IMPORT_WORKERS"],
        )
    db.session.commit()
    seconds = time.perf_counter() - started
    counts = f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged"
    print(f"import: {n} rows in {seconds:.1f} s = {n / seconds:,.0f} rows/s ({counts}, {report.rejected} rejected)")
    return n / seconds, report


if __name__ == "__main__":
    main()
