"""The scripted far end of a call: drives the project's own webhooks exactly as Twilio would.

``walk_call`` POSTs the voice URL with Twilio's parameters, signed with the app's auth token
(``RequestValidator.compute_signature``), reads the TwiML answer and follows it verb by verb:
``<Say>``/``<Play>`` are heard, ``<Gather>`` gets the callee's next keys (or times out),
``<Record>`` gets a recording (and its transcription when asked), ``<Dial>`` connects when the
callee's script says the agent answers (its recording, when asked, is reported to the
``recordingStatusCallback``), ``<Redirect>`` is followed, ``<Hangup>`` ends. After a
``<Start><Transcription>``, a connected ``<Dial>`` replays the callee's scripted ``utterances`` to the
transcription's ``statusCallbackUrl`` as Twilio's real-time transcription events, in order. Then the
status callback gets the final CallStatus and CallDuration. The result is a ``Transcript``.

Requests go through the app's WSGI stack in this process (Flask's test client), so a walk
needs no server and runs inside whatever app context is active, like a signed test request. A load
driver passes its own ``http`` (anything with the test client's ``post``) to walk a served app over a
socket instead (``scripts/bench/centre.py``).
"""

import threading
import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlsplit

from twilio.request_validator import RequestValidator

from crm.core import clock
from telephony.client import account_sid
from telephony.standin.client_legs import dial_browser
from telephony.standin.script import Callee, Transcript
from telephony.standin.state import get_state, new_sid
from telephony.standin.transcription import TranscriptionReplay

# A flow that keeps redirecting is cut off, as a caller would give up.
MAX_DOCUMENTS = 40
# Simulated seconds: each prompt heard, each unanswered <Gather>, a connected <Dial> by default.
PROMPT_SECONDS = 3
GATHER_TIMEOUT_SECONDS = 5
UNANSWERED = ("busy", "no-answer", "failed")
# A StatusCallbackEvent asked for at creation → the CallStatus Twilio reports for it.
PROGRESS_EVENTS = {"initiated": "initiated", "ringing": "ringing", "answered": "in-progress"}


