"""The API's field types: marshmallow's, bounded to what the database and the calendar hold.

Every schema imports ``fields`` from here, never from marshmallow (``tests/api/test_input_bounds.py`` checks),
so one rule covers every body and query string:

- an integer fits a PostgreSQL ``integer`` (every id, count and amount of time here is one): beyond it, 422
  instead of the database's overflow error;
- a date or datetime lies in the years 1900–2100: at the calendar's edges (``0001-01-01T00:00+14:00``) the
  conversion to UTC overflows, and no brokerage record is dated outside them;
- a decimal is documented as the string it is sent back as (``"1234.50"``, exact), and accepted as one.

NUL characters, lone surrogates and nesting depth are checked once per request (``crm.api.input_guard``).
"""

import marshmallow.fields as _base
from marshmallow import validate
from marshmallow.fields import Boolean, Dict, Email, Field, Float, Function, List, Method, Nested, Raw, String, Url

__all__ = [
    "AwareDateTime",
    "Boolean",
    "Date",
    "DateTime",
    "Decimal",
    "Dict",
    "Email",
    "Field",
    "Float",
    "Function",
    "Integer",
    "List",
    "Method",
    "Nested",
    "Raw",
    "String",
    "Url",
]

INTEGER_MIN, INTEGER_MAX = -(2**31), 2**31 - 1
FIRST_YEAR, LAST_YEAR = 1900, 2100


class Integer(_base.Integer):
    """An integer a PostgreSQL ``integer`` column holds (documented as ``minimum``/``maximum``)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.insert(0, validate.Range(INTEGER_MIN, INTEGER_MAX))


class _InCalendar:
    """A date or datetime in the years ``FIRST_YEAR``–``LAST_YEAR``."""

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        if not FIRST_YEAR <= result.year <= LAST_YEAR:
            raise self.make_error("out_of_range")
        return result


_OUT_OF_RANGE = {"out_of_range": f"Must lie in the years {FIRST_YEAR} to {LAST_YEAR}."}


class Date(_InCalendar, _base.Date):
    default_error_messages = _OUT_OF_RANGE


class DateTime(_InCalendar, _base.DateTime):
    default_error_messages = _OUT_OF_RANGE


class AwareDateTime(_InCalendar, _base.AwareDateTime):
    default_error_messages = _OUT_OF_RANGE


class Decimal(_base.Decimal):
    """A decimal, sent back as a string so no digit is lost; documented as that string."""

    def __init__(self, **kwargs):
        kwargs.setdefault("as_string", True)
        metadata = {"type": "string", "format": "decimal", "example": "1234.50", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)
