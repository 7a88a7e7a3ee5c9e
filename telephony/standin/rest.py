"""The subset of Twilio's REST API the project uses, answered locally with Twilio-shaped JSON.

Mounted at ``/_twilio`` in simulated mode only. Requests carry HTTP basic auth (account SID or
API key, auth token or API secret) exactly as the twilio client sends them; refusals carry
Twilio's error body ``{code, message, more_info, status}`` so the client raises the same
``TwilioRestException`` it would against Twilio.
"""

import base64
from email.utils import format_datetime

import phonenumbers
from flask import Blueprint, current_app, jsonify, request

from telephony.client import account_sid
from telephony.standin.state import StandinCall, StandinMessage, get_state, new_sid

API = "/2010-04-01/Accounts/<account>"
standin_blueprint = Blueprint("twilio_standin", __name__, url_prefix="/_twilio")

# Twilio's own wording for the errors we reproduce, by error code.
ERRORS = {
    20003: (401, "Authenticate"),
    20404: (404, "The requested resource {path} was not found"),
    21201: (400, "No 'To' number is specified"),
    21205: (400, "Url parameter is required."),
    21211: (400, "The 'To' number {value} is not a valid phone number."),
    21212: (400, "The 'From' number {value} is not a valid phone number, shortcode, or alphanumeric sender ID."),
    21602: (400, "Message body is required."),
    21603: (400, "A 'From' phone number is required."),
}
CALL_STATUSES_ENDING = ("completed", "canceled")


class TwilioError(Exception):
    def __init__(self, code, **values):
        super().__init__(code)
        self.code = code
        self.values = values


@standin_blueprint.errorhandler(TwilioError)
def twilio_error(error):
    status, message = ERRORS[error.code]
    body = {
        "code": error.code,
        "message": message.format(path=request.path.removeprefix("/_twilio"), **error.values),
        "more_info": f"https://www.twilio.com/docs/errors/{error.code}",
        "status": status,
    }
    return jsonify(body), status


@standin_blueprint.before_request
def authenticate():
    config = current_app.config
    sent = _basic_auth()
    allowed = {
        (account_sid(current_app), config["TWILIO_AUTH_TOKEN"]),
        (config["TWILIO_API_KEY"], config["TWILIO_API_SECRET"]),
    }
    if sent not in allowed:
        raise TwilioError(20003)
    if (request.view_args or {}).get("account") != account_sid(current_app):
        raise TwilioError(20404)


def _basic_auth():
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except ValueError:
        return None
    return user, password


# Calls ------------------------------------------------------------------------------------


@standin_blueprint.post(f"{API}/Calls.json")
def create_call(account):
    form = request.form
    to = _required_number(form.get("To"), missing=21201, invalid=21211, clients=True)
    from_ = _required_number(form.get("From"), missing=21212, invalid=21212)
    if not form.get("Url") and not form.get("Twiml"):
        raise TwilioError(21205)
    call = StandinCall(
        sid=new_sid("CA"),
        to=to,
        from_=from_,
        url=form.get("Url"),
        twiml=form.get("Twiml"),
        status_callback=form.get("StatusCallback"),
        status_callback_events=tuple(form.getlist("StatusCallbackEvent")),
        machine_detection=form.get("MachineDetection"),
        record=form.get("Record") == "true",
    )
    state = get_state()
    state.add_call(call)
    if state.autowalk:
        from telephony.standin.callee import walk_in_background

        walk_in_background(current_app._get_current_object(), state)
    return jsonify(call_json(account, call)), 201


@standin_blueprint.get(f"{API}/Calls.json")
def list_calls(account):
    with get_state().lock:
        calls = [call_json(account, call) for call in get_state().calls.values()]
    return jsonify(page(account, "Calls", "calls", calls))


@standin_blueprint.get(f"{API}/Calls/<sid>.json")
def fetch_call(account, sid):
    return jsonify(call_json(account, _call(sid)))


