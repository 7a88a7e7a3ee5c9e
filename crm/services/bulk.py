"""Set-at-a-time writes for bulk jobs (the customer import), one statement per batch on each database.

PostgreSQL: a batch is COPYed into a temporary staging table and moved with one
``INSERT … SELECT … ON CONFLICT``; keys are sent as one array (``= ANY``). Neither SQLAlchemy
nor the driver handles thousands of placeholders, and COPY is the server's fastest way in.
SQLite: a plain ``executemany`` and ``IN`` list, which it runs in-process at full speed.
"""

from sqlalchemy import any_, bindparam, cast, column, select, table, text
from sqlalchemy.dialects import postgresql, sqlite


def for_session(session):
    """The bulk writer for the session's database."""
    return _WRITERS[session.get_bind().dialect.name](session)


class _SqliteWriter:
    insert = staticmethod(sqlite.insert)

    def __init__(self, session):
        self.session = session

    def select_in(self, columns, key, values):
        """``SELECT columns … WHERE key IN values`` as mappings."""
        return self.session.execute(select(*columns).where(key.in_(values))).mappings().all()

    def upsert(self, table, rows, key, update, returning):
        """Insert ``rows`` (dicts with the same keys); on a ``key`` clash set the ``update`` columns instead."""
        stmt = self.insert(table)
        stmt = stmt.on_conflict_do_update(index_elements=[key], set_=_excluded(stmt, update))
        return self.session.execute(stmt.returning(*returning), rows).all()

    def insert_new(self, table, rows):
        """Insert ``rows``; those that clash with a unique constraint are left out."""
        self.session.execute(self.insert(table).on_conflict_do_nothing(), rows)


class _PostgresWriter(_SqliteWriter):
    insert = staticmethod(postgresql.insert)

    def select_in(self, columns, key, values):
        stmt = select(*columns).where(key == any_(_array(key.type, values, "keys")))
        return self.session.execute(stmt).mappings().all()

    def upsert(self, table, rows, key, update, returning):
        stmt = self.insert(table).from_select(list(rows[0]), self._staged(table, rows))
        stmt = stmt.on_conflict_do_update(index_elements=[key], set_=_excluded(stmt, update))
        return self.session.execute(stmt.returning(*returning)).all()

    def insert_new(self, table, rows):
        stmt = self.insert(table).from_select(list(rows[0]), self._staged(table, rows))
        self.session.execute(stmt.on_conflict_do_nothing())

    def _staged(self, target, rows):
        """``SELECT …`` of ``rows`` COPYed into a temporary table shaped like ``target`` (dropped at commit)."""
        names = list(rows[0])
        staging = table(f"staging_{target.name}", *(column(name) for name in names))
        self.session.execute(
            text(f"CREATE TEMP TABLE IF NOT EXISTS {staging.name} ON COMMIT DROP AS TABLE {target.name} WITH NO DATA")
        )
        self.session.execute(text(f"TRUNCATE {staging.name}"))
        driver = self.session.connection().connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(f"COPY {staging.name} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[name] for name in names])
        return select(*staging.c)


def _excluded(stmt, columns):
    return {name: stmt.excluded[name] for name in columns}


def _array(column_type, values, name):
    return cast(bindparam(name, list(values), type_=postgresql.ARRAY(column_type)), postgresql.ARRAY(column_type))


_WRITERS = {"postgresql": _PostgresWriter, "sqlite": _SqliteWriter}
