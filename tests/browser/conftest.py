"""The console in a real browser: Playwright driving Debian's chromium (never ``playwright install``)
against the app served on a free localhost port. A failed test leaves a screenshot of its page under
``test-screenshots/`` (gitignored)."""

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

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
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-screenshots"
PASSWORD = "correct horse"  # the factories' password for every staff member


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        page = item.funcargs.get("page")
        if page is not None:
            SCREENSHOTS.mkdir(exist_ok=True)
            try:
                page.screenshot(path=str(SCREENSHOTS / f"{item.name}.png"), full_page=True)
            except Exception as exc:  # the page may be gone with the failure: keep the test's own error
                report.sections.append(("screenshot", f"none taken: {exc}"))
    return report


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
    """A fresh browser context (no cookies) per test, 1280 px wide, failing fast (5 s) on a missing element."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(5000)
    yield context.new_page()
    context.close()


def sign_in(page, base_url, job_no, password=PASSWORD):
    page.goto(f"{base_url}/login")
    page.fill("input[name=job_no]", job_no)
    page.fill("input[name=password]", password)
    page.click("form.login button[type=submit]")
