"""The call-quality report over HTTP: JSON, CSV and Excel with the same numbers; who may pull it; the page."""

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from crm.services.quality.exports import METRICS
from tests.api.identity import as_
from tests.report_world import END, START, ReportWorld

URL = "/api/v1/reports/call-quality"
PERIOD = {"start": START, "end": END, "group_by": "agent"}


@pytest.fixture
def world(db, make, clock):
    return ReportWorld(db.session, make)


def test_a_supervisor_gets_their_branch(client, world):
    response = client.get(URL, query_string=PERIOD, headers=as_(world.supervisor_a))
    assert response.status_code == 200
    body = response.get_json()
    assert body["branch_id"] == world.a.id
    assert (body["totals"]["offered"], body["totals"]["answered"]) == (8, 5)
    assert {row["key"] for row in body["rows"]} == {str(world.a1.id), str(world.a2.id), "none"}


def test_an_agent_pulls_no_report_and_a_supervisor_no_other_branch(client, world):
    assert client.get(URL, query_string=PERIOD, headers=as_(world.a1)).status_code == 403
    other = {**PERIOD, "branch_id": world.b.id}
    assert client.get(URL, query_string=other, headers=as_(world.supervisor_a)).status_code == 403
    assert client.get(f"{URL}.csv", query_string=other, headers=as_(world.supervisor_a)).status_code == 403


def test_more_than_31_days_is_a_report_run(client, world):
    response = client.get(URL, query_string={"start": "2026-10-01", "end": "2026-11-01"}, headers=as_(world.admin))
    assert response.status_code == 422
    assert "report run: POST /api/v1/reports/runs with kind call_quality" in response.get_json()["error"]["message"]


def _metric_columns():
    return [header for _, header in METRICS], [name for name, _ in METRICS]


def test_csv_carries_the_numbers_of_the_json(client, world):
    body = client.get(URL, query_string=PERIOD, headers=as_(world.admin)).get_json()
    response = client.get(f"{URL}.csv", query_string=PERIOD, headers=as_(world.admin))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    lines = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    headers, names = _metric_columns()
    assert lines[0] == ["key", "label", *headers]
    table = {line[0]: line for line in lines[1 : lines.index([])]}
    expected = {row["key"]: row for row in body["rows"]} | {"total": body["totals"]}
    assert set(table) == set(expected)
    for key, row in expected.items():
        assert table[key][2:] == ["" if row[name] is None else str(row[name]) for name in names]
    assert ["# deadlines"] in lines and ["# qa by agent"] in lines and ["# attainment"] in lines
    assert set(body["qa"]) == {"agents", "overall", "top_flags"} and body["attainment"] == []


def test_excel_carries_the_numbers_of_the_json(client, world):
    body = client.get(URL, query_string=PERIOD, headers=as_(world.admin)).get_json()
    response = client.get(f"{URL}.xlsx", query_string=PERIOD, headers=as_(world.admin))
    assert response.status_code == 200
    assert 'filename="call-quality-2026-11-16-2026-11-17-agent.xlsx"' in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.get_data()))
    assert workbook.sheetnames == ["Rows", "Daily", "Complaints", "Deadlines", "QA", "Attainment", "Report"]
    headers, names = _metric_columns()
    rows = list(workbook["Rows"].values)
    assert list(rows[0]) == ["key", "label", *headers]
    expected = {row["key"]: row for row in body["rows"]} | {"total": body["totals"]}
    assert {row[0]: list(row[2:]) for row in rows[1:]} == {
        key: [row[name] for name in names] for key, row in expected.items()
    }
    daily = list(workbook["Daily"].values)
    assert [(row[0], row[1]) for row in daily[1:]] == [(day["day"], day["offered"]) for day in body["daily"]]
    deadlines = [list(row) for row in workbook["Deadlines"].values][1:]
    assert deadlines == [[d["kind"], d["due"], d["met"], d["rate"]] for d in body["deadlines"]]
    complaints = [list(row[:2]) for row in workbook["Complaints"].values]
    assert ["attitude", 2] in complaints and ["founded", 1] in complaints


def test_the_printable_page_shows_totals_and_carries_the_chart_data(client, world):
    page = client.get("/reports/call-quality", query_string=PERIOD, headers=as_(world.supervisor_a))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<td data-metric="offered">8</td>' in html
    assert 'id="qa"' in html and 'id="attainment"' in html
    data = json.loads(re.search(r'id="report-chart-data">(.*?)</script>', html, re.S).group(1))
    assert data["daily"] == {
        "labels": ["2026-11-16", "2026-11-17"],
        "offered": [5, 3],
        "answered": [4, 1],
        "service_level": [0.6, 0.3333],
    }
    assert data["groups"]["answered"] == [3, 2, 0]
    assert "/static/vendor/chart.js/dist/chart.umd.min.js" in html
    assert "/api/v1/reports/call-quality.xlsx?" in html
    assert "<script>" not in html  # the policy allows no inline script


def test_the_page_is_for_supervisors_and_admins(client, world):
    assert client.get("/reports/call-quality", headers=as_(world.a1)).status_code == 403
    assert client.get("/reports/call-quality", headers=as_()).status_code == 302
