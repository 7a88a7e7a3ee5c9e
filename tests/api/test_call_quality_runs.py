"""The call-quality report as a report run: the quarter by branch worked out on the reports queue, its progress
rising, its Excel file carrying the numbers of the report's JSON; who may ask for which branch."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from crm.models import ReportRun
from crm.services.quality import report_runs
from crm.services.quality.call_quality import build_report
from crm.services.quality.exports import METRICS
from tests.api.identity import as_
from tests.report_world import END, START, ReportWorld
from workers.worker import EmbeddedWorker

RUNS = "/api/v1/reports/runs"


@pytest.fixture
def world(db, make, clock):
    return ReportWorld(db.session, make)


def _ask(client, who, params, fmt="xlsx"):
    return client.post(RUNS, json={"kind": "call_quality", "params": params, "format": fmt}, headers=as_(who))


def _committed_progress(db, run_id):
    """The run's state and progress as the API sees them while the worker goes on."""
    with db.engine.connect() as conn:
        return tuple(conn.execute(select(ReportRun.state, ReportRun.progress).where(ReportRun.id == run_id)).one())


def test_the_quarter_by_branch_is_worked_out_on_the_queue_into_excel_with_the_numbers_of_the_json(
    app, db, client, world, queue, monkeypatch
):
    asked = _ask(client, world.admin, {"quarter": "2026Q4"})
    assert asked.status_code == 202
    run = asked.get_json()
    assert (run["state"], run["progress"], run["branch_id"]) == ("queued", 0, None)
    quarter = {"start": "2026-10-01", "end": "2026-12-31", "group_by": "branch", "branch_id": None}
    assert run["params"] == {"quarter": "2026Q4", **quarter}
    seen = []
    record = report_runs._progress

    def spy(session, run_row, fraction):
        record(session, run_row, fraction)
        seen.append(_committed_progress(db, run_row.id))

    monkeypatch.setattr(report_runs, "_progress", spy)

    EmbeddedWorker(["reports"], connection=queue, app=app).work(burst=True)

    progress = [p for state, p in seen if state == "running"]
    assert len(progress) == len(seen) >= 4 and progress == sorted(progress) and 0 < progress[0] < progress[-1] < 100
    done = client.get(f"{RUNS}/{run['id']}", headers=as_(world.admin)).get_json()
    assert (done["state"], done["progress"]) == ("done", 100)
    response = client.get(f"{RUNS}/{run['id']}/file", headers=as_(world.admin))
    assert response.headers["Content-Disposition"].endswith('call-quality-2026Q4-branch-all.xlsx"')
    rows = list(load_workbook(io.BytesIO(response.get_data()))["Rows"].values)
    expected = build_report(db.session, world.admin, date(2026, 10, 1), date(2026, 12, 31), "branch")
    names = [name for name, _ in METRICS]
    assert {row[0]: list(row[2:]) for row in rows[1:]} == {
        key: [row[name] for name in names]
        for key, row in [*((row["key"], row) for row in expected["rows"]), ("total", expected["totals"])]
    }
    # The world's offered calls of the quarter: the nine of 16–17 November, and those of the 15th and the 20th.
    assert expected["totals"]["offered"] == 11 and {row[0] for row in rows[1:]} == {
        str(world.a.id),
        str(world.b.id),
        "total",
    }


def test_a_supervisor_gets_their_branch_as_csv_and_no_other_an_agent_none(app, db, client, world, queue):
    period = {"start": START, "end": END, "group_by": "agent"}
    assert _ask(client, world.supervisor_a, {**period, "branch_id": world.b.id}).status_code == 403
    assert _ask(client, world.a1, period).status_code == 403
    asked = _ask(client, world.supervisor_a, period, fmt="csv")
    assert asked.status_code == 202 and asked.get_json()["branch_id"] == world.a.id

    EmbeddedWorker(["reports"], connection=queue, app=app).work(burst=True)

    run = db.session.get(ReportRun, asked.get_json()["id"])
    assert run.filename == f"call-quality-{START}-{END}-agent-{world.a.code}.csv"
    content = client.get(f"{RUNS}/{run.id}/file", headers=as_(world.supervisor_a)).get_data()
    assert content.startswith("\ufeff".encode()) and "total,合计 Total,8,5,".encode() in content
