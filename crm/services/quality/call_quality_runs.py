"""The call-quality report as a report run (issue 11 item 6): long periods (a quarter, every branch) are worked
out on the ``reports`` queue and kept as a CSV or Excel file. A kind of ``report_runs``.

Params: ``start`` and ``end`` (local days, ISO, at most ``MAX_DAYS`` days), ``group_by`` (default ``agent``, as
on demand) and ``branch_id`` (admins one branch or none for all; supervisors get their own). The quarterly
report to head office is ``{"quarter": "2026Q4"}``: that quarter's days, grouped by branch unless ``group_by``
says otherwise (the run's format defaults to xlsx). Asked for by a supervisor or an admin, never scheduled.
"""

import re
from datetime import date, timedelta

from crm.errors import InvalidInput
from crm.services.org import access
from crm.services.org.organisation import branch_by_id
from crm.services.quality import exports
from crm.services.quality.call_quality import build_report
from crm.services.quality.call_quality_queries import GROUPS
from crm.services.quality.report_files import CONTENT_TYPES, ReportFile

KIND = "call_quality"
MAX_DAYS = 366  # a year, leap day included
PARAMS = {"start", "end", "group_by", "branch_id", "quarter"}
QUARTER = re.compile(r"([12]\d{3})Q([1-4])")
# The share of the progress bar the report's sections take; writing the file is the rest.
REPORT_SHARE = 0.9


def scope(session, viewer, params, today):
    """Check ``params`` against ``viewer``: the params the run keeps (period, grouping, branch, and the quarter
    when named) and the branch it covers (None: every branch). 422 on bad params, 403 on another branch."""
    unknown = set(params) - PARAMS
    if unknown:
        raise InvalidInput("Unknown parameters.", {"params": [f"Not a parameter: {', '.join(sorted(unknown))}."]})
    quarter = params.get("quarter")
    if quarter is not None and {"start", "end"} & set(params):
        raise InvalidInput("A quarter or a period, not both.", {"params": ["Give quarter, or start and end."]})
    start, end = quarter_days(quarter) if quarter is not None else _period(params)
    group_by = params.get("group_by", "branch" if quarter is not None else "agent")
    if group_by not in GROUPS:
        raise InvalidInput("Unknown grouping.", {"params": [f"group_by is one of {', '.join(GROUPS)}."]})
    branch_id = params.get("branch_id")
    if branch_id is not None and (isinstance(branch_id, bool) or not isinstance(branch_id, int)):
        raise InvalidInput("branch_id is a branch's id.", {"params": ["branch_id must be an integer or null."]})
    if viewer is not None:
        branch_id = access.report_branch(viewer, branch_id)
    branch_by_id(session, branch_id)
    kept = {"start": start.isoformat(), "end": end.isoformat(), "group_by": group_by, "branch_id": branch_id}
    return ({**kept, "quarter": quarter} if quarter is not None else kept), branch_id


def quarter_days(quarter):
    """The first and last day of ``quarter`` (``YYYYQn``); 422 when it is not one."""
    match = QUARTER.fullmatch(quarter) if isinstance(quarter, str) else None
    if match is None:
        raise InvalidInput("Not a quarter.", {"params": ["quarter is written like 2026Q4."]})
    year, number = int(match[1]), int(match[2])
    start = date(year, 3 * number - 2, 1)
    after = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return start, after - timedelta(days=1)


def _period(params):
    start, end = _day(params, "start"), _day(params, "end")
    if end < start:
        raise InvalidInput("The period ends before it starts.", {"params": ["end must not be before start."]})
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidInput(f"A report run covers at most {MAX_DAYS} days.", {"params": ["The period is too long."]})
    return start, end


def _day(params, name):
    try:
        return date.fromisoformat(params[name])
    except (KeyError, TypeError, ValueError):
        raise InvalidInput(
            f"{name} is a day.", {"params": [f"{name} is a day, YYYY-MM-DD (or give a quarter)."]}
        ) from None


def build(session, viewer, params, fmt, progress):
    """The report of ``params`` as ``viewer`` may see it, as a CSV (UTF-8 with a byte-order mark) or Excel file."""
    start, end = date.fromisoformat(params["start"]), date.fromisoformat(params["end"])
    report = build_report(
        session,
        viewer,
        start,
        end,
        params["group_by"],
        params["branch_id"],
        progress=lambda fraction: progress(REPORT_SHARE * fraction),
    )
    content = exports.report_csv(report).encode("utf-8-sig") if fmt == "csv" else exports.report_xlsx(report)
    return ReportFile(content, CONTENT_TYPES[fmt], f"{filename_stem(session, params)}.{fmt}")


def filename_stem(session, params):
    """``call-quality-<quarter or start-end>-<grouping>-<branch code or all>``, e.g.
    ``call-quality-2026Q4-branch-all``."""
    period = params.get("quarter") or f"{params['start']}-{params['end']}"
    branch = branch_by_id(session, params["branch_id"])
    return f"call-quality-{period}-{params['group_by']}-{branch.code if branch else 'all'}"
