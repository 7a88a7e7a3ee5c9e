"""One place that shapes every API error as ``{"error": {code, message, fields}}``."""

from flask import jsonify
from werkzeug.exceptions import HTTPException, InternalServerError

from crm.errors import DomainError
from crm.extensions import db
from crm.sqlite import is_locked

# Seconds a client is told to wait when the embedded database stayed locked (an import's batch).
LOCKED_RETRY_AFTER = 5

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


def error_body(status, message, fields=None, code=None):
    return {"error": {"code": code or _CODES.get(status, "error"), "message": message, "fields": fields or {}}}


def http_error_response(error):
    """Flask/werkzeug/webargs HTTP errors. webargs puts field errors in ``data["messages"]``."""
    data = getattr(error, "data", None) or {}
    fields = _flatten_locations(data.get("messages") or data.get("errors") or {})
    message = data.get("message") or error.description
    if error.code == 422 and fields:
        message = "Some fields are invalid: " + ", ".join(sorted(fields))
    response = jsonify(error_body(error.code, message, fields))
    response.status_code = error.code
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    return response


def _flatten_locations(messages):
    """``{"json": {"name": [...]}}`` → ``{"name": [...]}``; locations merged."""
    fields = {}
    for location, errors in messages.items():
        if isinstance(errors, dict) and location in ("json", "query", "form", "files", "headers", "view_args"):
            fields.update(errors)
        else:
            fields[location] = errors
    return fields


def domain_error_response(error):
    db.session.rollback()  # nothing half-written survives a refused request
    return jsonify(error.to_dict()), error.status


def _busy():
    """503 for a write that found the embedded database locked past the busy timeout: try again shortly."""
    response = jsonify(error_body(503, "The database is busy (an import is running?): try again in a few seconds."))
    response.status_code = 503
    response.headers["Retry-After"] = str(LOCKED_RETRY_AFTER)
    return response


def register_error_handlers(app):
    """Our error shape for every error. Call it after ``api.init_app``: its ``HTTPException`` handler
    replaces flask-smorest's (Flask keeps the last handler registered for a class)."""
    app.register_error_handler(HTTPException, http_error_response)
    app.register_error_handler(DomainError, domain_error_response)

    @app.errorhandler(Exception)
    def unexpected(error):
        db.session.rollback()
        if is_locked(error):
            return _busy()
        app.logger.exception("unhandled error")
        return http_error_response(InternalServerError("Something went wrong on our side."))
