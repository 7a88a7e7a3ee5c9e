"""The phone simulator: a caller dialling one of our numbers, walked through the inbound IVR.

Used by ``flask --app wsgi kefu phone`` and the console's phone panel. The call goes through the
same signed webhooks Twilio would post (``walk_call``), status callbacks included.
"""

import threading

from sqlalchemy import select

from crm.core.phones import try_normalise_phone
from crm.extensions import db
from crm.models import Branch, PhoneLine
from telephony.standin.callee import walk_call
from telephony.standin.script import Callee
from telephony.standin.state import get_state, new_sid

INCOMING_PATH = "/twilio/voice/incoming"
# Where Twilio posts our numbers' call status (configured on the number); used when the app has it.
STATUS_PATH = "/twilio/calls/status"
# What the simulated agent and caller say once connected (transcribed, then QA-checked like a real call).
DEFAULT_UTTERANCES = (
    ("agent", "您好，这里是客服中心，工号{job_no}为您服务，请问您有什么问题？"),
    ("customer", "我想查一下我的账户"),
    ("agent", "好的，请稍等，我帮您查一下。"),
    ("agent", "感谢您的来电，再见！"),
)


def simulate_inbound_call(
    app,
    from_,
    to=None,
    keys=(),
    agent_answers=True,
    record_text=None,
    hangup_after=None,
    utterances=DEFAULT_UTTERANCES,
    call_sid=None,
    http=None,
    **script,
):
    """Dial ``to`` (default: the first hotline) from ``from_``, pressing ``keys`` at each menu; a ``Transcript``.
    ``http``: where the webhooks go (``walk_call``; default the app in this process).
    ``utterances``: what is said once an agent answers (``Callee.utterances``); ``script``: more ``Callee``
    fields (``browser=True``: the agents' browsers answer, see ``client_legs``)."""
    callee = Callee(
        keys=tuple(keys),
        agent_answers=agent_answers,
        record_text=record_text,
        hangup_after=hangup_after,
        utterances=tuple(utterances),
        **script,
    )
    return walk_call(
        app,
        call_sid=call_sid,
        from_=try_normalise_phone(from_) or from_,
        to=try_normalise_phone(to) or to if to else default_number(app),
        url=INCOMING_PATH,
        callee=callee,
        direction="inbound",
        status_callback=STATUS_PATH if _serves(app, STATUS_PATH) else None,
        status_callback_events=("ringing", "answered"),
        http=http,
    )


def ring_browser_agent(app, from_, to=None, keys=("1",), **script):
    """Place an inbound call whose agents answer in their browsers, walked in a background thread; its CallSid
    at once. The transcript lands in the stand-in's ``walked`` when the call ends."""
    sid = new_sid("CA")

    def walk():
        with app.app_context():
            try:
                transcript = simulate_inbound_call(app, from_, to, keys, call_sid=sid, browser=True, **script)
            finally:
                db.session.remove()
            with get_state(app).lock:
                get_state(app).walked[sid] = transcript

    threading.Thread(target=walk, name=f"walk-{sid}", daemon=True).start()
    return sid


# The softphone's voice URL (the TwiML app's): where a browser-placed call starts.
OUTBOUND_PATH = "/twilio/voice/outbound"


def browser_dials(app, agent, to=None, customer_id=None, talk_seconds=600):
    """The agent's simulated softphone places a call (the dial pad, or click-to-call by customer id), walked in
    a background thread through the softphone's voice URL; its CallSid at once. The far end answers (the
    stand-in's callee script for that number, else it picks up) and the call lasts until the agent hangs up."""
    sid = new_sid("CA")
    identity = agent.softphone_identity
    script = get_state(app).callee_for(try_normalise_phone(to) or to) if to else None
    callee = Callee(
        agent_answers=script.agent_answers if script else True,
        browser_caller=(identity, agent.id),
        talk_seconds=talk_seconds,
    )
    params = {"customer_id": str(customer_id)} if customer_id else {}

    def walk():
        with app.app_context():
            try:
                transcript = walk_call(
                    app,
                    from_=f"client:{identity}",
                    to=to or "",
                    url=OUTBOUND_PATH,
                    callee=callee,
                    call_sid=sid,
                    params=params,
                )
            finally:
                db.session.remove()
            with get_state(app).lock:
                get_state(app).walked[sid] = transcript

    threading.Thread(target=walk, name=f"dial-{sid}", daemon=True).start()
    return sid


def default_number(app):
    """The number a caller would dial: the first hotline line, else a branch hotline, else our caller ID."""
    line = db.session.scalars(select(PhoneLine.number).order_by(PhoneLine.line != "hotline", PhoneLine.id)).first()
    hotline = line or db.session.scalars(select(Branch.hotline).where(Branch.hotline.is_not(None))).first()
    return hotline or app.config["TWILIO_CALLER_ID"]


def _serves(app, path):
    return any(rule.rule == path for rule in app.url_map.iter_rules())
