"""``day_number(timestamp)``: a timestamp as a count of days (fractional), in SQL, on both databases.

For ordering and comparing instants shifted by a number of days held in another column (a customer's
last contact plus their class's cadence), where SQLite has no interval arithmetic. The origin differs
(the Julian day on SQLite, the Unix epoch on PostgreSQL): only differences and order mean anything, so
compare with ``day_number`` of a bound instant (``literal(at, UTCDateTime)``), never with a Python number.
"""

from sqlalchemy import Float
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class day_number(FunctionElement):  # lower case: an SQL function
    type = Float()
    inherit_cache = True


@compiles(day_number)
def _postgresql(element, compiler, **kw):
    return f"(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) / 86400.0)"


@compiles(day_number, "sqlite")
def _sqlite(element, compiler, **kw):
    return f"julianday({compiler.process(element.clauses, **kw)})"
