"""The daily risk-classification tables (S2 §8.4): each working morning, once business opens, one table
per branch (for its supervisors) and one of every branch (for the operations director, admins), each as
CSV and as Excel, kept as scheduled report runs.

Runs of the schedule repeated, retried or lost change nothing: each table has a dedupe key (day, scope,
format), so a day's tables are made once; the report-run sweep finishes any whose job was lost.
"""

from sqlalchemy import select

from crm.models import Branch, ReportRun
from crm.models.reports import FORMATS
from crm.services.cases.calendar.installation import installation_calendar
from crm.services.quality import report_runs, risk_table


def schedule(session, at, enqueue):
    """On a working day inside business hours, make the day's missing tables, commit and ``enqueue``
    each; the ids of the runs made (none on a holiday, a weekend, outside hours, or when made already)."""
    calendar = installation_calendar(session)
    if not calendar.is_open(at):
        return []
    day = at.astimezone(calendar.zone).date()
    made = set(
        session.scalars(select(ReportRun.dedupe_key).where(ReportRun.kind == risk_table.KIND, ReportRun.for_day == day))
    )
    created = []
    for branch_id in [None, *session.scalars(select(Branch.id).order_by(Branch.id))]:
        for fmt in FORMATS:
            key = f"{risk_table.KIND}:{day.isoformat()}:{branch_id or 'all'}:{fmt}"
            if key in made:
                continue
            params = {"branch_id": branch_id, "day": day.isoformat()}
            run = report_runs.schedule_run(session, risk_table.KIND, params, fmt, branch_id, day, key, at)
            if run is not None:
                created.append(run)
    session.commit()
    for run in created:
        enqueue(run.id)
    return [run.id for run in created]
