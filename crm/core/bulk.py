"""Set-at-a-time writes for bulk jobs (the customer import), one statement per batch on each database.

PostgreSQL: a batch is COPYed into a temporary staging table and moved with one
``INSERT … SELECT … ON CONFLICT``; rows that must be new are COPYed straight into their table
(``insert_new``, binary format); keys are sent as one array (``= ANY``). Neither SQLAlchemy
nor the driver handles thousands of placeholders, and COPY is the server's fastest way in.
SQLite: a plain ``executemany`` and ``IN`` list, which it runs in-process at full speed.
"""

import functools

from sqlalchemy import column, delete, select, table, text
from sqlalchemy.dialects import postgresql, sqlite


def insert_or_skip(session, model, keys, returning):
    """``INSERT INTO model … ON CONFLICT (keys) DO NOTHING RETURNING returning`` in ``session``'s dialect:
    a row that exists already is skipped by its unique ``keys``, in one statement, without a look-up first.

    ``model`` may be a Core table (a hot path's row written without the ORM's bulk machinery). The
    statement is built once and kept: ``.values()`` makes a new one, or pass the row as parameters."""
    return _insert_or_skip(session.get_bind().dialect.name, model, tuple(keys), returning)


@functools.cache
def _insert_or_skip(dialect, model, keys, returning):
    return _INSERTS[dialect](model).on_conflict_do_nothing(index_elements=list(keys)).returning(returning)


def delete_in_batches(session, model, condition, order_by, batch_size):
    """Delete the rows of ``model`` matching ``condition``, ``batch_size`` at a time in ``order_by`` order,
    committing each batch (a long purge never holds one big transaction); how many were deleted."""
    deleted = 0
    while True:
        batch = select(model.id).where(condition).order_by(order_by).limit(batch_size).scalar_subquery()
        stmt = delete(model).where(model.id.in_(batch)).execution_options(synchronize_session=False)
        count = session.execute(stmt).rowcount
        session.commit()
        deleted += count
        if count < batch_size:
            return deleted


def for_connection(connection):
    """The bulk writer for a SQLAlchemy ``Connection`` (e.g. ``session.connection()``: its transaction)."""
    return _WRITERS[connection.dialect.name](connection)


class _SqliteWriter:
    dialect_insert = staticmethod(sqlite.insert)

    def __init__(self, connection):
        self.connection = connection

    def select_in(self, columns, key, values):
        """``SELECT columns … WHERE key IN values`` as mappings."""
        return self.connection.execute(select(*columns).where(key.in_(values))).mappings().all()

    def insert(self, table, rows, returning=()):
        """Insert ``rows`` (dicts with the same keys); the ``returning`` columns of each, if any are named."""
        stmt = self.dialect_insert(table)
        if not returning:
            self.connection.execute(stmt, rows)
            return []
        return self.connection.execute(stmt.returning(*returning), rows).all()

    def insert_new(self, table, names, rows, key=None):
        """Insert new ``rows`` (tuples of the ``names`` columns); with ``key`` (a column among ``names``),
        return ``{key value: id}`` of the rows inserted."""
        stmt = self.dialect_insert(table)
        values = [dict(zip(names, row, strict=True)) for row in rows]
        if key is None:
            self.connection.execute(stmt, values)
            return {}
        return dict(self.connection.execute(stmt.returning(table.c[key], table.c.id), values).all())

    def analyze(self, tables):
        """Refresh the planner's statistics after a big load, so the very next queries get good plans."""
        for target in tables:
            self.connection.execute(text(f"ANALYZE {target.name}"))

    def upsert(self, table, rows, key, update):
        """Insert ``rows``; on a ``key`` clash set the ``update`` columns of the existing row instead."""
        stmt = self.dialect_insert(table)
        self.connection.execute(stmt.on_conflict_do_update(index_elements=[key], set_=_excluded(stmt, update)), rows)


class _PostgresWriter(_SqliteWriter):
    dialect_insert = staticmethod(postgresql.insert)

    def select_in(self, columns, key, values):
        """As dicts, read with the driver's own cursor: SQLAlchemy's rows cost more than the query on
        an import's thousands of existing customers; the values are the driver's either way."""
        names = [column.name for column in columns]
        sql = f"SELECT {', '.join(names)} FROM {key.table.name} WHERE {key.name} = ANY(%s::{_binary_type(key)}[])"
        with self.connection.connection.driver_connection.cursor() as cursor:
            cursor.execute(sql, (list(values),))
            return [dict(zip(names, row, strict=True)) for row in cursor]

    def insert(self, table, rows, returning=()):
        stmt = self.dialect_insert(table).from_select(list(rows[0]), self._staged(table, rows))
        return self.connection.execute(stmt.returning(*returning)).all() if returning else self.connection.execute(stmt)

    def insert_new(self, table, names, rows, key=None):
        """COPY straight into ``table``, no staging: rows that must be new need no ``ON CONFLICT`` (a clash
        fails the COPY, as it fails an ``INSERT``). With ``key``, their ids are taken from the table's
        sequence first, in one round trip, rather than returned."""
        result = {}
        if key is not None:
            ids = self.connection.execute(_NEXT_IDS, {"table": table.name, "n": len(rows)}).scalars().all()
            at = names.index(key)
            result = {row[at]: id_ for row, id_ in zip(rows, ids, strict=True)}
            names, rows = ("id", *names), [(id_, *row) for id_, row in zip(ids, rows, strict=True)]
        driver = self.connection.connection.driver_connection
        sql = f"COPY {table.name} ({', '.join(names)}) FROM STDIN (FORMAT BINARY)"
        with driver.cursor() as cursor, cursor.copy(sql) as copy:
            copy.set_types([_binary_type(table.c[name]) for name in names])
            for row in rows:
                copy.write_row(row)
        return result

    def upsert(self, table, rows, key, update):
        stmt = self.dialect_insert(table).from_select(list(rows[0]), self._staged(table, rows))
        self.connection.execute(stmt.on_conflict_do_update(index_elements=[key], set_=_excluded(stmt, update)))

    def _staged(self, target, rows):
        """``SELECT …`` of ``rows`` COPYed into a temporary table shaped like ``target`` (dropped at commit)."""
        names = list(rows[0])
        staging = table(f"staging_{target.name}", *(column(name) for name in names))
        self.connection.execute(
            text(f"CREATE TEMP TABLE IF NOT EXISTS {staging.name} ON COMMIT DROP AS TABLE {target.name} WITH NO DATA")
        )
        self.connection.execute(text(f"TRUNCATE {staging.name}"))
        driver = self.connection.connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(f"COPY {staging.name} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[name] for name in names])
        return select(*staging.c)


# PostgreSQL's names of the types of columns SQLAlchemy writes in its own words.
_TYPE_NAMES = {"integer": "int4", "bigint": "int8", "boolean": "bool", "timestamp with time zone": "timestamptz"}


def _binary_type(column):
    """The PostgreSQL type name psycopg needs to send ``column``'s values in COPY's binary format
    (about half the work of the text format, on both sides): ``VARCHAR(32)`` → ``varchar``."""
    name = column.type.compile(dialect=postgresql.dialect()).split("(")[0].strip().lower()
    return _TYPE_NAMES.get(name, name)


def _excluded(stmt, columns):
    return {name: stmt.excluded[name] for name in columns}


_NEXT_IDS = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)")

_WRITERS = {"postgresql": _PostgresWriter, "sqlite": _SqliteWriter}

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
