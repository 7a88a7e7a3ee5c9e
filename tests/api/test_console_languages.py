"""Every console page, in English, for every role: no Chinese left once the data is ASCII only.

The pages are found in ``app.url_map`` (every ``console.`` GET route without URL parameters), so a page
added later joins this test by itself.
"""

import re

import pytest
from flask_babel import refresh

from tests.api.test_console import BrowserLikeClient
from tests.language_world import ascii_world, chinese_in, visible_text

ROLES = ("admin", "supervisor", "agent")
NOT_PAGES = {"console.static", "console.logout", "console.language"}


class LanguageAwareClient(BrowserLikeClient):
    """Each request also chooses its language afresh: Flask-Babel keeps the one it chose on the app context,
    which the test's ``db`` fixture holds open across requests."""

    def open(self, *args, **kwargs):
        refresh()
        return super().open(*args, **kwargs)


@pytest.fixture
def browser_client(app, db, signin_budget):
    return LanguageAwareClient(app, app.response_class, use_cookies=True)


def console_pages(app):
    """The path of every console page a person can open without parameters."""
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("console.")
        and rule.endpoint not in NOT_PAGES
        and "GET" in rule.methods
        and not rule.arguments
    )


def sign_in(client, staff):
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post("/login", data={"job_no": staff.job_no, "password": "correct horse", "csrf_token": token})
    assert response.status_code == 302


def test_the_walk_finds_the_console_pages(app):
    pages = console_pages(app)
    assert {"/", "/login", "/customers"} <= set(pages)


@pytest.mark.parametrize("role", ROLES)
def test_in_english_no_console_page_shows_a_chinese_character(app, browser_client, make, role):
    world = ascii_world(make)
    browser_client.set_cookie("kefu_lang", "en")
    sign_in(browser_client, getattr(world, role))
    leaks, seen = {}, 0
    for path in console_pages(app):
        response = browser_client.get(path)
        if response.mimetype != "text/html":
            continue
        seen += 1
        if found := chinese_in(visible_text(response.get_data(as_text=True))):
            leaks[f"{path} ({response.status_code})"] = found
    print(f"{role}: {seen} pages read")
    assert seen > 3
    assert not leaks, "Chinese left in English mode:\n" + "\n".join(f"{p}: {f}" for p, f in leaks.items())


def test_in_chinese_the_menu_is_chinese(browser_client, make):
    world = ascii_world(make)
    sign_in(browser_client, world.supervisor)
    text = visible_text(browser_client.get("/").get_data(as_text=True))
    assert chinese_in(text)
    assert "Sign out" not in text


def _switch(client, language):
    html = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    return client.post("/language", data={"language": language, "next": "/", "csrf_token": token})


def test_the_switch_keeps_the_signed_in_persons_language_for_the_texts_sent_to_them(browser_client, agent, db):
    sign_in(browser_client, agent)
    assert agent.language == "zh"

    assert _switch(browser_client, "en").status_code == 302

    db.session.refresh(agent)
    assert agent.language == "en"


def test_signing_in_on_a_new_browser_brings_back_the_persons_language(app, browser_client, agent, db):
    agent.language = "en"
    db.session.commit()

    sign_in(browser_client, agent)

    assert browser_client.get_cookie("kefu_lang").value == "en"
    assert "Sign out" in browser_client.get("/").get_data(as_text=True)
