"""Server-rendered console pages: sign-in and the first page."""

from flask import Blueprint, redirect, render_template, request, url_for
from sqlalchemy import select

from crm import signin
from crm.api.common import paginate
from crm.auth import check_csrf, current_staff, end_session, start_session
from crm.errors import Forbidden
from crm.extensions import db
from crm.models import Customer
from crm.services.customers.records import customer_view
from crm.services.org.access import visible
from crm.services.org.staff import check_login

PAGE_SIZE = 50

console = Blueprint("console", __name__, template_folder="templates", static_folder="static")


@console.get("/")
def home():
    staff = current_staff()
    if staff is None:
        return redirect(url_for("console.login"))
    page = paginate(
        visible(select(Customer), staff).order_by(Customer.name, Customer.id),
        {"page": max(request.args.get("page", 1, type=int), 1), "per_page": PAGE_SIZE},
    )
    rows = [customer_view(customer, staff) for customer in page["items"]]
    return render_template("home.html", staff=staff, page=page, rows=rows)


@console.route("/login", methods=["GET", "POST"])
@signin.throttled
def login():
    error = None
    if request.method == "POST":
        try:
            check_csrf(request.form.get("csrf_token"))
        except Forbidden as exc:
            return render_template("login.html", error=exc.message), 400
        staff = check_login(db.session, request.form.get("job_no", ""), request.form.get("password", ""))
        if staff:
            start_session(staff)
            db.session.commit()
            return redirect(url_for("console.home"))
        error = "Wrong job number or password."
    status = 401 if error else 200
    return render_template("login.html", error=error), status


@console.errorhandler(429)
def locked_out(error):
    """Too many failed sign-ins: the form again with why (Flask-Limiter adds ``Retry-After``)."""
    return render_template("login.html", error=signin.LOCKED_MESSAGE), 429


@console.post("/logout")
def logout():
    check_csrf(request.form.get("csrf_token"))
    end_session()
    db.session.commit()
    return redirect(url_for("console.login"))
