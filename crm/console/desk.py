"""The agent desk: the softphone, the screen pop, the greeting, the wrap-up and the agent's own work.

The softphone (``static/softphone.js``) runs the real Twilio Voice SDK when a Twilio account is
configured (``data-mode="twilio"``), else a simulated device driving the local Twilio stand-in
(``crm/console/softphone.py``); both learn of the agent's calls without polling (``/desk/events``).
"""

from flask import current_app, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm.auth import current_staff
from crm.console.nav import menu_entry
from crm.console.views import console

# The softphone's states, and the presence a page (re)load starts from.
STATES = {
    "offline": _l("Offline"),
    "ready": _l("Ready for calls"),
    "ringing": _l("Ringing"),
    "in-call": _l("In call"),
    "wrap-up": _l("Wrap-up"),
    "busy": _l("Busy"),
}
START_STATE = {"offline": "offline", "ready": "ready", "busy": "busy", "wrap_up": "wrap-up"}


@console.get("/desk")
@menu_entry(_l("Desk"), roles=("agent", "supervisor"), order=10)
def desk():
    staff = current_staff()
    if staff is None:
        return redirect(url_for("console.login"))
    mode = "twilio" if current_app.config["TWILIO_ACCOUNT_SID"] else "simulated"
    return render_template(
        "desk/desk.html",
        staff=staff,
        mode=mode,
        state=START_STATE.get(staff.presence, "offline"),
        states=STATES,
        texts=_softphone_texts(),
    )


def _softphone_texts():
    """What softphone.js shows, in the page's language (the script carries no texts of its own)."""
    return {
        "states": {key: str(label) for key, label in STATES.items()},
        "caller_known": _("A customer on file is calling"),
        "caller_unknown": _("An unknown number is calling"),
        "outgoing": _("Calling…"),
        "failed": _("The softphone could not do that. Try again."),
        "no_device": _("The softphone could not start: reload the page."),
        "wrap_up_first": _("Finish the wrap-up before going ready."),
    }
