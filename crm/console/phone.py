"""The phone simulator panel (simulated telephony only): call the IVR from a form, read the transcript.

The walk runs on the server through the same signed webhooks Twilio would post, exactly like
``kefu phone``. The panel also lists the text messages the Twilio stand-in has "sent" to the
signed-in person's own phone. With a real Twilio account configured the panel does not exist
(404): it would sign forged calls with the real auth token.
"""

from flask import abort, current_app, redirect, render_template, request, url_for

from crm.auth import check_csrf, current_staff
from crm.console.views import console
from crm.errors import Forbidden
from telephony.standin import get_state
from telephony.standin.simulator import default_number, simulate_inbound_call

MESSAGES_SHOWN = 20


@console.route("/phone", methods=["GET", "POST"])
def phone():
    if current_app.config["TWILIO_ACCOUNT_SID"]:
        abort(404)
    staff = current_staff()
    if staff is None:
        return redirect(url_for("console.login"))
    form = {"from": "+8613800138000", "to": default_number(current_app), "keys": "", "record_text": ""}
    transcript = None
    if request.method == "POST":
        try:
            check_csrf(request.form.get("csrf_token"))
        except Forbidden as exc:
            return render_template("phone.html", error=exc.message, form=form, messages=_messages(staff)), 400
        form = {name: request.form.get(name, "").strip() for name in form}
        transcript = simulate_inbound_call(
            current_app,
            form["from"],
            form["to"] or None,
            form["keys"].replace(",", " ").split(),
            agent_answers=request.form.get("agent_answers") == "on",
            record_text=form["record_text"] or None,
        )
    return render_template("phone.html", form=form, transcript=transcript, messages=_messages(staff))


def _messages(staff):
    """The stand-in's latest text messages to ``staff``'s own phone, newest first."""
    if not staff.phone:
        return []
    return list(reversed(get_state(current_app).messages_to(staff.phone)[-MESSAGES_SHOWN:]))
