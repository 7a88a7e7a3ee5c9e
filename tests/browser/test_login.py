"""The console in a real browser: Playwright driving Debian's chromium against a live server."""

import shutil
import threading

import pytest
from werkzeug.serving import make_server

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def live_server(app):
    """The app served on a free localhost port in a thread, against the test database."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (scripts/test installs it with apt-get when run as root)")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, db):
    """A fresh browser context (no cookies) per test."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def _sign_in(page, base_url, job_no, password):
    page.goto(f"{base_url}/")
    page.fill("input[name=job_no]", job_no)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_an_agent_signs_in_and_sees_their_customers(live_server, page, make, agent):
    make.customer(manager=agent, name="张三", phones=("13800138000",))

    _sign_in(page, live_server, agent.job_no, "correct horse")

    assert page.url == f"{live_server}/"
    assert page.text_content("[data-field=job_no]") == agent.job_no
    assert "张三" in page.text_content("table.customers")
    assert "+8613800138000" in page.text_content("table.customers")


def test_a_wrong_password_stays_on_the_login_page_with_an_error(live_server, page, agent):
    _sign_in(page, live_server, agent.job_no, "not the password")

    assert page.url == f"{live_server}/login"
    assert "Wrong job number or password" in page.text_content("[role=alert]")


def test_signing_out_returns_to_the_login_page(live_server, page, agent):
    _sign_in(page, live_server, agent.job_no, "correct horse")
    page.click("text=Sign out")

    assert page.url == f"{live_server}/login"
    page.goto(f"{live_server}/")
    assert page.url == f"{live_server}/login"
