"""HR's day in a real Chromium on the demo: from the home's periods, sign one of last month's appraisals in
review (finalise it with a rating), download the period's CSV and XLSX from the home and find in them
exactly what the appraisal report page shows; then the agent, in Chinese, finds the final appraisal on
their home and acknowledges it. The stored rows are read back through a fresh database connection.
Screenshots: test-artifacts/hr-*.png."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from qa_app.demo import DEMO_PASSWORD
from qa_app.services.reports import APPRAISAL_COLUMNS
from tests.functional.test_browser_lead import _as, _fresh, _shot, lead_demo  # noqa: F401 (the served demo)
from tests.functional.test_browser_loop import ARTIFACTS, _logout, page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]
#: the report page's columns, left to right, and the downloads' (one owner: reports.APPRAISAL_COLUMNS)
PAGE_COLUMNS = tuple(c.field for c in APPRAISAL_COLUMNS)
TITLES = [str(c.title) for c in APPRAISAL_COLUMNS]  # in English, outside a request
SCORES = ("qa_average", "csat_percent", "qa_score", "qa_ci_low", "qa_ci_high")


def _as_shown(value, column: str, xlsx: bool = False) -> str:
    """An export cell written as the report page shows it (one decimal, a dash for nothing)."""
    if value is None or value == "":
        return "—"
    if column in SCORES:
        number = float(value) * (100 if xlsx and column == "csat_percent" else 1)  # XLSX holds 85 % as 0.85
        return f"{number:.1f}"
    return str(int(float(value))) if column not in ("name", "agent", "team", "rating") else str(value)


def _page_rows(page) -> dict[str, dict[str, str]]:
    """Login -> {column: the cell as the report page shows it}; the page's headers are the files' titles."""
    assert [t.strip() for t in page.locator("table.list thead th").all_text_contents()] == TITLES
    rows = {}
    for tr in page.locator("table.list tbody tr").all():
        cells = dict(zip(PAGE_COLUMNS, (c.strip() for c in tr.locator("td").all_text_contents())))
        rows[cells["agent"]] = cells
    return rows


def _file_rows(header, rows, xlsx: bool) -> dict[str, dict[str, str]]:
    assert list(header) == TITLES  # the file's header is the page's
    found = {}
    for row in rows:
        record = {name: _as_shown(value, name, xlsx) for name, value in zip(PAGE_COLUMNS, row)}
        found[record["agent"]] = record
    return found


def _download(page, selector: str, suffix: str) -> Path:
    """The file the link downloads, kept as test-artifacts/hr-downloads/NAME under the name it came with."""
    with page.expect_download() as info:
        page.click(selector)
    name = info.value.suggested_filename
    assert name.endswith(suffix), name
    path = ARTIFACTS / "hr-downloads" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    info.value.save_as(str(path))
    return path


def _stored_appraisal(instance, appraisal_id: int) -> tuple:
    from qa_app.models import Appraisal

    def read(db):
        a = db.session.get(Appraisal, appraisal_id)
        return (a.agent.login, a.state, a.final_rating, a.finalised_by.login if a.finalised_by else None,
                a.acknowledged_at is not None, a.agent_comment)
    return _fresh(instance, read)


def _finalise_one(page) -> tuple[int, str, str, str]:
    """From HR's home: the first period with appraisals to sign, its first one finalised with the last
    band offered; (appraisal id, agent login, rating, period)."""
    row = page.locator("#appraisal-periods tbody tr").filter(has=page.locator("a.button.primary")).first
    period = row.locator("td").first.inner_text().strip()
    with page.expect_navigation():
        row.locator("a.button.primary").click()
    with page.expect_navigation():
        page.locator("table.list tbody tr a").first.click()
    appraisal = int(page.url.rstrip("/").split("/")[-1])
    agent = page.locator("dl.facts dd").first.inner_text().rsplit("(", 1)[1].rstrip(")")
    rating = page.locator("#final option").last.get_attribute("value")
    page.select_option("#final", rating)
    with page.expect_navigation():
        page.click("#hr button:has-text('Finalise')")
    assert "The appraisal is final. The agent has been told." in page.inner_text("body")
    assert page.inner_text("dd.final-rating").strip() == rating
    _shot(page, "hr-appraisal-finalised-en")
    return appraisal, agent, rating, period


def test_hr_finalises_an_appraisal_exports_the_period_and_the_agent_acknowledges_it(lead_demo, page):  # noqa: F811
    from openpyxl import load_workbook
    url, instance = lead_demo
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_viewport_size({"width": 1280, "height": 900})
    _as(page, url, "hr.zhao")
    appraisal, agent, rating, period = _finalise_one(page)
    assert _stored_appraisal(instance, appraisal) == (agent, "final", rating, "hr.zhao", False, None)

    page.goto(url)  # the home counts it as final now; its row has the period's downloads
    row = page.locator("#appraisal-periods tbody tr").filter(has=page.locator(f"a:text-is('{period}')"))
    assert int(row.locator("td").nth(4).inner_text()) >= 1
    _shot(page, "hr-home-after-sign-off-en")
    csv_file = _download(page, f"#appraisal-periods tr:has(a:text-is('{period}')) a:text-is('CSV')", ".csv")
    xlsx_file = _download(page, f"#appraisal-periods tr:has(a:text-is('{period}')) a:text-is('XLSX')", ".xlsx")
    page.goto(f"{url}reports/appraisal?period={period}")
    shown = _page_rows(page)
    assert agent in shown and len(shown) >= 3
    # sixteen columns scroll in their box: the page itself is no wider than a 1280 px laptop screen
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    _shot(page, "hr-appraisal-report-en")

    text = csv_file.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the Chinese names right only with the BOM
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert _file_rows(lines[0], lines[1:], xlsx=False) == shown
    sheet = load_workbook(xlsx_file, read_only=True).worksheets[0]
    width = len(lines[0])  # a row's trailing empty cells are not written: they read back as missing
    cells = [list(r) + [None] * (width - len(r)) for r in sheet.iter_rows(values_only=True)]
    assert cells[0] == lines[0]  # the same columns in both files
    assert _file_rows(cells[0], cells[1:], xlsx=True) == shown
    _logout(page)

    _as(page, url, agent)  # the agent, in Chinese, is sent from the home to acknowledge it
    page.click("button[name=locale][value=zh]")
    page.wait_for_load_state()
    banner = page.locator(f"#banner-appraisal a[href='/appraisals/{appraisal}']")
    assert period in banner.inner_text()
    with page.expect_navigation():
        banner.click()
    assert "最终" in page.inner_text("h1")
    page.fill("#ack-comment", "谢谢，我同意。")
    with page.expect_navigation():
        page.click("button:has-text('我已阅读并确认')")
    assert "已确认。" in page.inner_text("body")
    _shot(page, "hr-appraisal-acknowledged-zh")
    assert _stored_appraisal(instance, appraisal) == (agent, "final", rating, "hr.zhao", True, "谢谢，我同意。")
    page.click("button[name=locale][value=en]")
    page.wait_for_load_state()
    assert errors == []
