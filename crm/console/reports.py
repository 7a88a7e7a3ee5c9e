"""The printable call-quality report page (issue 11 item 6): tables, and Chart.js charts when it is installed.

Same parameters as ``GET /api/v1/reports/call-quality``; supervisors and admins only. The chart data travel
as JSON in a ``<script type="application/json">`` block that ``static/report_charts.js`` reads (the console's
policy allows no inline script). Without ``static/vendor/chart.js`` the page still prints its tables.
"""

from datetime import date, timedelta

from flask import abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from crm.auth import current_staff
from crm.console.nav import menu_entry
from crm.console.views import console
from crm.core.clock import local, now
from crm.errors import DomainError
from crm.extensions import db
from crm.services.quality import call_quality
from crm.services.quality.call_quality_queries import GROUPS
from crm.services.quality.exports import METRICS

DEFAULT_DAYS = 7


@console.get("/reports/call-quality")
@menu_entry(_l("Call quality"), roles=("supervisor", "admin"), order=40)
def call_quality_page():
    staff = current_staff()
    if staff is None:
        return redirect(url_for("console.login"))
    if staff.role not in ("supervisor", "admin"):
        abort(403)
    query = _query()
    if query is None:
        abort(400)
    try:
        call_quality.check_interactive_period(query["start"], query["end"])
        report = call_quality.build_report(db.session, staff, **query)
    except DomainError as exc:
        return render_template("call_quality.html", query=query, error=exc.message, groups=GROUPS), exc.status
    return render_template(
        "call_quality.html",
        query=query,
        report=report,
        metrics=METRICS,
        groups=GROUPS,
        chart=_chart_data(report),
        downloads=_downloads(query),
    )


def _query():
    """The page's parameters, defaulting to the last seven days by agent; None when a date is malformed."""
    today = local(now()).date()
    try:
        end = date.fromisoformat(request.args.get("end") or today.isoformat())
        start = date.fromisoformat(request.args.get("start") or (end - timedelta(days=DEFAULT_DAYS - 1)).isoformat())
    except ValueError:
        return None
    group_by = request.args.get("group_by", "agent")
    return {"start": start, "end": end, "group_by": group_by, "branch_id": request.args.get("branch_id", type=int)}


def _downloads(query):
    args = {name: value.isoformat() if isinstance(value, date) else value for name, value in query.items()}
    args = {name: value for name, value in args.items() if value is not None}
    return {kind: url_for(f"reports.call_quality_{kind}", **args) for kind in ("csv", "xlsx")}


def _chart_data(report):
    """What the two charts draw: the groups side by side, and the trend per day."""
    return {
        "groups": {
            "labels": [row["label"] for row in report["rows"]],
            "offered": [row["offered"] for row in report["rows"]],
            "answered": [row["answered"] for row in report["rows"]],
        },
        "daily": {
            "labels": [day["day"] for day in report["daily"]],
            "offered": [day["offered"] for day in report["daily"]],
            "answered": [day["answered"] for day in report["daily"]],
            "service_level": [day["service_level"] for day in report["daily"]],
        },
    }
