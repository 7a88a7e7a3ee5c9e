"""The embedded SQLite database under concurrent writers (the web app, an import, the in-process worker).

Every connection runs in WAL mode, so readers never wait for a writer, and waits up to
``SQLITE_BUSY_TIMEOUT`` seconds for the write lock instead of failing at once. A write that still
finds the database locked is ``is_locked``: the API answers it with a 503 and ``Retry-After``.

The driver's own transaction handling is kept on purpose: it begins a transaction only at the first
write, so a request that reads and then writes takes the lock (and waits for it) with a fresh view,
rather than failing on a stale one.
"""

import sqlite3

from sqlalchemy import event
from sqlalchemy.exc import OperationalError


def configure(engine, busy_timeout):
    """WAL mode and a busy timeout of ``busy_timeout`` seconds on each new connection of ``engine``."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(connection, _record):
        cursor = connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()


def is_locked(error):
    """Whether ``error`` is SQLite's "database is locked": another writer held the lock past the timeout."""
    return (
        isinstance(error, OperationalError)
        and isinstance(error.orig, sqlite3.OperationalError)
        and ("locked" in str(error.orig))
    )
