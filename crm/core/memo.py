"""Reads kept for the rest of one database transaction — one webhook or API request.

A webhook asks for the installation calendar and for several scripted phrases; each is read
once per transaction instead of once per question. Never longer: other processes change these
rows, and a new transaction reads them afresh, so a change is seen by the next request. Code
that writes such rows in the same transaction calls ``forget``.
"""

from sqlalchemy.orm import scoped_session

_MEMO = "kefu.per_transaction"


def per_transaction(session, key, build):
    """``build()``, computed once per transaction of ``session`` for ``key``."""
    if isinstance(session, scoped_session):  # Flask-SQLAlchemy's db.session: the request's own Session
        session = session()
    memo = session.info.get(_MEMO)
    if memo is not None and memo[0] is session.get_transaction() and key in memo[1]:
        return memo[1][key]
    value = build()
    transaction = session.get_transaction()  # build() may have begun it
    memo = session.info.get(_MEMO)  # and memoised values of its own (nested reads): keep them
    if memo is None or memo[0] is not transaction:
        memo = session.info[_MEMO] = (transaction, {})
    memo[1][key] = value
    return value


def forget(session, prefix):
    """Drop the memoised values whose key starts with ``prefix`` (after writing their rows)."""
    if isinstance(session, scoped_session):
        session = session()
    memo = session.info.get(_MEMO)
    if memo is not None:
        for key in [key for key in memo[1] if key[0] == prefix]:
            del memo[1][key]
