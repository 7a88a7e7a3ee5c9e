"""Security headers on every response (issue 9, item 10).

The console's pages load scripts and styles from its own origin only (no inline ``<script>`` or
``style=``), so their policy allows nothing else. Swagger UI at /api/docs is flask-smorest's page: an
inline start-up script and Swagger's own inline styles, with its assets from ``OPENAPI_SWAGGER_UI_URL``
(a CDN by default), so that one page gets a policy widened for exactly that. The agent desk, when a
Twilio account is configured, also lets the Voice SDK reach Twilio (its signalling websocket, its
event gateway and its ringtones). No page may be framed.
"""

from urllib.parse import urlsplit

from flask import current_app, request

SWAGGER_UI_ENDPOINT = "api-docs.openapi_swagger_ui"
DESK_ENDPOINT = "console.desk"
# The Voice SDK's origins (Twilio's "Voice SDKs network connectivity requirements"; sounds: the SDK's
# SOUNDS_BASE_URL). The media itself is WebRTC, which CSP does not govern.
TWILIO_CONNECT = "wss://voice-js.roaming.twilio.com https://eventgw.twilio.com"
TWILIO_MEDIA = "https://sdk.twilio.com"

COMMON = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _policy(scripts="'self'", styles="'self'", images="'self' data:", connect=None, media=None):
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            f"style-src {styles}",
            f"img-src {images}",
            *([f"connect-src {connect}"] if connect else []),
            *([f"media-src {media}"] if media else []),
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


CONSOLE_POLICY = _policy()
DESK_TWILIO_POLICY = _policy(connect=f"'self' {TWILIO_CONNECT}", media=f"'self' {TWILIO_MEDIA}")


def _docs_policy():
    """Swagger UI: its CDN's origin (none when served locally) plus inline script and styles."""
    parts = urlsplit(current_app.config.get("OPENAPI_SWAGGER_UI_URL") or "")
    origin = f" {parts.scheme}://{parts.netloc}" if parts.netloc else ""
    return _policy(
        scripts=f"'self' 'unsafe-inline'{origin}",
        styles=f"'self' 'unsafe-inline'{origin}",
        images=f"'self' data:{origin}",
    )


def add_security_headers(response, endpoint=None):
    """The headers of every response; ``endpoint`` is the request's unless given."""
    for name, value in security_headers(endpoint or request.endpoint):
        response.headers.setdefault(name, value)
    return response


def security_headers(endpoint):
    """``(name, value)`` of each header a response to ``endpoint`` carries (the screen pop's lane sends
    them as they are)."""
    return [*COMMON.items(), ("Content-Security-Policy", _page_policy(endpoint))]


def _page_policy(endpoint):
    if endpoint == SWAGGER_UI_ENDPOINT:
        return _docs_policy()
    if endpoint == DESK_ENDPOINT and current_app.config["TWILIO_ACCOUNT_SID"]:
        return DESK_TWILIO_POLICY
    return CONSOLE_POLICY


def register_headers(app):
    app.after_request(add_security_headers)
