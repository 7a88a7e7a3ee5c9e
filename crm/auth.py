"""Who is calling: a bearer token (API clients) or a console session (browser).

Both are credentials kept on the server (``crm.services.org.credentials``): the session cookie
carries only the secret of a session row, so signing out ends it everywhere. Access is stated per
route with ``@roles("agent", "supervisor", "admin")``. A browser session calling the API with an
unsafe method must send the ``X-CSRF-Token`` header; every console form posts a ``csrf_token`` field
(Flask-WTF makes and checks both).
"""

import functools

from flask import g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms.validators import ValidationError

from crm.errors import DomainError, Forbidden
from crm.extensions import db
from crm.services.org import credentials

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


def check_csrf(sent):
    """Flask-WTF's check of a form's ``csrf_token`` or an ``X-CSRF-Token`` header against the session."""
    try:
        validate_csrf(sent)
    except ValidationError as exc:
        raise Forbidden(f"{exc.args[0]} Reload the page and try again.", code="csrf") from exc


def current_staff():
    if "staff" not in g:
        g.staff = _resolve_staff()
    return g.staff


def _resolve_staff():
    """The caller. Reads may use who a credential belonged to less than a second ago in this process
    (``credential_cache``: the screen pop's budget); writes always ask the database."""
    cached = request.method in SAFE_METHODS
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return credentials.staff_for(db.session, header[7:].strip(), "api", cached)
    staff = credentials.staff_for(db.session, session.get("sid"), "session", cached)
    if staff is None:
        return None
    if request.method not in SAFE_METHODS and request.blueprint != "console":
        check_csrf(request.headers.get("X-CSRF-Token"))
    return staff


def start_session(staff):
    """Sign ``staff`` in on this browser: a new server-side session (and a new CSRF token)."""
    session.clear()
    session["sid"] = credentials.issue(staff, "session")[1]


def end_session():
    """Sign out: the server forgets the session, so a copy of the cookie is worthless too."""
    credentials.revoke_secret(db.session, session.get("sid"), "session")
    session.clear()


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
    """A fresh identity (and CSRF token, which Flask-WTF caches on ``g``) per request, even when an app
    context outlives one (the test client)."""
    g.pop("staff", None)
    g.pop("csrf_token", None)


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie session, except that a request without the cookie (every Twilio webhook, API
    clients) gets its new empty session without the cookie's signer being built first, which Flask does on
    every request and which cost a webhook more than the rest of its session handling."""

    def open_session(self, app, request):
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def register_auth(app):
    app.session_interface = CookieSessions()
    app.before_request(_forget_staff)
    app.jinja_env.globals["csrf_token"] = generate_csrf
    app.jinja_env.globals["current_staff"] = current_staff
