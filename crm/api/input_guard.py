"""What no API request may carry, checked once before any view: deeply nested JSON (400), and NUL
characters or lone surrogates in any string of the body, the query string or a form (422). Upload routes get
their larger body limit here, before the form is read.

A NUL ends a C string (PostgreSQL refuses it in text) and a lone surrogate cannot be encoded as UTF-8:
either reaching the database is a 500. JSON nested past ``MAX_DEPTH`` is no record of ours, and nested
far enough it exhausts Python's recursion in the parser.
"""

import re

from flask import request
from werkzeug.exceptions import BadRequest, UnprocessableEntity

MAX_DEPTH = 16
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def register_input_guard(app, prefix="/api/"):
    @app.before_request
    def guard():
        if request.path.startswith(prefix):
            _allow_upload(app)
            _check_strings("query", request.args.items(multi=True))
            _check_strings("form", request.form.items(multi=True))  # an upload's files are not text: not here
            if request.is_json and request.content_length != 0:
                _check_json(_parsed_json())


def _allow_upload(app):
    """A route marked ``crm.api.common.upload`` takes bodies up to ``KEFU_MAX_UPLOAD_BYTES``: set before the form
    is read below, since werkzeug enforces the limit in force when the body is first parsed."""
    if getattr(app.view_functions.get(request.endpoint), "takes_upload", False):
        request.max_content_length = app.config["MAX_UPLOAD_BYTES"]


def _parsed_json():
    try:
        return request.get_json()
    except RecursionError:
        raise BadRequest(f"The JSON body is nested too deeply (at most {MAX_DEPTH} levels).") from None


def _check_json(body):
    """Walk the body without recursion: its depth and every key and string in it."""
    pending = [(body, 1, "json")]
    while pending:
        value, depth, where = pending.pop()
        if isinstance(value, dict | list) and depth > MAX_DEPTH:
            raise BadRequest(f"The JSON body is nested too deeply (at most {MAX_DEPTH} levels).")
        if isinstance(value, dict):
            _check_strings(where, ((key, key) for key in value))
            pending.extend((item, depth + 1, key) for key, item in value.items())
        elif isinstance(value, list):
            pending.extend((item, depth + 1, where) for item in value)
        elif isinstance(value, str):
            _check_strings(where, [(where, value)])


def _check_strings(location, pairs):
    for name, value in pairs:
        if _UNSTORABLE.search(name) or _UNSTORABLE.search(value):
            field = location if _UNSTORABLE.search(name) else name
            error = UnprocessableEntity("Text may not contain NUL characters or lone surrogates.")
            error.data = {"messages": {location: {field: ["Contains a NUL character or a lone surrogate."]}}}
            raise error
