"""The admin pages: organisation, telephony, policies, surveys, QA phrases and failed jobs."""

from flask import abort, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from crm.auth import current_staff
from crm.console.nav import menu_entry
from crm.console.views import console


@console.get("/admin")
@menu_entry(_l("Administration"), roles=("admin",), order=90)
def admin_home():
    staff = current_staff()
    if staff is None:
        return redirect(url_for("console.login"))
    if staff.role != "admin":
        abort(403)
    return render_template("admin/home.html", staff=staff)
