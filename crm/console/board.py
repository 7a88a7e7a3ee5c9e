"""The supervisor board: overdue and escalated cases, presence, and the supervision pages."""

from flask import abort, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from crm.auth import current_staff
from crm.console.nav import menu_entry
from crm.console.views import console


@console.get("/board")
@menu_entry(_l("Supervisor board"), roles=("supervisor", "admin"), order=20)
def board():
    staff = current_staff()
    if staff is None:
        return redirect(url_for("console.login"))
    if staff.role not in ("supervisor", "admin"):
        abort(403)
    return render_template("board/board.html", staff=staff)
