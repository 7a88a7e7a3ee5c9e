"""The one way the project talks to Twilio's REST API: a thin wrapper around ``twilio.rest.Client``.

With ``TWILIO_ACCOUNT_SID`` set it talks to Twilio. Without it (simulated telephony) the very
same twilio client is pointed at the local stand-in (``telephony.standin``): in this process
through the app itself (no socket), or at ``TWILIO_STANDIN_URL`` when another process serves it.

Callers get the client from ``get_client(app)``; a test swaps it with ``set_client``. Twilio's
refusals surface as ``TwilioRestException`` (``.code`` is Twilio's error code, e.g. 21211).
"""

import base64
from urllib.parse import urlsplit

from flask import current_app
from twilio.base.exceptions import TwilioRestException
from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

__all__ = ["TelephonyClient", "TwilioRestException", "get_client", "set_client"]

# The account the stand-in answers for in simulated mode.
SIMULATED_ACCOUNT_SID = "AC" + "0" * 32
# Where the stand-in blueprint is mounted; the twilio client's paths (/2010-04-01/…) go under it.
STANDIN_PREFIX = "/_twilio"
EXTENSION = "kefu.telephony_client"


class TelephonyClient:
    """Calls, messages and recordings: the subset of Twilio's REST API the project uses."""

    def __init__(self, rest, caller_id):
        self.rest = rest
        self.caller_id = caller_id

    @property
    def account_sid(self):
        return self.rest.account_sid

    def place_call(self, to, from_, url, status_callback=None, machine_detection=None, record=False):
        """Start an outbound call whose TwiML comes from ``url``; returns its CallSid."""
        options = {"to": to, "from_": from_ or self.caller_id, "url": url, "record": record}
        if status_callback:
            options["status_callback"] = status_callback
            options["status_callback_event"] = ["initiated", "ringing", "answered", "completed"]
        if machine_detection:
            options["machine_detection"] = machine_detection
        return self.rest.calls.create(**options).sid

    def update_call(self, sid, twiml=None, url=None, status=None):
        """Redirect a live call to new TwiML (``twiml`` or ``url``) or end it (``status="completed"``)."""
        options = {key: value for key, value in (("twiml", twiml), ("url", url), ("status", status)) if value}
        return self.rest.calls(sid).update(**options).status

    def send_sms(self, to, body, from_=None, status_callback=None):
        """Send a text message (Twilio posts its delivery status to ``status_callback``); returns its MessageSid."""
        options = {"to": to, "body": body, "from_": from_ or self.caller_id}
        if status_callback:
            options["status_callback"] = status_callback
        return self.rest.messages.create(**options).sid

    def fetch_recording(self, sid):
        """A recording's facts: ``{sid, call_sid, duration, status, media_url}``."""
        recording = self.rest.recordings(sid).fetch()
        return {
            "sid": recording.sid,
            "call_sid": recording.call_sid,
            "duration": int(recording.duration or 0),
            "status": recording.status,
            "media_url": recording.media_url,
        }


class StandinHttpClient(HttpClient):
    """Sends the twilio client's requests to the stand-in instead of api.twilio.com.

    With no ``base_url`` the request goes through ``app``'s own WSGI stack (Flask's test
    client: no socket, same process, so the stand-in's memory is the one the app shows).
    """

    def __init__(self, app, base_url=""):
        super().__init__(logger=app.logger, is_async=False)
        self.app = app
        self.base_url = base_url.rstrip("/")
        self._http = TwilioHttpClient() if self.base_url else None

    def request(self, method, uri, params=None, data=None, headers=None, auth=None, timeout=None, **_):
        path = urlsplit(uri).path
        if self._http is not None:
            return self._http.request(
                method, self.base_url + path, params=params, data=data, headers=headers, auth=auth, timeout=timeout
            )
        headers = dict(headers or {})
        if auth:
            headers["Authorization"] = "Basic " + base64.b64encode(":".join(auth).encode()).decode()
        answer = self.app.test_client().open(
            STANDIN_PREFIX + path, method=method, query_string=params, data=data, headers=headers
        )
        return Response(answer.status_code, answer.get_data(as_text=True), answer.headers)


def build_client(app):
    """A client for ``app``'s configuration: Twilio itself, or the stand-in when simulated."""
    config = app.config
    if config["TWILIO_ACCOUNT_SID"]:
        rest = Client(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"])
    else:
        http = StandinHttpClient(app, config["TWILIO_STANDIN_URL"])
        rest = Client(SIMULATED_ACCOUNT_SID, config["TWILIO_AUTH_TOKEN"], http_client=http)
    return TelephonyClient(rest, config["TWILIO_CALLER_ID"])


def get_client(app=None):
    """``app``'s telephony client (the current app's when not given), built on first use."""
    app = app or current_app._get_current_object()
    client = app.extensions.get(EXTENSION)
    if client is None:
        client = app.extensions[EXTENSION] = build_client(app)
    return client


def set_client(app, client):
    """Replace ``app``'s client (``None``: rebuild from config on next use); returns the previous one."""
    previous = app.extensions.get(EXTENSION)
    if client is None:
        app.extensions.pop(EXTENSION, None)
    else:
        app.extensions[EXTENSION] = client
    return previous


def account_sid(app):
    """The account Twilio (or the stand-in) knows this installation by."""
    return app.config["TWILIO_ACCOUNT_SID"] or SIMULATED_ACCOUNT_SID
