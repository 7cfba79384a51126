"""The QA overview in a real Chromium on the demo: every chart draws, its data table holds the figures, a bar opens its conversations."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from qa_app import clock
from qa_app.demo import DEMO_PASSWORD

# the page and demo_server fixtures (a real Chromium; `qadesk init` + `qadesk demo` served)
from tests.functional.test_browser_loop import _login_as, demo_server, page  # noqa: F401

SCREENSHOT = Path("/tmp/qa_overview.png")
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _period() -> str:
    """The quarter of a month ago: the demo has weeks of conversations in it whatever today is."""
    moment = clock.now() - timedelta(days=30)  # the server reads the same (unfrozen) clock
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


def test_the_demo_lead_sees_every_chart_drawn_beside_its_data_table(demo_server, page):  # noqa: F811
    url, _instance = demo_server
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page.set_viewport_size({"width": 1400, "height": 900})
    _login_as(page, url, "lead.liu", DEMO_PASSWORD)
    page.goto(f"{url}dashboards/qa?period={_period()}")
    canvases = page.locator("canvas[data-chart]")
    assert canvases.count() >= 12
    page.wait_for_function("[...document.querySelectorAll('canvas[data-chart]')].every(c => c.dataset.drawn === '1')")
    # Chart.js drew something: a drawn canvas is not blank
    blank = page.evaluate("""() => [...document.querySelectorAll('canvas[data-chart]')].filter(c => {
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        return !data.some(v => v !== 0); }).map(c => c.dataset.chart)""")
    assert blank == []
    trend = page.locator("table[data-table='trend_by_team'] tbody").first.inner_text()
    assert "London" in trend and "Shanghai" in trend
    weekdays = page.locator("table[data-table='by_weekday'] tbody tr")
    assert weekdays.count() == 7
    total = sum(int(weekdays.nth(i).locator("td").nth(1).inner_text()) for i in range(7))
    assert f"{total} final evaluations" in page.locator("[data-totals]").inner_text()
    pareto = page.locator("table[data-table='criteria_failed'] tbody tr")
    assert pareto.count() >= 3 and pareto.last.locator("td").nth(4).inner_text() == "100.0"
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    page.screenshot(path=str(SCREENSHOT.with_name("qa_overview_top.png")))  # the first screen, full size
    assert errors == []
    # the first cell of a row opens the conversations it counts
    saturday = weekdays.nth(5)
    expected = int(saturday.locator("td").nth(1).inner_text())
    saturday.locator("a").click()
    page.wait_for_load_state()
    assert "/conversations/?" in page.url and "weekday=6" in page.url
    assert page.locator("table.list tbody tr").count() == expected


def test_hr_sees_the_charts_without_links_to_transcripts(demo_server, page):  # noqa: F811
    url, _instance = demo_server
    _login_as(page, url, "hr.zhao", DEMO_PASSWORD)
    page.goto(f"{url}dashboards/qa?period={_period()}")
    page.wait_for_function("[...document.querySelectorAll('canvas[data-chart]')].every(c => c.dataset.drawn === '1')")
    assert page.locator("a[href^='/conversations/']").count() == 0


def test_a_lead_working_in_chinese_sees_chinese_labels_in_the_drawn_charts_and_their_tables(demo_server, page):  # noqa: F811
    url, _instance = demo_server
    _login_as(page, url, "lead.liu", DEMO_PASSWORD)
    page.click("button[name=locale][value=zh]")
    page.wait_for_load_state()
    page.goto(f"{url}dashboards/qa?period={_period()}")
    page.wait_for_function("[...document.querySelectorAll('canvas[data-chart]')].every(c => c.dataset.drawn === '1')")
    drawn = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('canvas[data-chart]')]
        .map(c => [c.dataset.chart, Chart.getChart(c).data.labels.map(String)]))""")
    assert drawn["by_shift"] == ["早班", "晚班", "夜班"] and drawn["by_day_type"] == ["工作日", "周末"]
    assert drawn["by_weekday"][0] == "周一" and drawn["end_sentiment"] == ["积极", "中性", "消极", "未识别"]
    assert "在线聊天" in drawn["by_channel"] and "chat" not in drawn["by_channel"]
    assert "客服第一次回复时问候或欢迎客户" in drawn["criteria_failed"]  # the shipped "greeting" criterion's title
    night = page.locator("table[data-table='by_shift'] tbody tr").nth(2)
    assert night.locator("td").first.inner_text() == "夜班"
    night.locator("a").click()  # the translated cell still opens the night shift's conversations
    page.wait_for_load_state()
    assert "shift=night" in page.url
