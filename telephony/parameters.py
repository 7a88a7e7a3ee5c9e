"""What Twilio sends, checked once for every webhook (issue 9 §14), before the view runs.

A correctly signed request is still refused when a parameter is not what Twilio sends: no
``CallSid`` (``MessageSid`` on the SMS webhooks), a status outside Twilio's values, a duration
that is negative, not a whole number or longer than any call. ``problem(form)`` names the first
such parameter and why — never its value, which may be a phone number — and the guard answers the
apology TwiML, writes nothing and logs the reason.
"""

import re

# Twilio ends every call after at most 24 hours (its time limit; 4 hours unless raised).
MAX_SECONDS = 24 * 60 * 60
CALL_STATUSES = (
    *("queued", "initiated", "ringing", "in-progress"),
    *("completed", "busy", "failed", "no-answer", "canceled"),
)
DIAL_CALL_STATUSES = ("completed", "answered", "busy", "failed", "no-answer", "canceled")
ANSWERED_BY = (
    "human",
    "machine_start",
    "machine_end_beep",
    "machine_end_silence",
    "machine_end_other",
    "fax",
    "unknown",
)
# Twilio's MessageStatus values (an SMS's status callback; "received" on an inbound message).
MESSAGE_STATUSES = (
    *("accepted", "scheduled", "queued", "sending", "sent", "delivered", "read"),
    *("undelivered", "failed", "canceled", "receiving", "received"),
)
# Real-time transcription (``<Start><Transcription>``): the events of its status callback and the tracks.
TRANSCRIPTION_EVENTS = tuple(f"transcription-{event}" for event in ("started", "content", "stopped", "error"))
TRACKS = ("inbound_track", "outbound_track")
DIRECTIONS = ("inbound", "outbound-api", "outbound-dial", "trunking-originating", "trunking-terminating")
_SID = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Keys pressed (``#`` or ``*`` included when they do not end the input); ``hangup`` from a ``<Record>``.
_DIGITS = re.compile(r"[0-9*#]{0,64}|hangup")
_ERROR_CODE = re.compile(r"[0-9]{0,8}")
_SEQUENCE = re.compile(r"[0-9]{1,9}")
_URL = re.compile(r"(https?://\S{1,480})?")


def _one_of(values):
    def check(value):
        return None if value in values else "is not one of Twilio's values"

    return check


def _matching(pattern, what):
    def check(value):
        return None if pattern.fullmatch(value) else f"is not {what}"

    return check


def _seconds(value):
    if not value.isascii() or not value.isdigit():
        return "is not a whole, non-negative number of seconds"
    if int(value) > MAX_SECONDS:
        return f"is longer than {MAX_SECONDS} seconds"
    return None


REQUIRED = ("CallSid",)
RULES = {
    "CallSid": _matching(_SID, "a Twilio SID"),
    "DialCallSid": _matching(_SID, "a Twilio SID"),
    "RecordingSid": _matching(_SID, "a Twilio SID"),
    "CallStatus": _one_of(CALL_STATUSES),
    "DialCallStatus": _one_of(DIAL_CALL_STATUSES),
    "AnsweredBy": _one_of(ANSWERED_BY),
    "Direction": _one_of(DIRECTIONS),
    "CallDuration": _seconds,
    "DialCallDuration": _seconds,
    "RecordingDuration": _seconds,
    "MessageSid": _matching(_SID, "a Twilio SID"),
    "SmsSid": _matching(_SID, "a Twilio SID"),
    "MessageStatus": _one_of(MESSAGE_STATUSES),
    "SmsStatus": _one_of(MESSAGE_STATUSES),
    "ErrorCode": _matching(_ERROR_CODE, "a Twilio error code"),
    "Digits": _matching(_DIGITS, "keys of a phone"),
    "RecordingUrl": _matching(_URL, "a URL"),
    "TranscriptionEvent": _one_of(TRANSCRIPTION_EVENTS),
    "Track": _one_of(TRACKS),
    "SequenceId": _matching(_SEQUENCE, "a sequence number"),
    "Final": _one_of(("true", "false")),
}


def problem(form, required=REQUIRED):
    """``"<parameter> <why>"`` for the first parameter of ``form`` Twilio would not send, else None.
    ``required``: what every request of the flow carries (``CallSid`` for calls, ``MessageSid`` for SMS)."""
    for name in required:
        if not form.get(name):
            return f"{name} is missing"
    for name, check in RULES.items():
        # ``in`` first: a werkzeug form's ``get`` of an absent name raises and catches an exception inside,
        # and most of these names are absent from any one request.
        if name in form and (reason := check(form[name])):
            return f"{name} {reason}"
    return None
