#!/usr/bin/env python
"""Take the README's screenshots of the console from a running Kefu with its demo data.

    scripts/run &                      # serves http://127.0.0.1:5000 with the demo data
    .venv/bin/python scripts/screenshots.py [--url http://127.0.0.1:5000]

Signs in as the demo agent 1101 (the desk, with a simulated call from one of their customers rung to the
browser and answered, so the customer's card has popped) and the demo supervisor 1001 (the board), in
Debian's chromium, and writes docs/screenshots/desk.png and docs/screenshots/board.png. Chinese needs a CJK
font for chromium (e.g. Debian's fonts-wqy-microhei).
"""

import argparse
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PASSWORD = "kefu-demo"
VIEWPORT = {"width": 1280, "height": 900}


def signed_in_page(browser, url, job_no):
    """A page of its own browser context (its own cookies), signed in as ``job_no``."""
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.goto(f"{url}/login")
    page.fill("input[name=job_no]", job_no)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button[type=submit]")
    return page


def desk(browser, url):
    """Agent 1101 goes ready; one of their customers calls the hotline (the phone simulator, as the admin);
    the agent answers, the card pops."""
    agent = signed_in_page(browser, url, "1101")
    agent.goto(f"{url}/desk")
    found = agent.evaluate("() => Kefu.api('GET', '/api/v1/customers?per_page=1&status=active')")
    number = found["data"]["items"][0]["phones"][0]["number"]
    agent.click("#softphone [data-action=ready]")
    agent.wait_for_selector("#softphone[data-state=ready]")
    agent.wait_for_timeout(1000)  # the event stream is open
    caller = signed_in_page(browser, url, "9001")
    caller.goto(f"{url}/phone")
    caller.fill("form.phone-browser input[name=from]", number)
    caller.click("form.phone-browser button[type=submit]")
    agent.click("#softphone [data-action=answer]", timeout=15000)
    agent.wait_for_selector("#call-card [data-field=customer_name]", timeout=5000)
    agent.wait_for_load_state("networkidle")
    agent.evaluate("() => window.scrollTo(0, 0)")
    agent.screenshot(path=str(OUT / "desk.png"))
    agent.click("#softphone [data-action=hangup]")


def board(browser, url):
    page = signed_in_page(browser, url, "1001")
    page.goto(f"{url}/board")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / "board.png"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5000")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        desk(browser, args.url)
        board(browser, args.url)
        browser.close()
    print(f"wrote {OUT / 'desk.png'} and {OUT / 'board.png'}")


if __name__ == "__main__":
    main()
