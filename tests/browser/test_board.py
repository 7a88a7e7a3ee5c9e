"""The supervisor board and the supervision pages in a real browser."""

from datetime import timedelta

import pytest

from crm.core import clock
from tests.browser.conftest import sign_in
from tests.case_factories import CaseFactory


@pytest.fixture
def overdue_case(db, agent):
    return CaseFactory(db.session).case(agent, opened_at=clock.now() - timedelta(days=10), subject="逾期工单")


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
