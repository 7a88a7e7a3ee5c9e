"""The console in a real browser: Playwright driving Debian's chromium against a live server."""

from tests.browser.conftest import sign_in


def test_an_agent_signs_in_and_sees_their_customers(live_server, page, make, agent):
    make.customer(manager=agent, name="张三", phones=("13800138000",))

    sign_in(page, live_server, agent.job_no)

    assert page.url == f"{live_server}/"
    assert page.text_content("[data-field=job_no]") == agent.job_no
    page.goto(f"{live_server}/customers")
    assert "张三" in page.text_content("table.customers")
    assert "+8613800138000" in page.text_content("table.customers")


def test_a_wrong_password_stays_on_the_login_page_with_an_error(live_server, page, agent):
    sign_in(page, live_server, agent.job_no, "not the password")

    assert page.url == f"{live_server}/login"
    assert "工号或密码错误" in page.text_content("[role=alert]")


def test_signing_out_returns_to_the_login_page(live_server, page, agent):
    sign_in(page, live_server, agent.job_no)
    page.click("text=退出")

    assert page.url == f"{live_server}/login"
    page.goto(f"{live_server}/")
    assert page.url == f"{live_server}/login"
