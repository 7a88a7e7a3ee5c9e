"""Signing test requests in as someone.

The ``db`` fixture keeps one app context open for the whole test, and Flask's test client
reuses it, so ``flask.g`` (where ``crm.auth`` caches the caller) outlives a request. A test
that switches between callers forgets the cached one first.
"""

from flask import g

from tests.conftest import auth


def as_(staff=None):
    """Headers for a request by ``staff`` (None: nobody signed in)."""
    g.pop("staff", None)
    return auth(staff) if staff else {}