class CallWalk:
    """One call being walked: its parameters, the callee's script and the transcript so far."""

    def __init__(self, app, sid, from_, to, direction, callee, machine_detection=None, http=None):
        self.http = http or app.test_client()
        self.validator = RequestValidator(app.config["TWILIO_AUTH_TOKEN"])
        self.base_url = app.config["PUBLIC_BASE_URL"] or "http://localhost"
        self.state = get_state(app)
        self.callee = callee
        self.keys = list(callee.keys)
        self.machine_detection = machine_detection
        self.params = {
            "AccountSid": account_sid(app),
            "ApiVersion": "2010-04-01",
            "CallSid": sid,
            "From": from_,
            "Caller": from_,
            "To": to,
            "Called": to,
            "Direction": direction,
            "CallStatus": "ringing" if direction == "inbound" else "in-progress",
        }
        self.transcript = Transcript(call_sid=sid)
        self.ended = False
        self.started_at = clock.now()
        self.transcription = None  # a TranscriptionReplay after <Start><Transcription>

    # Twilio → the app --------------------------------------------------------------------

    def send(self, url, extra=None):
        """POST a signed webhook with the call's parameters plus ``extra``; the raw response."""
        url = urljoin(self.base_url + "/", url)
        params = {**self.params, **(extra or {})}
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = self.http.post(
            path,
            base_url=f"{parts.scheme}://{parts.netloc}",
            data=params,
            headers={"X-Twilio-Signature": self.validator.compute_signature(url, params)},
        )
        self.transcript.webhooks.append((parts.path, response.status_code))
        if response.status_code != 200:
            self.transcript.errors.append((parts.path, response.status_code))
        return response

    def post(self, url, extra=None):
        """Fetch the next TwiML document; an error is spoken as Twilio's application error and ends the call."""
        response = self.send(url, extra)
        if response.status_code != 200:
            self.transcript.hear(f"[application error: HTTP {response.status_code}]")
            self.ended = True
            return None
        return response.get_data(as_text=True)

    def recording_url(self, sid):
        return f"https://api.twilio.com/2010-04-01/Accounts/{self.params['AccountSid']}/Recordings/{sid}"

    # The call ----------------------------------------------------------------------------

    def run(self, url=None, twiml=None):
        """Answer, then follow documents until the call ends; ``url`` is the voice URL."""
        if self.machine_detection:
            self.params["AnsweredBy"] = "human" if self.callee.answer == "human" else self._machine_answer()
            self.transcript.answered_by = self.params["AnsweredBy"]
        if self.callee.answer == "machine":
            self.keys = []
        document, document_url = (twiml, url) if twiml else (self.post(url), url)
        for _ in range(MAX_DOCUMENTS):
            if document is None or self.ended:
                break
            document, document_url = self.execute(document, document_url)
        self.params["CallStatus"] = "completed"
        self.transcript.note("hung up")

    def _machine_answer(self):
        return "machine_end_beep" if self.machine_detection == "DetectMessageEnd" else "machine_start"

    def execute(self, document, document_url):
        """Run one TwiML document; returns the next (document, url) or (None, None) when the call ends."""
        try:
            root = ET.fromstring(document)
        except ET.ParseError:
            self.transcript.errors.append((document_url, "invalid TwiML"))
            self.transcript.hear("[application error: invalid TwiML]")
            return None, None
        for verb in root:
            redirect = self.state.take_redirect(self.params["CallSid"])
            if redirect is not None:
                return self._redirected(redirect)
            handler = VERBS.get(verb.tag, CallWalk.unsupported)
            outcome = handler(self, verb, document_url)
            if self.ended:
                return None, None
            if outcome is not None:
                return outcome
        return None, None

    def _redirected(self, redirect):
        kind, value = redirect
        self.transcript.note(f"redirected by the REST API ({kind})")
        if kind == "hangup":
            self.ended = True
            return None, None
        if kind == "twiml":
            return value, None
        return self.post(value), value

    def follow(self, verb, document_url, extra):
        """POST the verb's ``action`` (Twilio's default: the current document's URL).

        Inline TwiML (``Twiml=`` at creation) has no URL: without an action the call ends there."""
        target = verb.get("action") or document_url
        if not target:
            self.transcript.note(f"<{verb.tag}> has no action URL: the call ends")
            self.ended = True
            return None, None
        url = urljoin(document_url or self.base_url + "/", target)
        return self.post(url, extra), url

    # Verbs ---------------------------------------------------------------------------------

    def say(self, verb, document_url):
        self._prompt((verb.text or "").strip())

    def play(self, verb, document_url):
        self._prompt(f"[audio] {(verb.text or '').strip()}")

    def _prompt(self, text):
        if self.ended:
            return
        self.transcript.hear(text)
        self.transcript.duration += PROMPT_SECONDS
        limit = self.callee.hangup_after
        if limit is not None and len(self.transcript.heard) >= limit:
            self.transcript.note(f"caller hung up after {limit} prompt(s)")
            self.ended = True

    def pause(self, verb, document_url):
        self.transcript.duration += int(verb.get("length", 1))

    def gather(self, verb, document_url):
        for child in verb:
            VERBS.get(child.tag, CallWalk.unsupported)(self, child, document_url)
            if self.ended:
                return None
        if self.keys:
            digits = str(self.keys.pop(0))
            self.transcript.keys.append(digits)
            self.transcript.note(f"pressed: {digits}")
            return self.follow(verb, document_url, {"Digits": digits})
        self.transcript.note("pressed nothing (timeout)")
        self.transcript.duration += int(verb.get("timeout", GATHER_TIMEOUT_SECONDS))
        if verb.get("actionOnEmptyResult") == "true":
            return self.follow(verb, document_url, {"Digits": ""})
        return None

    def record(self, verb, document_url):
        text = self.callee.record_text if self.callee.answer == "human" else None
        if not text:
            self.transcript.note("recorded nothing (silence)")
            return None
        duration = max(1, len(text) // 3)
        recording = self.state.add_recording(self.params["CallSid"], duration, text)
        self.transcript.recordings.append(recording.sid)
        self.transcript.duration += duration
        self.transcript.note(f"recorded: {text}")
        extra = {
            "RecordingUrl": self.recording_url(recording.sid),
            "RecordingSid": recording.sid,
            "RecordingDuration": str(duration),
        }
        callback = verb.get("transcribeCallback")
        if callback:
            transcription = {"TranscriptionSid": new_sid("TR"), "TranscriptionText": text}
            self.send(
                urljoin(document_url or self.base_url + "/", callback),
                {**extra, **transcription, "TranscriptionStatus": "completed"},
            )
        return self.follow(verb, document_url, extra)

    def dial(self, verb, document_url):
        nouns = [(_dial_target(noun), noun) for noun in verb]
        targets = [target for target, _ in nouns] or [f"number:{(verb.text or '').strip()}"]
        browser = self.callee.browser or self.callee.browser_caller
        outcome = dial_browser(self, verb, nouns) if browser else None
        if outcome is None:
            answered = next((target for target in targets if self.callee.answers_dial(target)), None)
            outcome = answered, "completed" if answered else "no-answer", self.callee.talk_seconds if answered else 0
        answered, status, talk = outcome
        self.transcript.dials.append((answered or " ".join(targets), status))
        self.transcript.note(f"dialled {' '.join(targets)}: " + (f"{answered} answered" if answered else status))
        if answered and self.transcription is not None:
            self.transcription.speak(self.callee.utterances, self.params["From"], answered, self.transcript.duration)
        self.transcript.duration += talk + (0 if answered else int(verb.get("timeout", 30)))
        if not verb.get("action"):
            return None
        extra = {"DialCallStatus": status, "DialCallSid": new_sid("CA"), "DialCallDuration": str(talk)}
        if answered and verb.get("record", "do-not-record") != "do-not-record":
            extra.update(self._recorded(verb, document_url, talk))
        return self.follow(verb, document_url, extra)

    def _recorded(self, verb, document_url, talk):
        """A connected, recorded ``<Dial>``: its recording's parameters, also posted to its status callback."""
        recording = self.state.add_recording(self.params["CallSid"], talk)
        extra = {
            "RecordingSid": recording.sid,
            "RecordingUrl": self.recording_url(recording.sid),
            "RecordingDuration": str(talk),
        }
        callback = verb.get("recordingStatusCallback")
        if callback:
            self.send(urljoin(document_url or self.base_url + "/", callback), {**extra, "RecordingStatus": "completed"})
        return extra

    def start(self, verb, document_url):
        """``<Start><Transcription>``: the connected calls' utterances go to its ``statusCallbackUrl``."""
        transcription = verb.find("Transcription")
        if transcription is not None and transcription.get("statusCallbackUrl"):
            url = urljoin(document_url or self.base_url + "/", transcription.get("statusCallbackUrl"))
            self.transcription = TranscriptionReplay(self.send, url, self.params["CallSid"], self.started_at)

    def redirect(self, verb, document_url):
        url = urljoin(document_url or self.base_url + "/", (verb.text or "").strip())
        return self.post(url), url

    def hangup(self, verb, document_url):
        self.ended = True

    def reject(self, verb, document_url):
        self.transcript.status = "busy"
        self.ended = True

    def unsupported(self, verb, document_url):
        self.transcript.note(f"[verb <{verb.tag}> not simulated]")


VERBS = {
    "Say": CallWalk.say,
    "Play": CallWalk.play,
    "Pause": CallWalk.pause,
    "Gather": CallWalk.gather,
    "Record": CallWalk.record,
    "Dial": CallWalk.dial,
    "Start": CallWalk.start,
    "Redirect": CallWalk.redirect,
    "Hangup": CallWalk.hangup,
    "Reject": CallWalk.reject,
}


def _dial_target(noun):
    identity = noun.find("Identity")
    value = ((identity.text if identity is not None else noun.text) or "").strip()
    return f"{noun.tag.lower()}:{value}"


def walk_call(
    app,
    *,
    from_,
    to,
    url=None,
    twiml=None,
    callee=None,
    direction="inbound",
    call_sid=None,
    status_callback=None,
    status_callback_events=(),
    machine_detection=None,
    params=None,
    http=None,
):
    """Walk one call through ``app``'s webhooks as ``callee`` behaves; returns its ``Transcript``.
    ``params``: more parameters posted with every webhook (a browser call's custom parameters);
    ``http``: where the webhooks go (default: ``app``'s test client).

    ``direction`` is Twilio's: ``inbound`` (someone dials our number: ``url`` is the number's
    voice URL) or ``outbound-api`` (we placed the call through the REST API).
    """
    callee = callee or Callee()
    walk = CallWalk(app, call_sid or new_sid("CA"), from_, to, direction, callee, machine_detection, http)
    walk.params.update(params or {})
    transcript = walk.transcript
    if status_callback:
        for event in status_callback_events:
            if event in PROGRESS_EVENTS and (event != "answered" or callee.answer not in UNANSWERED):
                walk.send(status_callback, {"CallStatus": PROGRESS_EVENTS[event]})
    if callee.answer in UNANSWERED:
        transcript.status = callee.answer
        transcript.note(f"not answered: {callee.answer}")
        walk.params["CallStatus"] = callee.answer
    else:
        walk.run(url=url, twiml=twiml)
        walk.params["CallStatus"] = transcript.status
    if status_callback:
        walk.send(status_callback, {"CallDuration": str(transcript.duration), "CallbackSource": "call-progress-events"})
    return transcript


def walk_standin_call(app, call, http=None):
    """Walk a call placed through the REST stand-in, to the callee registered for its number."""
    state = get_state(app)
    callee = state.callee_for(call.to) or Callee()
    call.status = "in-progress" if callee.answer not in UNANSWERED else callee.answer
    transcript = walk_call(
        app,
        from_=call.from_,
        to=call.to,
        url=call.url,
        twiml=call.twiml,
        callee=callee,
        direction="outbound-api",
        call_sid=call.sid,
        status_callback=call.status_callback,
        status_callback_events=call.status_callback_events,
        machine_detection=call.machine_detection,
        http=http,
    )
    with state.lock:
        call.status, call.duration, call.answered_by = transcript.status, transcript.duration, transcript.answered_by
        call.transcript = transcript
    return transcript


def run_pending_calls(app):
    """Walk every call placed through the REST stand-in since the last run (tests: deterministic)."""
    state = get_state(app)
    return [walk_standin_call(app, call) for call in state.take_pending() if call.status != "canceled"]


def walk_in_background(app, state, delay=1.0):
    """Embedded mode: walk newly placed calls a moment later (the placing transaction commits first)."""

    def walk():
        with app.app_context():
            run_pending_calls(app)

    timer = threading.Timer(delay, walk)
    timer.daemon = True
    timer.start()
    return timer
