"""Absolute URLs of our Twilio routes, as Twilio is given them and signs them.

Where Twilio reaches us is ``PUBLIC_BASE_URL`` (behind a proxy); unset, it is the host the request
came in on, or ``http://localhost`` in a worker, where there is no request. Paths come from the
routes' endpoints through the app's URL map, and query values are escaped.
"""

from urllib.parse import urlsplit, urlunsplit

from flask import current_app, has_request_context, request

LOCAL_BASE = "http://localhost"


def public_url(endpoint, **values):
    """The absolute URL of ``endpoint`` (``"twilio.survey_start"``); values the route does not take become the query."""
    base = urlsplit(_configured_base() or (request.root_url if has_request_context() else LOCAL_BASE))
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def signed_request_url():
    """This request's URL as Twilio signed it: under ``PUBLIC_BASE_URL`` when set, with the query as received."""
    if not _configured_base():
        return request.url
    base = urlsplit(_configured_base())
    return urlunsplit((base.scheme, base.netloc, base.path + request.path, request.query_string.decode(), ""))


def _configured_base():
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")
