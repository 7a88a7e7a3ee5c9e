"""The call-quality report (DOMAIN §8, issue 11 item 6): per period, grouped by agent, team, branch or day.

``build_report`` answers the JSON of the shared contract. The period is local days ``[start, end]`` of the
installation calendar, turned into UTC instants; a call belongs to the local day its ``started_at`` falls
in (a call crossing midnight counts on the day it started). Teams are branches: an agent's team is the
branch they belong to (``Staff.branch_id``), while "branch" groups calls by the branch of the line dialled.

The database computes every counter (``call_quality_queries``, one statement per section); the counters
come per group and local day, so the rows, the daily trend and the totals are sums of the same numbers,
and the rates are taken from those sums last. Each formula is in the README ("Call-quality report").
"""

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from crm.core.clock import now, zone
from crm.errors import InvalidInput
from crm.models import Branch, Staff
from crm.services.activity.attainment import attainment_rows
from crm.services.org import access
from crm.services.quality import call_quality_queries as queries
from crm.services.quality.qa_summary import qa_summary

# A report pulled on demand covers at most this many days; longer ones are report runs (queued).
INTERACTIVE_MAX_DAYS = 31
CALL_COUNTERS = (
    "offered",
    "answered",
    "abandoned_in_queue",
    "abandoned_ringing",
    "to_voicemail",
    "answered_within_sl",
    "wait_sum",
    "wait_count",
    "talk_sum",
    "talk_count",
    "fcr_calls",
    "fcr_resolved",
)
SURVEY_COUNTERS = ("surveyed", "satisfied", "scores", "score_sum")
# Sums the rates are taken from, kept out of the report itself.
INTERNAL = ("wait_sum", "wait_count", "talk_sum", "talk_count", "score_sum")
NONE_KEY = "none"


def check_interactive_period(start, end):
    """422 unless ``[start, end]`` is ordered and at most ``INTERACTIVE_MAX_DAYS`` long."""
    _check_order(start, end)
    if (end - start).days + 1 > INTERACTIVE_MAX_DAYS:
        raise InvalidInput(
            f"Over {INTERACTIVE_MAX_DAYS} days is a report run: POST /api/v1/reports/runs with kind call_quality.",
            {"end": [f"At most {INTERACTIVE_MAX_DAYS} days after start; longer periods are report runs."]},
        )


def _check_order(start, end):
    if end < start:
        raise InvalidInput("The period ends before it starts.", {"end": ["Must not be before start."]})


def build_report(session, viewer, start, end, group_by, branch_id=None, progress=None):
    """The report of local days ``[start, end]`` as ``viewer`` may see it (``access.report_branch``)."""
    if group_by not in queries.GROUPS:
        raise InvalidInput("Unknown grouping.", {"group_by": [f"One of {', '.join(queries.GROUPS)}."]})
    _check_order(start, end)
    scope = _scope(start, end, group_by, access.report_branch(viewer, branch_id))
    report_progress = progress or (lambda fraction: None)
    by_key_day = defaultdict(dict)
    for row in queries.call_counts(session, scope):
        by_key_day[row["group_key"], row["local_day"]].update(_counters(row, CALL_COUNTERS))
    report_progress(0.4)
    for row in queries.survey_counts(session, scope):
        by_key_day[row["group_key"], row["local_day"]].update(_counters(row, SURVEY_COUNTERS))
    report_progress(0.6)
    complaints = queries.complaint_counts(session, scope)
    report_progress(0.8)
    deadlines = [{**row, "rate": _ratio(row["met"], row["due"])} for row in queries.deadline_counts(session, scope)]
    qa = qa_summary(session, scope.lo, scope.hi, scope.branch_id)
    report_progress(0.9)
    attainment = _attainment(session, start, end, group_by, scope.branch_id)
    report_progress(1.0)
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "group_by": group_by,
        "branch_id": scope.branch_id,
        "settings": {
            "service_level_seconds": scope.service_level_seconds,
            "fcr_window_days": scope.fcr_window_days,
            "timezone": zone().key,
        },
        "rows": _rows(session, group_by, by_key_day),
        "totals": _metrics(_sum(by_key_day.values())),
        "daily": _daily(scope, by_key_day),
        "complaints": _name_branches(session, complaints),
        "deadlines": deadlines,
        "qa": qa,
        "attainment": attainment,
    }


