"""The agent desk: the softphone, the screen pop, the greeting, the wrap-up and the agent's own work."""

from flask import redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from crm.auth import current_staff
from crm.console.nav import menu_entry
from crm.console.views import console


@console.get("/desk")
@menu_entry(_l("Desk"), roles=("agent", "supervisor"), order=10)
def desk():
    staff = current_staff()
    if staff is None:
        return redirect(url_for("console.login"))
    return render_template("desk/desk.html", staff=staff)
