"""The supervisor board and the supervision pages in a real browser."""

import csv
import io
from datetime import timedelta

import pytest

from crm.core import clock as kefu_clock
from crm.models import Call, QaFlag, QaResult
from crm.services.org.staff import set_password
from crm.services.quality.exports import METRICS
from tests.browser.conftest import PASSWORD, sign_in
from tests.case_factories import CaseFactory
from tests.report_world import END, START, ReportWorld


@pytest.fixture
def overdue_case(db, agent):
    return CaseFactory(db.session).case(agent, opened_at=kefu_clock.now() - timedelta(days=10), subject="逾期工单")


def _pick(page, case, new_owner):
    page.click(f"tr[data-case-id='{case.id}'] [data-reassign]")
    page.select_option("#reassign-form select[name=new_owner_id]", str(new_owner.id))


def test_the_supervisor_reassigns_an_overdue_case_with_a_reason(
    live_server, page, make, branch, supervisor, agent, overdue_case
):
    colleague = make.staff(role="agent", branch=branch, name="接手坐席")
    sign_in(page, live_server, supervisor.job_no)
    assert page.url == f"{live_server}/"  # a supervisor lands on the board
    row = f"tr[data-case-id='{overdue_case.id}']"
    assert agent.job_no in page.text_content(f"{row} [data-field=owner]")

    _pick(page, overdue_case, colleague)
    page.fill("#reassign-form textarea[name=note]", "原坐席休假")
    page.click("#reassign-form button[type=submit]")

    page.wait_for_function(
        "([row, jobNo]) => (document.querySelector(row + ' [data-field=owner]') || {}).textContent?.includes(jobNo)",
        arg=[row, colleague.job_no],
    )
    assert "接手坐席" in page.text_content(f"{row} [data-field=owner]")

    page.click("form[action$='/logout'] button")
    sign_in(page, live_server, colleague.job_no)
    page.goto(f"{live_server}/inbox")
    assert page.locator(f"[data-case-id='{overdue_case.id}']").count() >= 1


def test_a_reassignment_without_a_reason_shows_the_error_next_to_the_field(
    live_server, page, make, branch, supervisor, overdue_case
):
    colleague = make.staff(role="agent", branch=branch)
    sign_in(page, live_server, supervisor.job_no)

    _pick(page, overdue_case, colleague)
    page.click("#reassign-form button[type=submit]")

    error = page.wait_for_selector("#reassign-form textarea[name=note] + .field-error")
    assert "请说明改派原因" in error.text_content()
    assert page.get_attribute("#reassign-form textarea[name=note]", "aria-invalid") == "true"
    assert "工单未改派" in page.text_content("#reassign-form [role=alert]")


def test_the_call_quality_page_draws_its_charts_and_its_csv_matches_the_json(live_server, page, db, make, clock):
    world = ReportWorld(db.session, make)
    set_password(world.supervisor_a, PASSWORD)
    db.session.commit()
    sign_in(page, live_server, world.supervisor_a.job_no)
    page.click("nav.menu >> text=服务质量")
    page.goto(f"{live_server}/reports/call-quality?start={START}&end={END}&group_by=agent")

    charts = page.evaluate(
        """() => ["chart-groups", "chart-daily"].map((id) => {
            const chart = window.Chart && window.Chart.getChart(document.getElementById(id));
            return chart ? { type: chart.config.type, series: chart.data.datasets.length } : null;
        })"""
    )
    assert charts == [{"type": "bar", "series": 2}, {"type": "line", "series": 3}]

    csv_url = page.get_attribute("[data-download=csv]", "href")
    downloaded = page.evaluate(
        """async ([csvUrl, jsonUrl]) => {
            const [csv, json] = await Promise.all([fetch(csvUrl), fetch(jsonUrl)]);
            return { csv: await csv.text(), json: await json.json() };
        }""",
        [csv_url, f"/api/v1/reports/call-quality?start={START}&end={END}&group_by=agent"],
    )
    lines = list(csv.reader(io.StringIO(downloaded["csv"].lstrip("\ufeff"))))
    table = {line[0]: line[2:] for line in lines[1 : lines.index([])]}
    body = downloaded["json"]
    expected = {row["key"]: row for row in body["rows"]} | {"total": body["totals"]}
    names = [name for name, _ in METRICS]
    # the same numbers (JSON read by the browser writes 150.0 as 150): compared as numbers, empty as None
    assert {key: [float(cell) if cell else None for cell in cells] for key, cells in table.items()} == {
        key: [row[name] for name in names] for key, row in expected.items()
    }
    assert page.text_content("td[data-metric=offered]") == str(body["totals"]["offered"])


def _flagged_call(db, agent):
    call = Call(sid=f"CA-qa-browser-{agent.id}", direction="inbound", branch_id=agent.branch_id, agent_id=agent.id)
    db.session.add(call)
    db.session.flush()
    result = QaResult(call_id=call.id, agent_id=agent.id, branch_id=agent.branch_id, basis="transcript", state="open")
    result.passed, result.flags = False, [QaFlag(rule="forbidden_phrase", phrase="不知道")]
    db.session.add(result)
    db.session.commit()
    return result.flags[0]


def test_confirming_a_qa_flag(live_server, page, db, agent, supervisor):
    flag = _flagged_call(db, agent)
    sign_in(page, live_server, supervisor.job_no)
    page.goto(f"{live_server}/supervision/qa")

    form = f"#review-flag-{flag.id}"
    page.select_option(f"{form} select[name=decision]", "confirmed")
    page.fill(f"{form} input[name=comment]", "确有禁语")
    page.click(f"{form} button[type=submit]")

    decision = page.wait_for_selector(f"[data-flag-id='{flag.id}'] [data-field=decision]")
    assert "已确认" in decision.text_content() and "确有禁语" in decision.text_content()
    db.session.refresh(flag)
    assert (flag.decision, flag.reviewed_by_id) == ("confirmed", supervisor.id)


def test_nobody_reviews_their_own_call(live_server, page, db, supervisor):
    flag = _flagged_call(db, supervisor)  # the supervisor took the call
    sign_in(page, live_server, supervisor.job_no)
    page.goto(f"{live_server}/supervision/qa")

    form = f"#review-flag-{flag.id}"
    page.fill(f"{form} input[name=comment]", "自己审自己")
    page.click(f"{form} button[type=submit]")

    page.wait_for_selector(f"{form} [role=alert]:not(:empty)")
    assert "another supervisor or an admin" in page.text_content(f"{form} [role=alert]")
