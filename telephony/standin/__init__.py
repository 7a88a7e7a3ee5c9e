"""The local Twilio stand-in (simulated telephony, tests): a REST subset and a scripted callee.

- ``standin_blueprint`` (``rest``): Calls, Messages, Recordings under ``/_twilio/2010-04-01/…``;
- ``walk_call`` / ``run_pending_calls`` (``callee``): drive the app's webhooks as Twilio would, the far
  end behaving as its ``Callee`` script says (``script``);
- ``client_legs``: a dialled client that is a real browser (the desk's simulated softphone);
- ``get_state`` (``state``): the calls, messages and recordings seen so far.
"""

from telephony.standin.callee import run_pending_calls, walk_call
from telephony.standin.rest import standin_blueprint
from telephony.standin.script import Callee, Transcript
from telephony.standin.state import StandinState, get_state, set_state

__all__ = [
    "Callee",
    "StandinState",
    "Transcript",
    "get_state",
    "run_pending_calls",
    "set_state",
    "standin_blueprint",
    "walk_call",
]


def register_standin(app):
    """Mount the stand-in; only in simulated mode (no ``TWILIO_ACCOUNT_SID``)."""
    if not app.config["TWILIO_ACCOUNT_SID"]:
        app.register_blueprint(standin_blueprint)
