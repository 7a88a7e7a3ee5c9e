"""The console's frame: sign-in and sign-out, the language switch, CSRF on every form, the landing page.

Every unsafe request to a console page must carry Flask-WTF's CSRF token (the form's ``csrf_token``
field or the ``X-CSRF-Token`` header); a page that fails it gets 400 and changes nothing. After sign-in
each role lands on its own page (served at ``/``): agents on the desk, supervisors on the board, admins on the
admin pages.
"""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm import signin
from crm.auth import check_csrf, current_staff, end_session, start_session
from crm.console.nav import menu_for
from crm.errors import Forbidden
from crm.extensions import db
from crm.i18n import COOKIE, COOKIE_SECONDS, LANGUAGES
from crm.services.org.staff import check_login, set_language

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
ROLE_NAMES = {"agent": _l("Agent"), "supervisor": _l("Supervisor"), "admin": _l("Admin")}
LANDING = {"agent": "console.desk", "supervisor": "console.board", "admin": "console.admin_home"}

console = Blueprint("console", __name__, template_folder="templates", static_folder="static")


@console.app_context_processor
def menu():
    return {"menu_for": menu_for, "ROLE_NAMES": ROLE_NAMES}


@console.before_request
def require_csrf_token():
    if request.method not in SAFE_METHODS:
        check_csrf(request.form.get("csrf_token") or request.headers.get("X-CSRF-Token"))


@console.errorhandler(Forbidden)
def forbidden(exc):
    """A failed CSRF check is a bad request (the page was stale or forged); other refusals are 403."""
    status = 400 if exc.code == "csrf" else 403
    return render_template("error.html", message=exc.message), status


@console.get("/")
def home():
    staff = current_staff()
    if staff is None:
        return redirect(url_for("console.login"))
    return current_app.view_functions[LANDING[staff.role]]()


@console.route("/login", methods=["GET", "POST"])
@signin.throttled
def login():
    error = None
    if request.method == "POST":
        staff = check_login(db.session, request.form.get("job_no", ""), request.form.get("password", ""))
        if staff:
            start_session(staff)
            chosen = request.cookies.get(COOKIE)
            if chosen in LANGUAGES:
                set_language(db.session, staff, chosen)
            db.session.commit()
            response = redirect(url_for("console.home"))
            if chosen not in LANGUAGES:  # a new browser: the person's own language
                response.set_cookie(COOKIE, staff.language, max_age=COOKIE_SECONDS, samesite="Lax", httponly=True)
            return response
        error = _("Wrong job number or password.")
    status = 401 if error else 200
    return render_template("login.html", error=error), status


@console.errorhandler(429)
def locked_out(error):
    """Too many failed sign-ins: the form again with why (Flask-Limiter adds ``Retry-After``)."""
    message = _("Too many failed sign-ins; try again later or ask an admin to unlock the account.")
    return render_template("login.html", error=message), 429


@console.post("/logout")
def logout():
    end_session()
    db.session.commit()
    return redirect(url_for("console.login"))


@console.post("/language")
def language():
    """Keep the person's choice of language (a year-long cookie, and for the signed-in person their
    ``staff.language``, which the texts sent to them follow) and go back to the page they were on."""
    chosen = request.form.get("language")
    response = make_response(redirect(_same_site(request.form.get("next")) or url_for("console.home")))
    if chosen in LANGUAGES:
        response.set_cookie(COOKIE, chosen, max_age=COOKIE_SECONDS, samesite="Lax", httponly=True)
        if (staff := current_staff()) is not None:
            set_language(db.session, staff, chosen)
            db.session.commit()
    return response


def _same_site(url):
    """``url`` when it is a path on this site (never an open redirect)."""
    if not url:
        return None
    parts = urlsplit(url)
    return url if not parts.scheme and not parts.netloc and url.startswith("/") and not url.startswith("//") else None
