"""Each demo role's home in a real Chromium, in English and in Chinese, kept as screenshots
(test-artifacts/homes/LOGIN-LANG.png) for a person to look at."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.functional.test_browser_loop import ARTIFACTS, _login_as, demo_server, page  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DEMO_PASSWORD = "qadesk-demo-2026"

#: login -> (section ids its home must show, words its Chinese home must show)
HOMES = {
    "david.smith": (("banner-overdue", "my-evaluations", "my-trend", "my-training", "my-disputes"),
                    ("培训已逾期", "我的申诉")),
    "wang.wei": (("banner-overdue", "banner-appraisal", "my-evaluations", "my-disputes"), ("我的最新评分",)),
    "lead.liu": (("team-trend", "criteria-failing", "team-agents", "team-overdue", "team-disputes", "calibration"),
                 ("我负责的客服", "待处理申诉")),
    "qa.taylor": (("calibration",), ("待评分的校准会",)),
    "hr.zhao": (("appraisal-periods",), ("考核周期",)),
}


def _shot(page, login: str, language: str) -> Path:
    folder = ARTIFACTS / "homes"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{login}-{language}.png"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(path), full_page=True)
    return path


def test_every_demo_role_lands_on_a_home_with_its_sections_in_english_and_chinese(demo_server, page):
    demo = demo_server[0]
    for login, (sections, chinese) in HOMES.items():
        _login_as(page, demo, login, DEMO_PASSWORD)
        for section in sections:
            assert page.locator(f"#{section}").count() == 1, (login, section)
        _shot(page, login, "en")
        page.click("button[name=locale][value=zh]")
        page.wait_for_load_state()
        body = page.inner_text("body")
        for words in chinese:
            assert words in body, (login, words)
        _shot(page, login, "zh")
        if login == "hr.zhao":  # the appraisal report opens on the last complete month, with the period picker
            page.goto(demo + "reports/appraisal")
            assert page.locator("select#period").count() == 1 and "David Smith" in page.inner_text("body")
            _shot(page, "hr.zhao-report", "zh")
        page.click("button[name=locale][value=en]")  # the next login starts in English again
        page.wait_for_load_state()
        page.click("form[action='/logout'] button")
        page.wait_for_url("**/login**")
