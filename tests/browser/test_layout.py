"""Readable at 1280 px and at tablet width: no page of the console scrolls sideways, for any role."""

import pytest

from tests.browser.conftest import sign_in

PAGES = {
    "agent": ["/desk", "/customers", "/inbox", "/phone"],
    "supervisor": ["/board", "/supervision/quotas", "/supervision/qa", "/reports/call-quality"],
    "admin": ["/admin", "/admin/staff", "/admin/scripts", "/admin/jobs"],
}
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.parametrize("width", [1280, 800])
@pytest.mark.parametrize("role", sorted(PAGES))
def test_no_page_scrolls_sideways(live_server, browser, make, branch, role, width):
    person = make.staff(role=role, branch=None if role == "admin" else branch)
    make.customer(manager=person if role == "agent" else None, branch=branch)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, live_server, person.job_no)
        for path in PAGES[role]:
            page.goto(f"{live_server}{path}")
            page.wait_for_load_state("networkidle")
            assert page.evaluate(SIDEWAYS) <= 0, f"{path} scrolls sideways at {width} px"
    finally:
        context.close()
