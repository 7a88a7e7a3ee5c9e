"""Column types shared by the models."""

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

from crm.core.clock import as_utc


class UTCDateTime(TypeDecorator):
    """Stores UTC, always hands back an aware UTC datetime (SQLite included)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        return None if value is None else as_utc(value)


def enum_check(column, values):
    """SQL text for a CHECK that ``column`` is one of ``values`` (the database guards enums)."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"
