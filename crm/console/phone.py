"""The phone simulator panel (simulated telephony only): call the IVR from a form, read the transcript.

The walk runs on the server through the same signed webhooks Twilio would post, exactly like
``kefu phone``. The panel also lists the text messages the Twilio stand-in has "sent" to the
signed-in person's own phone. With a real Twilio account configured the panel does not exist
(404): it would sign forged calls with the real auth token.
"""

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from crm.auth import current_staff
from crm.console.nav import menu_entry
from crm.console.views import console
from telephony.standin import get_state
from telephony.standin.simulator import default_number, ring_browser_agent, simulate_inbound_call

MESSAGES_SHOWN = 20


def _simulated():
    return not current_app.config["TWILIO_ACCOUNT_SID"]


@console.route("/phone", methods=["GET", "POST"])
@menu_entry(_l("Phone simulator"), roles=("agent", "supervisor", "admin"), order=80, available=_simulated)
def phone():
    if not _simulated():
        abort(404)
    staff = current_staff()
    if staff is None:
        return redirect(url_for("console.login"))
    form = {"from": "+8613800138000", "to": default_number(current_app), "keys": "", "record_text": ""}
    transcript, placed = _browser_call(request.args.get("call")), None
    if request.method == "POST" and request.form.get("mode") == "browser":
        placed = _ring_browser(request.form)
    elif request.method == "POST":
        form = {name: request.form.get(name, "").strip() for name in form}
        transcript = simulate_inbound_call(
            current_app,
            form["from"],
            form["to"] or None,
            form["keys"].replace(",", " ").split(),
            agent_answers=request.form.get("agent_answers") == "on",
            record_text=form["record_text"] or None,
        )
    return render_template(
        "phone.html",
        form=form,
        transcript=transcript,
        placed=placed or request.args.get("call"),
        messages=_messages(staff),
    )


def _ring_browser(form):
    """ "Ring a browser agent": the call is walked in the background (its agents answer on their desks); its
    CallSid at once. Its transcript is shown at ``/phone?call=<sid>`` once the call has ended."""
    keys = form.get("keys", "").replace(",", " ").split() or ["1"]
    record_text = form.get("record_text", "").strip() or None
    return ring_browser_agent(
        current_app._get_current_object(), form.get("from", "").strip(), None, keys, record_text=record_text
    )


def _browser_call(sid):
    if not sid:
        return None
    state = get_state(current_app)
    with state.lock:
        return state.walked.get(sid)


def _messages(staff):
    """The stand-in's latest text messages to ``staff``'s own phone, newest first."""
    if not staff.phone:
        return []
    return list(reversed(get_state(current_app).messages_to(staff.phone)[-MESSAGES_SHOWN:]))
