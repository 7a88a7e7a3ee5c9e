"""Server-rendered console pages: sign-in and the first page."""

from flask import Blueprint, redirect, render_template, request, session, url_for

from crm.auth import check_csrf, current_staff
from crm.errors import Forbidden
from crm.extensions import db
from crm.services.staff import check_login

console = Blueprint("console", __name__, template_folder="templates", static_folder="static")


@console.get("/")
def home():
    staff = current_staff()
    if staff is None:
        return redirect(url_for("console.login"))
    return render_template("home.html", staff=staff)


@console.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        try:
            check_csrf(request.form.get("csrf_token"))
        except Forbidden as exc:
            return render_template("login.html", error=exc.message), 400
        staff = check_login(db.session, request.form.get("job_no", "").strip(), request.form.get("password", ""))
        if staff:
            session.clear()
            session["staff_id"] = staff.id
            return redirect(url_for("console.home"))
        error = "Wrong job number or password."
    status = 401 if error else 200
    return render_template("login.html", error=error), status


@console.post("/logout")
def logout():
    check_csrf(request.form.get("csrf_token"))
    session.clear()
    return redirect(url_for("console.login"))
