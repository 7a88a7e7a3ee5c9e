"""Supervision reports: the call-quality report (DOMAIN §8, issue 11 item 6) as JSON, CSV and Excel.

A report on demand covers at most 31 days (422 beyond: longer periods are report runs of kind ``call_quality``).
Supervisors get their branch, admins all branches or the one they name; agents no report (403).
"""

from flask import current_app
from flask_smorest import Blueprint

from crm.api.schemas.reports import ReportOut, ReportQuery
from crm.auth import current_staff, roles
from crm.extensions import db
from crm.services.quality import call_quality, exports

URL = "reports"
blp = Blueprint("reports", __name__, description="Supervision reports: call quality (服务质量)")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def pull(args):
    """The report the query asks for, as the signed-in supervisor or admin may see it."""
    call_quality.check_interactive_period(args["start"], args["end"])
    return call_quality.build_report(
        db.session, current_staff(), args["start"], args["end"], args["group_by"], args.get("branch_id")
    )


@blp.get("/call-quality")
@roles("supervisor", "admin")
@blp.arguments(ReportQuery, location="query")
@blp.response(200, ReportOut)
def call_quality_json(args):
    """Calls offered, answered, abandoned; service level, ASA, AHT, FCR, CSAT and mean score per group, per day
    and in total; complaints by category, outcome and branch; deadline compliance per case kind."""
    return pull(args)


@blp.get("/call-quality.csv")
@roles("supervisor", "admin")
@blp.arguments(ReportQuery, location="query")
@blp.response(200, {"type": "string"}, content_type="text/csv")
def call_quality_csv(args):
    """The same report as one CSV file (UTF-8 with a byte-order mark, so Excel reads the Chinese labels)."""
    report = pull(args)
    return _download(exports.report_csv(report).encode("utf-8-sig"), "text/csv", "csv", report)


@blp.get("/call-quality.xlsx")
@roles("supervisor", "admin")
@blp.arguments(ReportQuery, location="query")
@blp.response(200, {"type": "string", "format": "binary"}, content_type=XLSX)
def call_quality_xlsx(args):
    """The same report as an Excel workbook: sheets Rows, Daily, Complaints, Deadlines and Report."""
    report = pull(args)
    return _download(exports.report_xlsx(report), XLSX, "xlsx", report)


def _download(content, mimetype, extension, report):
    period = report["period"]
    name = f"call-quality-{period['start']}-{period['end']}-{report['group_by']}.{extension}"
    return current_app.response_class(
        content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
