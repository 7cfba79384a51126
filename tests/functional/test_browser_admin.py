"""The admin's day in a real Chromium on the demo: build a scorecard version in the form editor,
preview it, confirm and activate it; then every admin page, screenshotted in English and Chinese,
fits a 1280 px screen (the user table no longer slides under the "Add a user" card)."""
from __future__ import annotations

import json

import pytest

# the page and demo_server fixtures (a real Chromium; `qadesk init` + `qadesk demo` served)
from tests.functional.test_browser_loop import PASSWORD, _login_as, _qadesk, _shot, demo_server, page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ADMIN_PAGES = ("admin/users", "admin/users/emma.jones/edit", "admin/scorecards", "admin/scorecards/general-en/edit",
               "admin/rules", "admin/settings", "admin/jobs", "admin/audit")


def _body(page) -> str:
    return page.inner_text("body")


def _build_in_the_form_editor(page, url: str) -> None:
    page.goto(url + "admin/scorecards")
    page.click("a[href='/admin/scorecards/general-en/edit']")
    page.wait_for_load_state()
    page.fill("input[name='s-0-c-0-weight']", "20")
    page.click("button[value='add-criterion-0']")
    page.wait_for_load_state()
    assert page.input_value("input[name='s-0-c-0-weight']") == "20"  # typed values survive the round trip
    last = page.locator("section[data-section='0'] tr[data-criterion]").count() - 1
    row = f"s-0-c-{last}-"
    page.fill(f"input[name='{row}id']", "thanks")
    page.fill(f"[name='{row}title']", "Thanks the customer")
    page.fill(f"input[name='{row}weight']", "3")
    page.select_option(f"select[name='{row}type']", "phrases_present")
    page.fill(f"textarea[name='{row}params']", "speaker: agent\nlabel: thanks\nphrases: [thank you, thanks]\n")
    _shot(page, "admin-scorecard-form-filled-en")
    page.click("p.form-actions button[value='save']")
    page.wait_for_load_state()


def test_an_admin_builds_a_scorecard_in_the_form_editor_previews_and_activates_it(demo_server, page):  # noqa: F811
    url, instance = demo_server
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_viewport_size({"width": 1280, "height": 900})
    _login_as(page, url, "admin", PASSWORD)
    _build_in_the_form_editor(page, url)
    assert "Saved as draft version 2" in _body(page)
    assert page.locator("form.confirm-activate").count() == 0  # no activation before a preview
    page.fill("#preview-step input[name=n]", "20")
    page.click("#preview-step button[type=submit]")
    page.wait_for_load_state()
    assert "Preview on 20 conversations" in _body(page) and "Thanks the customer" in _body(page)
    _shot(page, "admin-scorecard-preview-en")
    page.click("form.confirm-activate button[type=submit]")  # the browser refuses: the box is not ticked
    assert "now active" not in _body(page)
    page.check("form.confirm-activate input[name=confirm]")
    page.click("form.confirm-activate button[type=submit]")
    page.wait_for_load_state()
    assert "general-en version 2 is now active." in _body(page)
    listed = json.loads(_qadesk(instance, "scorecard", "list", "--json").stdout)
    assert next(r for r in listed if r["name"] == "general-en")["active_version"] == 2
    assert errors == []


def _fits_the_screen(page) -> bool:
    """Nothing wider than the window: no page-level horizontal scroll (tables scroll in their box)."""
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_every_admin_page_fits_a_laptop_screen_in_english_and_chinese(demo_server, page):  # noqa: F811
    url, _instance = demo_server
    page.set_viewport_size({"width": 1280, "height": 900})
    _login_as(page, url, "admin", PASSWORD)
    for language in ("en", "zh"):
        page.goto(url + "admin/users")
        page.click(f"button[name=locale][value={language}]")
        page.wait_for_load_state()
        for path in ADMIN_PAGES:
            page.goto(url + path)
            assert _fits_the_screen(page), f"{path} ({language}) is wider than the screen"
            _shot(page, f"admin-{path.replace('admin/', '').replace('/', '-')}-{language}")
        page.goto(url + "admin/users")
        table = page.locator("table.users").bounding_box()
        card = page.locator("#add-user").bounding_box()
        assert table["y"] + table["height"] <= card["y"]  # the table ends before the card starts
        headers = page.locator("table.users thead th")
        assert all(headers.nth(i).is_visible() for i in range(headers.count()))
    assert "设置" in _body(page) and "添加用户" in _body(page)
