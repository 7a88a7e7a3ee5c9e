"""Time arithmetic in SQL that reads the same on PostgreSQL and SQLite.

SQLite keeps datetimes as text and has no interval type; PostgreSQL has no ``julianday``. One
expression, compiled per dialect, keeps queries that compare two instants portable.
"""

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Boolean, Float


class seconds_between(FunctionElement):  # noqa: N801  (used like a SQL function)
    """``later - earlier`` in seconds (a float; negative when ``later`` is earlier)."""

    type = Float()
    name = "seconds_between"
    inherit_cache = True


@compiles(seconds_between)
def _seconds_between(element, compiler, **kw):
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"


@compiles(seconds_between, "sqlite")
def _seconds_between_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


class at_least_seconds_after(FunctionElement):  # noqa: N801  (used like a SQL function)
    """``later >= earlier + seconds`` (a whole number of seconds, fixed when the statement is built).

    On PostgreSQL an interval added to the instant, no epoch arithmetic per row (the report compares
    a million pairs).
    """

    type = Boolean()
    name = "at_least_seconds_after"
    inherit_cache = False

    def __init__(self, later, earlier, seconds):
        self.seconds = int(seconds)
        super().__init__(later, earlier)


@compiles(at_least_seconds_after)
def _at_least_seconds_after(element, compiler, **kw):
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({later} >= {earlier} + INTERVAL '{element.seconds} seconds')"


@compiles(at_least_seconds_after, "sqlite")
def _at_least_seconds_after_sqlite(element, compiler, **kw):
    return f"({_seconds_between_sqlite(seconds_between(*element.clauses), compiler, **kw)} >= {element.seconds})"
