"""The language switch in a real browser: every label on the page changes, and the choice is kept."""

from tests.browser.conftest import sign_in
from tests.language_world import LANGUAGE_NAMES, ascii_world, chinese_in

TABS_TO_THE_SWITCH = 30


def _page_text(page):
    """What the page says, less the language switch's own names for the languages (中文 / English)."""
    text = page.evaluate("document.body.innerText")
    for name in LANGUAGE_NAMES:
        text = text.replace(name, "")
    return text


def _focus_the_switch_by_keyboard(page):
    """Tab from the top of the page until the language switch has the focus (it is keyboard-reachable)."""
    page.wait_for_load_state("load")  # the deferred console.js that submits the switch on a choice has run
    for _ in range(TABS_TO_THE_SWITCH):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.name") == "language":
            return
    raise AssertionError("the language switch cannot be reached with the Tab key")


def _switch_by_keyboard(page, key):
    _focus_the_switch_by_keyboard(page)
    with page.expect_navigation():
        page.keyboard.press(key)  # a choice made: the form submits itself
    page.wait_for_load_state()


def test_the_switch_changes_every_label_and_the_choice_outlives_signing_out(live_server, page, make):
    world = ascii_world(make)
    sign_in(page, live_server, world.supervisor.job_no)
    assert "主管看板" in _page_text(page)  # Chinese by default: the menu

    _switch_by_keyboard(page, "ArrowDown")  # 中文 → English

    english = _page_text(page)
    assert "Supervisor board" in english
    assert chinese_in(english) == []

    page.click("text=Sign out")
    assert chinese_in(_page_text(page)) == []  # the sign-in page too
    sign_in(page, live_server, world.supervisor.job_no)
    assert chinese_in(_page_text(page)) == []
    assert "Supervisor board" in _page_text(page)

    _switch_by_keyboard(page, "ArrowUp")  # English → 中文

    chinese = _page_text(page)
    assert "主管看板" in chinese and "退出" in chinese
    assert "Supervisor board" not in chinese
