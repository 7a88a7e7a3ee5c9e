"""What the stand-in remembers: calls placed, messages sent, recordings made (memory, per process).

Tests and the console read it (``messages``, ``calls``); the REST stand-in and the callee
engine write it. One lock guards it: the embedded mode walks calls in background threads.
"""

import secrets
import threading
from dataclasses import dataclass, field

from flask import current_app

from crm.core import clock
from telephony.standin.client_legs import ClientLegs

EXTENSION = "kefu.twilio_standin"


def new_sid(prefix):
    """A Twilio-shaped SID: two letters and 32 hex digits (34 characters)."""
    return prefix + secrets.token_hex(16)


@dataclass
class StandinCall:
    sid: str
    to: str
    from_: str
    url: str | None
    twiml: str | None
    status_callback: str | None
    status_callback_events: tuple
    machine_detection: str | None
    record: bool
    direction: str = "outbound-api"
    status: str = "queued"
    answered_by: str | None = None
    duration: int | None = None
    created_at: object = field(default_factory=clock.now)
    # A REST update on a live call: the TwiML (or URL) to switch to at the next verb.
    redirect: tuple | None = None
    transcript: object = None


@dataclass
class StandinMessage:
    sid: str
    to: str
    from_: str
    body: str
    status: str = "sent"
    created_at: object = field(default_factory=clock.now)


@dataclass
class StandinRecording:
    sid: str
    call_sid: str
    duration: int
    text: str | None = None
    created_at: object = field(default_factory=clock.now)


class StandinState:
    """The stand-in's memory. ``autowalk``: walk each new outbound call in a background thread
    (embedded mode); off, calls wait in ``pending`` until ``run_pending_calls`` (tests)."""

    def __init__(self, autowalk=True):
        self.autowalk = autowalk
        self.lock = threading.RLock()
        self.calls = {}
        self.messages = []
        self.recordings = {}
        self.pending = []
        # Who answers which number: ``Callee`` scripts by E.164 number, else ``default_callee``.
        self.callees = {}
        self.default_callee = None
        # Browser legs of walked calls, ringing or connected (``client_legs``).
        self.client_legs = ClientLegs()
        # Calls walked in the background (the phone page's "ring a browser agent"): CallSid → Transcript.
        self.walked = {}

    def add_call(self, call):
        with self.lock:
            self.calls[call.sid] = call
            self.pending.append(call.sid)
        return call

    def take_pending(self):
        with self.lock:
            sids, self.pending = self.pending, []
        return [self.calls[sid] for sid in sids]

    def add_message(self, message):
        with self.lock:
            self.messages.append(message)
        return message

    def add_recording(self, call_sid, duration, text=None):
        recording = StandinRecording(new_sid("RE"), call_sid, duration, text)
        with self.lock:
            self.recordings[recording.sid] = recording
        return recording

    def messages_to(self, number):
        with self.lock:
            return [message for message in self.messages if message.to == number]

    def take_redirect(self, sid):
        with self.lock:
            call = self.calls.get(sid)
            if call is None or call.redirect is None:
                return None
            redirect, call.redirect = call.redirect, None
            return redirect

    def callee_for(self, number):
        return self.callees.get(number) or self.default_callee


def get_state(app=None):
    """``app``'s stand-in memory, created on first use."""
    app = app or current_app._get_current_object()
    return app.extensions.setdefault(EXTENSION, StandinState())


def set_state(app, state):
    """Replace ``app``'s stand-in memory (``None``: a new one on next use); returns the previous one."""
    previous = app.extensions.pop(EXTENSION, None)
    if state is not None:
        app.extensions[EXTENSION] = state
    return previous
