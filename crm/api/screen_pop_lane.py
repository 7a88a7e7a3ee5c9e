"""The screen pop's fast lane (issue 13): ``GET /api/v1/customers/lookup`` from an API client, answered
without Flask's request dispatch.

Every ringing phone asks for the card, and served by gunicorn the route spent several times its floor's
whole request around the card: the request context, the session, the sign-in limiter's hooks (which run
on every request), the locale, the input guard, flask-smorest's argument parsing. This WSGI middleware
answers the common case with the functions the route itself calls — ``credentials.viewer_for`` (the
answer of ``staff_for`` cached for reads, as ``crm.auth`` asks it, without an ORM object), ``screen_pop``,
``dump_card``, the error's own body and the security headers — and sends the JSON as ``jsonify`` would,
without building a Response object, so the answer is the route's, byte for byte (a test compares them).

It takes only a GET of the path with a bearer token, no cookie, no body and exactly one printable-ASCII
``phone`` of 1–40 characters, from a staff member whose role the route allows (``@roles`` on the view).
Everything else — a console session, a missing or odd argument, an unknown, revoked or expired token,
an unexpected error — goes on to Flask, which answers as it always did: the lane holds no rule of its own.
"""

from contextlib import nullcontext
from urllib.parse import parse_qsl

from flask import current_app, has_app_context
from werkzeug.http import HTTP_STATUS_CODES

from crm.api.schemas.card import dump_card
from crm.api.schemas.customers import LOOKUP_PHONE_MAX
from crm.errors import DomainError
from crm.extensions import db
from crm.headers import security_headers
from crm.services.customers import screen_pop
from crm.services.org import credentials

PATH = "/api/v1/customers/lookup"
ENDPOINT = "customers.lookup"


class ScreenPopLane:
    """WSGI middleware in front of ``wsgi_app`` (Flask's), which answers every request the lane does not take."""

    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.roles = app.view_functions[ENDPOINT].allowed_roles

    def __call__(self, environ, start_response):
        asked = lane_request(environ)
        if asked is None:
            return self.wsgi_app(environ, start_response)
        with self._app_context():
            answer = self._answer(*asked)
        if answer is None:
            return self.wsgi_app(environ, start_response)
        status, body = answer
        headers = [("Content-Type", self.app.json.mimetype), ("Content-Length", str(len(body)))]
        start_response(f"{status} {HTTP_STATUS_CODES[status].upper()}", headers + security_headers(ENDPOINT))
        return [body]

    def _answer(self, token, phone):
        """``(status, body)`` of the route's answer, or None for Flask to answer (no such caller, a role
        the route refuses, an unexpected error: Flask then runs the request again and answers with its own
        error)."""
        try:
            viewer = credentials.viewer_for(db.session, token, "api")
            if viewer is None or viewer.role not in self.roles:
                return None
            try:
                status, payload = 200, dump_card(screen_pop.screen_pop(db.session, phone, viewer))
            except DomainError as error:
                status, payload = error.status, error.to_dict()
            return status, self._json(payload)
        except Exception:
            db.session.rollback()
            return None

    def _json(self, payload):
        """The body ``jsonify(payload)`` sends: the app's JSON, compact unless Flask would indent it (debug)."""
        provider = self.app.json
        indented = provider.compact is False or (provider.compact is None and self.app.debug)
        options = {"indent": 2} if indented else {"separators": (",", ":")}
        return f"{provider.dumps(payload, **options)}\n".encode()

    def _app_context(self):
        """The app context already pushed for this app (tests keep one open; Flask's dispatch reuses it
        too), else a new one, popped after the answer."""
        if has_app_context() and current_app._get_current_object() is self.app:
            return nullcontext()
        return self.app.app_context()


def lane_request(environ):
    """``(token, phone)`` when the request is the lane's to answer, else None."""
    if environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "GET":
        return None
    if environ.get("HTTP_COOKIE") or environ.get("CONTENT_LENGTH") not in (None, "", "0"):
        return None
    header = environ.get("HTTP_AUTHORIZATION", "")
    pairs = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    if "HTTP_TRANSFER_ENCODING" in environ or not header.startswith("Bearer ") or len(pairs) != 1:
        return None
    name, phone = pairs[0]
    if name != "phone" or not 0 < len(phone) <= LOOKUP_PHONE_MAX or not (phone.isascii() and phone.isprintable()):
        return None
    return header[7:].strip(), phone
