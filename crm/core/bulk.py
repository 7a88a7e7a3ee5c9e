"""Set-at-a-time writes for bulk jobs (the customer import), one statement per batch on each database.

PostgreSQL: a batch is COPYed into a temporary staging table and moved with one
``INSERT … SELECT … ON CONFLICT``; keys are sent as one array (``= ANY``). Neither SQLAlchemy
nor the driver handles thousands of placeholders, and COPY is the server's fastest way in.
SQLite: a plain ``executemany`` and ``IN`` list, which it runs in-process at full speed.
"""

from sqlalchemy import any_, bindparam, cast, column, delete, select, table, text
from sqlalchemy.dialects import postgresql, sqlite


def insert_or_skip(session, model, keys, returning):
    """``INSERT INTO model … ON CONFLICT (keys) DO NOTHING RETURNING returning`` in ``session``'s dialect:
    a row that exists already is skipped by its unique ``keys``, in one statement, without a look-up first."""
    insert = _INSERTS[session.get_bind().dialect.name]
    return insert(model).on_conflict_do_nothing(index_elements=list(keys)).returning(returning)


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
        stmt = select(*columns).where(key == any_(_array(key.type, values, "keys")))
        return self.connection.execute(stmt).mappings().all()

    def insert(self, table, rows, returning=()):
        stmt = self.dialect_insert(table).from_select(list(rows[0]), self._staged(table, rows))
        return self.connection.execute(stmt.returning(*returning)).all() if returning else self.connection.execute(stmt)

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


def _excluded(stmt, columns):
    return {name: stmt.excluded[name] for name in columns}


def _array(column_type, values, name):
    return cast(bindparam(name, list(values), type_=postgresql.ARRAY(column_type)), postgresql.ARRAY(column_type))


_WRITERS = {"postgresql": _PostgresWriter, "sqlite": _SqliteWriter}

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