@standin_blueprint.post(f"{API}/Calls/<sid>.json")
def update_call(account, sid):
    """New TwiML or URL for a live call (taken at its next verb), or ``Status=completed`` to end it."""
    call = _call(sid)
    form = request.form
    with get_state().lock:
        if form.get("Status") in CALL_STATUSES_ENDING:
            call.redirect = ("hangup", None)
            if call.status in ("queued", "ringing"):
                call.status = "canceled"
        elif form.get("Twiml"):
            call.redirect = ("twiml", form["Twiml"])
        elif form.get("Url"):
            call.redirect = ("url", form["Url"])
    return jsonify(call_json(account, call))


def _call(sid):
    call = get_state().calls.get(sid)
    if call is None:
        raise TwilioError(20404)
    return call


def call_json(account, call):
    return {
        "sid": call.sid,
        "account_sid": account,
        "to": call.to,
        "from": call.from_,
        "status": call.status,
        "direction": call.direction,
        "answered_by": call.answered_by,
        "duration": None if call.duration is None else str(call.duration),
        "date_created": format_datetime(call.created_at),
        "date_updated": format_datetime(call.created_at),
        "parent_call_sid": None,
        "price_unit": "USD",
        "api_version": "2010-04-01",
        "uri": f"/2010-04-01/Accounts/{account}/Calls/{call.sid}.json",
    }


# Messages ---------------------------------------------------------------------------------


@standin_blueprint.post(f"{API}/Messages.json")
def create_message(account):
    form = request.form
    to = _required_number(form.get("To"), missing=21201, invalid=21211)
    from_ = _required_number(form.get("From"), missing=21603, invalid=21212)
    if not form.get("Body"):
        raise TwilioError(21602)
    message = get_state().add_message(StandinMessage(new_sid("SM"), to, from_, form["Body"]))
    return jsonify(message_json(account, message)), 201


@standin_blueprint.get(f"{API}/Messages.json")
def list_messages(account):
    with get_state().lock:
        messages = [message_json(account, message) for message in get_state().messages]
    return jsonify(page(account, "Messages", "messages", messages))


def message_json(account, message):
    return {
        "sid": message.sid,
        "account_sid": account,
        "to": message.to,
        "from": message.from_,
        "body": message.body,
        "status": message.status,
        "direction": "outbound-api",
        "num_segments": "1",
        "date_created": format_datetime(message.created_at),
        "date_sent": format_datetime(message.created_at),
        "api_version": "2010-04-01",
        "uri": f"/2010-04-01/Accounts/{account}/Messages/{message.sid}.json",
    }


# Recordings -------------------------------------------------------------------------------


@standin_blueprint.get(f"{API}/Recordings/<sid>.json")
def fetch_recording(account, sid):
    recording = get_state().recordings.get(sid)
    if recording is None:
        raise TwilioError(20404)
    return jsonify(recording_json(account, recording))


def recording_json(account, recording):
    path = f"/2010-04-01/Accounts/{account}/Recordings/{recording.sid}"
    return {
        "sid": recording.sid,
        "account_sid": account,
        "call_sid": recording.call_sid,
        "duration": str(recording.duration),
        "status": "completed",
        "channels": 1,
        "source": "RecordVerb",
        "date_created": format_datetime(recording.created_at),
        "api_version": "2010-04-01",
        "uri": f"{path}.json",
        "media_url": recording_media_url(account, recording.sid),
    }


def recording_media_url(account, sid):
    return f"https://api.twilio.com/2010-04-01/Accounts/{account}/Recordings/{sid}"


# Shared -----------------------------------------------------------------------------------


def _required_number(value, missing, invalid, clients=False):
    if not value:
        raise TwilioError(missing)
    if clients and value.startswith("client:"):
        return value
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise TwilioError(invalid, value=value)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def page(account, resource, key, records):
    uri = f"/2010-04-01/Accounts/{account}/{resource}.json"
    return {
        key: records,
        "start": 0,
        "end": max(len(records) - 1, 0),
        "page": 0,
        "page_size": max(len(records), 50),
        "uri": uri,
        "first_page_uri": uri,
        "next_page_uri": None,
        "previous_page_uri": None,
    }
