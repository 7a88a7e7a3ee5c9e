"""Admin pages for case clocks: the deadline policies and the calendar's overrides."""

from crm.console.admin import admin_page, render_admin
from crm.console.views import console
from crm.extensions import db
from crm.models.cases import CLOCKS, DEADLINE_UNITS, KINDS
from crm.services.cases import deadlines
from crm.services.cases.calendar import installation


@console.get("/admin/deadline-policies")
@admin_page
def admin_policies():
    return render_admin(
        "admin/policies.html",
        policies=deadlines.list_policies(db.session),
        kinds=KINDS,
        clocks=CLOCKS,
        units=DEADLINE_UNITS,
    )


@console.get("/admin/calendar")
@admin_page
def admin_calendar():
    return render_admin(
        "admin/calendar.html",
        overrides=installation.list_overrides(db.session),
        kinds=installation.OVERRIDE_KINDS,
    )
