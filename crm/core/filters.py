"""The optional filters of a list query, written once."""


def where_given(stmt, filters):
    """``stmt`` narrowed by ``column == value`` for each ``{column: value}`` whose value was given (not None)."""
    for column, value in filters.items():
        if value is not None:
            stmt = stmt.where(column == value)
    return stmt
