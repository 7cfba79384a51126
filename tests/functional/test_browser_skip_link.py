"""Keyboard and screen-reader basics in a real Chromium, in English and Chinese: on every page the
first Tab lands on a visible "Skip to main content" link, Enter on it moves the focus to the main
content (so the next Tab is the page's own first control, past the top bar), and the notification
bell's link is named with the unread count (plural-aware, translated) while its glyph is hidden
from assistive technology."""
from __future__ import annotations

from pathlib import Path

import pytest

from qa_app import create_app
from qa_app.extensions import db
from qa_app.services import training
from tests.functional.test_browser_loop import CHROMIUM, PASSWORD, _login, _qadesk, _serving, page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SKIP = {"en": "Skip to main content", "zh": "跳到主要内容"}
BELL = {"en": "Notifications: 2 unread", "zh": "通知：2 条未读"}
PAGES = {"amy.agent": ["", "training/", "notifications/"], "rita.rev": ["", "review/", "conversations/"],
         "admin": ["admin/users", "admin/audit"]}

ACTIVE = """() => { const e = document.activeElement;
  const box = e.getBoundingClientRect();
  return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className, text: (e.innerText || '').trim(),
          visible: box.width > 0 && box.height > 0 && box.top >= 0 && box.left >= 0,
          inMain: !!e.closest('main') && e.tagName !== 'MAIN'}; }"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """An instance with an agent who has two unread notifications (two courses assigned), served."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it): browser test skipped")
    instance = tmp_path_factory.mktemp("skip-link") / "instance"
    _qadesk(instance, "init")
    _qadesk(instance, "user", "add", "rita.rev", "--role", "reviewer", "--password", PASSWORD)
    _qadesk(instance, "user", "add", "amy.agent", "--role", "agent", "--password", PASSWORD)
    app = create_app(instance_path=str(instance))
    with app.app_context():
        for course in ("empathy-en", "compliance-en"):
            training.assign_course(None, "amy.agent", course, due_days=10)
        db.engine.dispose()
    with _serving(instance) as url:
        yield url


def _language(page, language: str) -> None:
    page.click(f"button[name=locale][value={language}]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == language


def _skip_then_main(page, where: str, language: str) -> None:
    page.keyboard.press("Tab")
    first = page.evaluate(ACTIVE)
    assert first["cls"] == "skip-link" and first["text"] == SKIP[language] and first["visible"], (where, first)
    page.keyboard.press("Enter")
    landed = page.evaluate(ACTIVE)
    assert (landed["tag"], landed["id"]) == ("main", "main"), (where, landed)
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE)["inMain"], (where, "the Tab after the skip link went back to the top bar")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_first_tab_on_every_page_is_the_skip_link_and_enter_moves_the_focus_to_the_main_content(
        server, page, language):  # noqa: F811
    page.goto(server + "login")
    first = page.evaluate("() => document.querySelector('a[href], button, input:not([type=hidden])').className")
    assert first == "skip-link"  # the sign-in page's field has autofocus; the skip link still comes first
    for login, paths in PAGES.items():
        _login(page, server, login)
        _language(page, language)
        for path in paths:
            page.goto(server + path)
            _skip_then_main(page, f"{login} /{path}", language)
        _language(page, "en")  # the choice is stored for the user: leave it as it was
        page.click("form[action='/logout'] button")
        page.wait_for_url("**/login**")


def test_the_bell_link_is_named_with_the_unread_count_in_each_language_and_its_glyph_is_hidden(server, page):  # noqa: F811
    _login(page, server, "amy.agent")
    for language in ("en", "zh"):
        _language(page, language)
        bell = page.locator("a.bell")
        assert bell.get_attribute("aria-label") == BELL[language]
        assert page.get_by_role("link", name=BELL[language], exact=True).count() == 1
        hidden = bell.locator("span").evaluate_all("spans => spans.map(s => s.getAttribute('aria-hidden'))")
        assert hidden == ["true", "true"]  # the glyph and the badge: the label already says both
    page.goto(server + "notifications/")
    page.click("form[action='/notifications/read'] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("a.bell").get_attribute("aria-label") == "通知"  # none unread: no count
    _language(page, "en")
    assert page.locator("a.bell").get_attribute("aria-label") == "Notifications"