def _attainment(session, start, end, group_by, branch_id):
    """Quota attainment over the period, for the targets owed in it: per manager when the report is by agent
    (or by day), per team otherwise."""
    group = "manager" if group_by in ("agent", "day") else "team"
    rows = attainment_rows(session, start, end, group=group, branch_id=branch_id)
    return [row for row in rows if row["target"] is not None]


def _scope(start, end, group_by, branch_id):
    days = []
    day = start
    while day <= end:
        days.append((day, _local_midnight(day), _local_midnight(day + timedelta(days=1))))
        day += timedelta(days=1)
    config = current_app.config
    return queries.Scope(
        lo=days[0][1],
        hi=days[-1][2],
        days=tuple(days),
        group_by=group_by,
        branch_id=branch_id,
        service_level_seconds=config["SERVICE_LEVEL_SECONDS"],
        fcr_window_days=config["FCR_WINDOW_DAYS"],
        until=now(),
    )


def _local_midnight(day):
    """The UTC instant a local day starts (the installation's zone, daylight saving included)."""
    return datetime.combine(day, time(0), zone()).astimezone(UTC)


def _counters(row, names):
    return {name: row[name] or 0 for name in names}


def _sum(counter_sets):
    total = dict.fromkeys(CALL_COUNTERS + SURVEY_COUNTERS, 0)
    for counters in counter_sets:
        for name, value in counters.items():
            total[name] += value
    return total


def _rows(session, group_by, by_key_day):
    per_key = defaultdict(list)
    for (key, _day), counters in by_key_day.items():
        per_key[NONE_KEY if key is None else str(key)].append(counters)
    labels = _labels(session, group_by, [key for key in per_key if key != NONE_KEY])
    return [
        {"key": key, "label": labels.get(key, key), **_metrics(_sum(per_key[key]))}
        for key in sorted(per_key, key=_sort_key)
    ]


def _sort_key(key):
    """Ids in numeric order, days in date order, the calls of no agent last."""
    return (key == NONE_KEY, int(key) if key.isdigit() else 0, key)


def _labels(session, group_by, keys):
    if group_by == "day" or not keys:
        return {NONE_KEY: NONE_LABELS.get(group_by, NONE_KEY)}
    ids = [int(key) for key in keys]
    if group_by == "agent":
        rows = session.execute(select(Staff.id, Staff.name, Staff.job_no).where(Staff.id.in_(ids)))
        named = {str(id_): f"{name}（{job_no}）" for id_, name, job_no in rows}
    else:
        named = {str(id_): name for id_, name in _branch_names(session, ids).items()}
    return {**named, NONE_KEY: NONE_LABELS[group_by]}


NONE_LABELS = {"agent": "未接通坐席 (no agent)", "team": "未接通坐席 (no agent)", "branch": "未知营业部 (no branch)"}


def _daily(scope, by_key_day):
    per_day = defaultdict(list)
    for (_key, day), counters in by_key_day.items():
        per_day[day].append(counters)
    return [{"day": day.isoformat(), **_metrics(_sum(per_day[day.isoformat()]))} for day, _, _ in scope.days]


def _metrics(total):
    """The published metrics of summed counters: the counts, and the rates and means taken from them."""
    metrics = {name: value for name, value in total.items() if name not in INTERNAL}
    metrics.update(
        service_level=_ratio(total["answered_within_sl"], total["offered"]),
        asa_seconds=_mean(total["wait_sum"], total["wait_count"]),
        aht_seconds=_mean(total["talk_sum"], total["talk_count"]),
        fcr_rate=_ratio(total["fcr_resolved"], total["fcr_calls"]),
        csat=_ratio(total["satisfied"], total["surveyed"]),
        mean_score=_mean(total["score_sum"], total["scores"], digits=2),
    )
    return metrics


def _ratio(part, whole):
    return round(part / whole, 4) if whole else None


def _mean(amount, count, digits=1):
    return round(amount / count, digits) if count else None


def _name_branches(session, complaints):
    names = _branch_names(session, [row["branch_id"] for row in complaints["by_branch"]])
    by_branch = [{**row, "branch": names.get(row["branch_id"])} for row in complaints["by_branch"]]
    return {**complaints, "by_branch": by_branch}


def _branch_names(session, ids):
    return dict(session.execute(select(Branch.id, Branch.name).where(Branch.id.in_(ids))).all()) if ids else {}
