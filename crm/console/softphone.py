"""The simulated softphone's controls (embedded mode, no Twilio account): the desk's ``SimulatedDevice``
answers, rejects, hangs up, mutes, holds and sends keys on a call ringing or connected to the signed-in agent
through these, and the Twilio stand-in's walk of that call (``telephony.standin.client_legs``) goes on.

``POST /desk/softphone/dial`` with ``{"to": …}`` or ``{"customer_id": …}`` places a call.
``POST /desk/softphone/<action>`` with JSON ``{"call_sid": …}`` (the caller's CallSid), plus ``digits``
for ``dtmf``, ``muted`` for ``mute`` and ``held`` for ``hold``. 404 when no such call rings or is
connected to this agent; 409 when it can no longer take that action (answered elsewhere, already ended).
"""

from flask import abort, current_app, jsonify, request

from crm.auth import current_staff
from crm.console.views import console
from telephony.standin import get_state
from telephony.standin.simulator import browser_dials

DTMF = set("0123456789*#")


@console.post("/desk/softphone/<action>")
def softphone_action(action):
    if current_app.config["TWILIO_ACCOUNT_SID"] or action not in ACTIONS:
        abort(404)
    staff = current_staff()
    if staff is None:
        abort(401)
    body = request.get_json(silent=True) or {}
    if action == "dial":
        return _dial(staff, body)
    legs = get_state(current_app).client_legs
    leg = legs.find(str(body.get("call_sid", "")), staff.softphone_identity)
    if leg is None:
        abort(404)
    done = ACTIONS[action](legs, leg, staff, body)
    if not done:
        abort(409)
    return jsonify(call_sid=leg.call_sid, status=leg.status, muted=leg.muted)


def _dial(staff, body):
    """The dial pad or click-to-call: the call goes through the softphone's voice URL like a real browser's
    (its refusal rules included); the desk hears ``connected`` / ``ended`` for it."""
    to, customer_id = str(body.get("to") or "").strip(), body.get("customer_id")
    if not to and not str(customer_id or "").isdigit():
        abort(400)
    sid = browser_dials(current_app._get_current_object(), staff, to=to or None, customer_id=customer_id)
    return jsonify(call_sid=sid, status="queued")


def _dtmf(legs, leg, staff, body):
    digits = str(body.get("digits", ""))
    if not digits or not set(digits) <= DTMF or leg.status != "in-progress":
        return False
    legs.press(leg, digits)
    return True


def _mute(legs, leg, staff, body):
    legs.mute(leg, body.get("muted", True))
    return True


def _hold(legs, leg, staff, body):
    """Simulated hold: the line is muted both ways (no hold music in the stand-in)."""
    legs.hold(leg, body.get("held", True))
    return True


ACTIONS = {
    "answer": lambda legs, leg, staff, body: legs.answer(leg, staff.id),
    "reject": lambda legs, leg, staff, body: legs.reject(leg),
    "hangup": lambda legs, leg, staff, body: legs.end(leg, "agent"),
    "dial": None,  # no call yet: ``_dial``
    "dtmf": _dtmf,
    "mute": _mute,
    "hold": _hold,
}
