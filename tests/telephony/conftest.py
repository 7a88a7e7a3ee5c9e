"""Telephony fixtures: ``twilio_stub``, the local Twilio stand-in with a client pointed at it."""

from dataclasses import dataclass

import pytest

from telephony.client import TelephonyClient, build_client, set_client
from telephony.standin import Callee, StandinState, run_pending_calls, set_state
from tests.telephony.ivr_walk import Caller


@dataclass
class TwilioStub:
    """The stand-in's memory for one test, the app's telephony client (pointed at it) and helpers."""

    app: object
    state: StandinState
    client: TelephonyClient

    @property
    def messages(self):
        return self.state.messages

    @property
    def calls(self):
        return list(self.state.calls.values())

    def callee(self, number, **script):
        """Script who answers ``number``: ``stub.callee("+86138…", keys=("1", "2"))``."""
        self.state.callees[number] = Callee(**script)

    def run_pending_calls(self):
        return run_pending_calls(self.app)


@pytest.fixture
def twilio_stub(app, db):
    """A fresh stand-in (calls wait for ``run_pending_calls``: deterministic) and a client for it."""
    state = StandinState(autowalk=False)
    previous_state = set_state(app, state)
    client = build_client(app)
    previous_client = set_client(app, client)
    yield TwilioStub(app, state, client)
    set_client(app, previous_client)
    set_state(app, previous_state)


# --- the complaint line (menu 2): a supervisor on duty and a caller on the hotline ---------------


@pytest.fixture
def duty(make, branch, db):
    """The branch's supervisor on duty, with a phone for pages and calls."""
    supervisor = make.staff(role="supervisor", branch=branch, phone="+8613700137000")
    supervisor.on_duty = True
    db.session.commit()
    return supervisor


@pytest.fixture
def caller(signed_post, phone_lines, clock):
    return Caller(signed_post, phone_lines["hotline"], sid="CA-complaint")
