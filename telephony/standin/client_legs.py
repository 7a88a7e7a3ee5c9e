"""The browser leg of a walked call: a ``<Dial><Client>`` answered (or not) by a real agent's browser.

With ``Callee(browser=True)`` a walked call's ``<Dial>`` to ``client:agent-…`` does not follow the
script: the leg rings (the IVR has already pushed "ringing" to the agent's desk, after its commit) and the
walk WAITS, up to the Dial's timeout, for the desk's simulated softphone to answer or reject it through
the console (``ClientLegs.answer`` / ``reject``). Once answered it waits until either side hangs up: the
browser (``hang_up``) or the caller, whose script hangs up after ``talk_seconds`` (real seconds here).
Then the walk goes on as for a scripted dial (dial action, recording, transcription, status callbacks).

The desk hears ``connected`` when it answers and ``ended`` when the connected call ends, ``missed`` when
a ring stops unanswered (timeout, or the caller gave up): ids only, through ``crm.live``.
"""

import threading
import time
from dataclasses import dataclass, field

from crm import live
from crm.extensions import db
from crm.services.calls.outbound_calls import agent_by_client

# How long a console request waits for the walk to reach the ring it was told about.
ARRIVAL_SECONDS = 1.0


@dataclass
class BrowserLeg:
    call_sid: str  # the parent (caller's) CallSid, the one in ``calls``
    identity: str
    parameters: dict = field(default_factory=dict)
    staff_id: int | None = None
    status: str = "ringing"  # ringing → in-progress → completed | busy | no-answer | canceled
    ended_by: str | None = None
    muted: bool = False
    held: bool = False  # simulated hold: muted both ways
    digits: str = ""
    changed: threading.Event = field(default_factory=threading.Event)
    answered_at: float | None = None


class ClientLegs:
    """The browser legs ringing or connected now, keyed by (parent CallSid, identity)."""

    def __init__(self):
        self.condition = threading.Condition()
        self.legs = {}

    # The walk's side -----------------------------------------------------------------------

    def ring(self, call_sid, identity, parameters, ring_seconds, talk_seconds):
        """Ring ``identity`` and wait for the outcome: ``(DialCallStatus, talk seconds)``."""
        leg = BrowserLeg(call_sid, identity, dict(parameters))
        with self.condition:
            self.legs[(call_sid, identity)] = leg
            self.condition.notify_all()
        try:
            leg.changed.wait(ring_seconds)
            with self.condition:
                if leg.status == "ringing":
                    leg.status = "no-answer"
            if leg.answered_at is None:
                self.notify(leg, "missed")
                return leg.status, 0
            if not self._wait_for_status(leg, talk_seconds):
                self.end(leg, "caller")
            return "completed", max(1, round(time.monotonic() - leg.answered_at))
        finally:
            with self.condition:
                self.legs.pop((call_sid, identity), None)

    def connect(self, call_sid, identity, staff_id, talk_seconds):
        """The agent's own browser call was answered by the far end: it lasts until the agent hangs up
        (``end``) or the far end does after ``talk_seconds``; its talk time."""
        leg = BrowserLeg(call_sid, identity, staff_id=staff_id, status="in-progress", answered_at=time.monotonic())
        self.notify(leg, "connected")  # before the desk can reach the leg to hang it up
        with self.condition:
            self.legs[(call_sid, identity)] = leg
            self.condition.notify_all()
        try:
            if not self._wait_for_status(leg, talk_seconds):
                self.end(leg, "caller")
            return max(1, round(time.monotonic() - leg.answered_at))
        finally:
            with self.condition:
                self.legs.pop((call_sid, identity), None)

    def _wait_for_status(self, leg, seconds):
        leg.changed.clear()
        if leg.status != "in-progress":
            return True
        return leg.changed.wait(seconds) or leg.status != "in-progress"

    # The browser's side (console endpoints) ------------------------------------------------

    def find(self, call_sid, identity, wait=ARRIVAL_SECONDS):
        """The leg ``call_sid`` ringing or connected to ``identity``; waits a moment for a walk on its way."""
        with self.condition:
            self.condition.wait_for(lambda: (call_sid, identity) in self.legs, timeout=wait)
            return self.legs.get((call_sid, identity))

    def answer(self, leg, staff_id):
        with self.condition:
            if leg.status != "ringing":
                return False
            leg.status, leg.staff_id, leg.answered_at = "in-progress", staff_id, time.monotonic()
        leg.changed.set()
        self.notify(leg, "connected")
        return True

    def reject(self, leg):
        with self.condition:
            if leg.status != "ringing":
                return False
            leg.status = "busy"
        leg.changed.set()
        return True

    def end(self, leg, by):
        """Hang up a connected leg (``by`` "agent" or "caller"); a ringing one is rejected instead."""
        with self.condition:
            if leg.status == "ringing":
                leg.status = "busy"
            elif leg.status == "in-progress":
                leg.status, leg.ended_by = "completed", by
            else:
                return False
        leg.changed.set()
        if leg.ended_by:
            self.notify(leg, "ended")
        return True

    def press(self, leg, digits):
        with self.condition:
            leg.digits += digits

    def mute(self, leg, muted):
        with self.condition:
            leg.muted = bool(muted)

    def hold(self, leg, held):
        with self.condition:
            leg.held = bool(held)

    def notify(self, leg, kind):
        staff_id = leg.staff_id or _staff_id(leg.identity)
        if staff_id is not None:
            live.publish(staff_id, kind, {"call_sid": leg.call_sid})


def _staff_id(identity):
    agent = agent_by_client(db.session, f"client:{identity}")
    return agent.id if agent is not None else None


def dial_browser(walk, verb, targets):
    """``<Dial>`` with a browser on either end: ``(answered target, status, talk)``, None when neither is."""
    if walk.callee.browser_caller:
        return _dialled_by_browser(walk, [target for target, _ in targets])
    clients = [(target, noun) for target, noun in targets if target.startswith("client:")]
    if not clients:
        return None
    target, noun = clients[0]
    parameters = {p.get("name"): p.get("value") for p in noun.findall("Parameter")}
    ring_seconds = walk.callee.ring_seconds or int(verb.get("timeout", 30))
    walk.transcript.note(f"ringing browser {target}")
    status, talk = walk.state.client_legs.ring(
        walk.params["CallSid"], target.removeprefix("client:"), parameters, ring_seconds, walk.callee.talk_seconds
    )
    return (target if status == "completed" else None), status, talk


def _dialled_by_browser(walk, targets):
    """The agent's browser placed the call (``Callee.browser_caller``: identity and staff id): the dialled
    number answers by the script, then the call lasts until the agent hangs up on the desk."""
    identity, staff_id = walk.callee.browser_caller
    legs = walk.state.client_legs
    answered = next((target for target in targets if walk.callee.answers_dial(target)), None)
    if answered is None:
        legs.notify(BrowserLeg(walk.params["CallSid"], identity, staff_id=staff_id), "ended")
        return None, "no-answer", 0
    talk = legs.connect(walk.params["CallSid"], identity, staff_id, walk.callee.talk_seconds)
    return answered, "completed", talk
