"""The call-quality report as files: one CSV, or an Excel workbook with a sheet per section.

Both carry the report's numbers as they are in its JSON (rates as fractions such as 0.4444, seconds with one
decimal, an empty cell where a rate has no calls to be taken from).

CSV layout: the first table is the report's rows under one header line (``key``, ``label`` and one column
per metric), closed by a ``total`` row. Each further section follows after an empty line, as a title line
(``# daily``, ``# complaints by category``, ``# complaints by outcome``, ``# complaints by branch``,
``# deadlines``, ``# qa by agent`` (closed by a ``total`` row), ``# qa top flags``, ``# attainment``) then its
own header and rows. The last lines name the period and the settings.
"""

import csv
import io

from openpyxl import Workbook

# The report's metrics, in column order, with their headers.
METRICS = (
    ("offered", "Calls offered"),
    ("answered", "Answered"),
    ("abandoned_in_queue", "Abandoned in queue"),
    ("abandoned_ringing", "Abandoned while ringing"),
    ("to_voicemail", "To voicemail"),
    ("answered_within_sl", "Answered within service level"),
    ("service_level", "Service level"),
    ("asa_seconds", "Average speed of answer (s)"),
    ("aht_seconds", "Average handle time (s)"),
    ("fcr_calls", "Answered calls with a customer"),
    ("fcr_resolved", "Resolved at first contact"),
    ("fcr_rate", "First-contact resolution"),
    ("surveyed", "Surveyed (attitude answered)"),
    ("satisfied", "Satisfied"),
    ("csat", "CSAT"),
    ("scores", "Scores given"),
    ("mean_score", "Mean score (1-10)"),
)
BRANCH_COLUMNS = ("branch_id", "branch", "received", "resolved", "open", "founded", "overdue", "reopened")
QA_COLUMNS = ("agent_id", "job_no", "name", "checked", "passed", "open", "pass_rate")
ATTAINMENT_COLUMNS = ("staff_id", "branch_id", "label", "kind", "target_period", "done", "target", "ratio")
TOTAL_KEY = "total"
# Sections shown one under the other on one sheet, by the first word of their title.
SHARED_SHEETS = {"complaints": "Complaints", "qa": "QA"}


def sections(report):
    """``[(title, header, rows)]``: every table of the report, in the order both files show them."""
    metric_names = [name for name, _ in METRICS]
    metric_headers = [header for _, header in METRICS]
    rows = [[row["key"], row["label"], *(row[name] for name in metric_names)] for row in report["rows"]]
    rows.append([TOTAL_KEY, "合计 Total", *(report["totals"][name] for name in metric_names)])
    complaints = report["complaints"]
    return [
        ("rows", ["key", "label", *metric_headers], rows),
        (
            "daily",
            ["day", *metric_headers],
            [[day["day"], *(day[name] for name in metric_names)] for day in report["daily"]],
        ),
        ("complaints by category", ["category", "count"], _table(complaints["by_category"], ("category", "count"))),
        ("complaints by outcome", ["outcome", "count"], _table(complaints["by_outcome"], ("outcome", "count"))),
        ("complaints by branch", list(BRANCH_COLUMNS), _table(complaints["by_branch"], BRANCH_COLUMNS)),
        ("deadlines", ["kind", "due", "met", "rate"], _table(report["deadlines"], ("kind", "due", "met", "rate"))),
        *_qa_sections(report["qa"]),
        ("attainment", list(ATTAINMENT_COLUMNS), _table(report["attainment"], ATTAINMENT_COLUMNS)),
    ]


def _qa_sections(qa):
    agents = _table(qa["agents"], QA_COLUMNS)
    agents.append([TOTAL_KEY, "", "合计 Total", *(qa["overall"][column] for column in QA_COLUMNS[3:])])
    return [
        ("qa by agent", list(QA_COLUMNS), agents),
        ("qa top flags", ["rule", "phrase", "count"], _table(qa["top_flags"], ("rule", "phrase", "count"))),
    ]


def _table(rows, columns):
    return [[row[column] for column in columns] for row in rows]


def _about(report):
    period = report["period"]
    settings = [[name, value] for name, value in report["settings"].items()]
    return [
        ["period_start", period["start"]],
        ["period_end", period["end"]],
        ["group_by", report["group_by"]],
        ["branch_id", report["branch_id"]],
        *settings,
    ]


def report_csv(report):
    """The report as CSV text (layout in the module's docstring)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for n, (title, header, rows) in enumerate(sections(report)):
        if n:
            writer.writerows([[], [f"# {title}"]])
        writer.writerow(header)
        writer.writerows(rows)
    writer.writerows([[], ["# report"], *_about(report)])
    return out.getvalue()


def report_xlsx(report):
    """The report as an Excel workbook (bytes): sheets Rows, Daily, Complaints (its three tables one under the
    other, each under its title), Deadlines, QA (by agent, then the top flags), Attainment, and Report (period
    and settings)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in sections(report):
        shared = SHARED_SHEETS.get(title.split()[0])
        name = shared or title.capitalize()
        if name not in workbook.sheetnames:
            workbook.create_sheet(name)
        sheet = workbook[name]
        if shared:
            if sheet.max_row > 1:
                sheet.append([])
            sheet.append([title])
        _append(sheet, [header, *rows])
    _append(workbook.create_sheet("Report"), _about(report))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _append(sheet, rows):
    for row in rows:
        sheet.append(row)
