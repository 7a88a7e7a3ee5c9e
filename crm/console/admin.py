"""The admin pages' frame: the admins-only guard and the landing page linking to each admin page.

Each admin area has its own module (``admin_org``, ``admin_telephony``, ``admin_policies``,
``admin_quality``, ``admin_jobs``); their pages list through the services and write through the API
(``<form data-api=…>``), so the console never applies a rule of its own. Only the landing page is in the
main menu; the others are reached from it and from the admin pages' own menu (``admin/_layout.html``).
"""

from functools import wraps

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm.auth import current_staff
from crm.console.nav import menu_entry
from crm.console.views import console
from crm.errors import Forbidden

# (endpoint, label, what the page is for), in the order of the landing page and the admin menu
SECTIONS = (
    ("console.admin_branches", _l("Branches"), _l("Branches, their hotline, head and welcome SMS.")),
    ("console.admin_staff", _l("Staff and roles"), _l("Accounts, roles, branches, sign-in locks and API tokens.")),
    ("console.admin_phone_lines", _l("Phone lines"), _l("The numbers the IVR answers and their branch.")),
    ("console.admin_scripts", _l("Greeting scripts"), _l("Texts, recordings, holiday variants and a preview.")),
    ("console.admin_policies", _l("Deadline policies"), _l("Time limits per case kind, VIP and clock.")),
    ("console.admin_calendar", _l("Calendar overrides"), _l("Extra holidays and make-up working days.")),
    ("console.admin_surveys", _l("Surveys"), _l("The callback surveys and their questions.")),
    ("console.admin_qa_phrases", _l("QA phrases"), _l("Greetings, closings, read-back cues and forbidden words.")),
    ("console.admin_jobs", _l("Failed jobs"), _l("Background jobs that failed for good; run them again.")),
)


def admin_page(view):
    """Admins only: a stranger is sent to sign in, anyone else gets the console's 403 page (as the admin API
    refuses them)."""

    @wraps(view)
    def guarded(*args, **kwargs):
        staff = current_staff()
        if staff is None:
            return redirect(url_for("console.login"))
        if staff.role != "admin":
            raise Forbidden(_("Only admins may open the administration pages."))
        return view(*args, **kwargs)

    return guarded


def render_admin(template, **context):
    """An admin page, with the admin menu's sections."""
    return render_template(template, sections=SECTIONS, staff=current_staff(), **context)


@console.get("/admin")
@menu_entry(_l("Administration"), roles=("admin",), order=90)
@admin_page
def admin_home():
    return render_admin("admin/home.html")
