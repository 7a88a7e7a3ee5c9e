"""A Core SELECT run on the driver's own cursor, outside any transaction: for a hot read of one statement.

The screen pop's one statement (issue 13) cost more in SQLAlchemy's execution than in PostgreSQL:
checking the connection out with an isolation level and back, looking the compiled form up by the
statement's cache key, building the result's metadata from the cursor's description (psycopg builds a
column object per column per execution). ``DriverSelect`` compiles the statement once for the
dialect, and each run takes a pooled connection, sends the compiled SQL in autocommit (one round trip,
no BEGIN or ROLLBACK; it only reads) as a prepared statement, and gives the rows as named tuples
(the statement's column keys) with each column's result processing applied, as
``Connection.execute`` would give them.

Bound values are sent as given (as the statement's own defaults are): a statement with a bind whose
type processes values before sending them is refused when built.
"""

from collections import namedtuple


class DriverSelect:
    def __init__(self, statement, dialect):
        self.compiled = statement.compile(dialect=dialect)
        processed = [name for name, bind in self.compiled.binds.items() if bind.type.bind_processor(dialect)]
        if processed:
            raise ValueError(f"binds {processed} need processing: run this statement through SQLAlchemy")
        self.sql = str(self.compiled)
        columns = list(statement.selected_columns)
        self.row = namedtuple("Row", [column.key for column in columns])
        self.processors = [
            (index, processor)
            for index, column in enumerate(columns)
            if (processor := column.type.result_processor(dialect, None)) is not None
        ]

    def all(self, engine, **params):
        """The statement's rows for ``params`` (its bind names), read in autocommit on a connection of
        ``engine``'s pool (an engine of the dialect it was compiled for)."""
        pooled = engine.raw_connection()
        try:
            rows = self._fetch(pooled.driver_connection, params)
        except Exception:
            pooled.invalidate()  # its state is unknown (a lost server, autocommit left on): never reused
            raise
        pooled.close()
        return [self.row._make(self._processed(row)) for row in rows]

    def _fetch(self, driver, params):
        driver.autocommit = True
        with driver.cursor() as cursor:
            cursor.execute(self.sql, self.compiled.construct_params(params), prepare=True)
            rows = cursor.fetchall()
        driver.autocommit = False
        return rows

    def _processed(self, row):
        if not self.processors:
            return row
        values = list(row)
        for index, processor in self.processors:
            values[index] = processor(values[index])
        return values
