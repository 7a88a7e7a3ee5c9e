"""Who is calling: a bearer token (API clients) or a console session (browser).

Access is stated per route with ``@roles("agent", "supervisor", "admin")``. A browser
session calling the API with an unsafe method must send the ``X-CSRF-Token`` header.
"""

import functools
import secrets

from flask import g, request, session

from crm.errors import DomainError, Forbidden
from crm.extensions import db
from crm.services.org.staff import staff_by_token

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


def csrf_token():
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def check_csrf(sent):
    expected = session.get("csrf")
    if not expected or not sent or not secrets.compare_digest(expected, sent):
        raise Forbidden("Missing or wrong CSRF token; reload the page and try again.", code="csrf")


def current_staff():
    if "staff" not in g:
        g.staff = _resolve_staff()
    return g.staff


def _resolve_staff():
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return staff_by_token(db.session, header[7:].strip())
    staff_id = session.get("staff_id")
    if staff_id is None:
        return None
    from crm.models import Staff

    staff = db.session.get(Staff, staff_id)
    if staff is None or not staff.is_active:
        return None
    if request.method not in SAFE_METHODS and request.blueprint != "console":
        check_csrf(request.headers.get("X-CSRF-Token"))
    return staff


def roles(*allowed):
    """Route decorator: 401 without credentials, 403 when the role is not in ``allowed``."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            staff = current_staff()
            if staff is None:
                raise Unauthorized("Sign in or send 'Authorization: Bearer <token>'.")
            if staff.role not in allowed:
                raise Forbidden(f"This needs the role {' or '.join(allowed)}.")
            return view(*args, **kwargs)

        wrapper.allowed_roles = allowed
        return wrapper

    return decorate


def _forget_staff():
    """A fresh identity per request, even when an app context outlives one (the test client)."""
    g.pop("staff", None)


def register_auth(app):
    app.before_request(_forget_staff)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["current_staff"] = current_staff
