#!/usr/bin/env python
"""Take the README's screenshots of the console from a running Kefu with its demo data.

    scripts/run &                      # serves http://127.0.0.1:5000 with the demo data
    .venv/bin/python scripts/screenshots.py [--url http://127.0.0.1:5000]

Signs in as the demo agent 1101 (the desk, with a simulated call rung to the browser and answered, so the
customer's card has popped) and the demo supervisor 1001 (the board), in Debian's chromium, and writes
docs/screenshots/desk.png and docs/screenshots/board.png.
"""

import argparse
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PASSWORD = "kefu-demo"
VIEWPORT = {"width": 1280, "height": 900}


def sign_in(page, url, job_no):
    page.goto(f"{url}/login")
    page.fill("input[name=job_no]", job_no)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button[type=submit]")


def desk(browser, url):
    """The agent goes ready; a caller (the phone simulator) rings the browser; the agent answers."""
    agent = browser.new_page(viewport=VIEWPORT)
    sign_in(agent, url, "1101")
    agent.click("[data-action=ready]")
    caller = browser.new_page(viewport=VIEWPORT)
    sign_in(caller, url, "1001")
    caller.goto(f"{url}/phone")
    caller.check("input[name=ring_browser]")
    caller.click("form.phone-call button[type=submit]")
    agent.click("[data-action=answer]", timeout=15000)
    agent.wait_for_selector("#call-card .customer-card", timeout=5000)
    agent.screenshot(path=str(OUT / "desk.png"), full_page=False)
    agent.click("[data-action=hangup]")


def board(browser, url):
    page = browser.new_page(viewport=VIEWPORT)
    sign_in(page, url, "1001")
    page.goto(f"{url}/board")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / "board.png"), full_page=False)


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
