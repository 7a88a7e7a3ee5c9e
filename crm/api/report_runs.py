"""Report runs (issue 11 items 6, 7): ask for a report, follow its progress, download its kept file; and
the daily risk-classification tables (风险承受能力客户分类表). Supervisors for their branch, admins any;
agents none. The work happens on the ``reports`` queue (``workers.reports``)."""

from flask import current_app
from flask_smorest import Blueprint

from crm.api.common import page_schema, paginate
from crm.api.schemas.report_runs import RiskTableQuery, RunIn, RunOut, RunQuery
from crm.auth import current_staff, roles
from crm.core import clock
from crm.extensions import db
from crm.services.quality import report_runs, risk_table
from crm.services.quality.report_files import store_from
from workers.reports import enqueue_run

URL = "reports"
blp = Blueprint("report_runs", __name__, description="Reports worked out on the queue, with progress and kept files")


@blp.post("/runs")
@roles("supervisor", "admin")
@blp.arguments(RunIn)
@blp.response(202, RunOut)
def request_run(data):
    """Ask for a report (``kind``, its ``params``, ``format`` csv or xlsx): queued at once, worked out on the
    reports queue; follow it with ``GET /reports/runs/<id>``. Supervisors ask for their own branch only."""
    run = report_runs.request_run(db.session, current_staff(), data["kind"], data["params"], data["format"])
    db.session.commit()
    try:
        enqueue_run(run.id)
    except Exception as exc:  # noqa: BLE001 — the run is safe in the database: the sweep enqueues it later
        current_app.logger.warning("report run %s not enqueued (%s)", run.id, type(exc).__name__)
    return run


@blp.get("/runs")
@roles("supervisor", "admin")
@blp.arguments(RunQuery, location="query")
@blp.response(200, page_schema(RunOut, "ReportRunPage"))
def list_runs(query):
    """The runs you asked for, newest first (admins: every run, scheduled ones included)."""
    return paginate(report_runs.runs_query(current_staff(), query.get("kind")), query)


@blp.get("/runs/<int:run_id>")
@roles("supervisor", "admin")
@blp.response(200, RunOut)
def get_run(run_id):
    """A run's state and progress (0–100)."""
    return report_runs.get_run(db.session, current_staff(), run_id)


@blp.get("/runs/<int:run_id>/file")
@roles("supervisor", "admin")
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/octet-stream")
def download(run_id):
    """The finished run's file (409 ``report_not_ready`` before); every download serves the same kept file."""
    run = report_runs.get_run(db.session, current_staff(), run_id)
    content = report_runs.read_file(store_from(current_app.config), run)
    # The kept file's name: ASCII only (report_files), safe in a header.
    return current_app.response_class(
        content,
        mimetype=run.content_type,
        headers={"Content-Disposition": f'attachment; filename="{run.file_path.rsplit("/", 1)[-1]}"'},
    )


@blp.get("/risk-classification")
@roles("supervisor", "admin")
@blp.arguments(RiskTableQuery, location="query")
@blp.response(200, RunOut(many=True))
def risk_tables(query):
    """The day's kept risk-classification tables (CSV and Excel): admins every branch's and the all-branch
    one, supervisors their branch's. Download each through ``/reports/runs/<id>/file``; ask for a fresh one
    with ``POST /reports/runs`` (kind ``risk_classification``)."""
    day = query.get("on") or clock.local(clock.now()).date()
    return report_runs.scheduled_runs(db.session, current_staff(), risk_table.KIND, day)
