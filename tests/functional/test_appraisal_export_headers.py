"""The appraisal report's downloads have the page's column titles, in the viewer's language: the
<th> texts of the page, the CSV's header row and the XLSX's first row are the same list, in English
and in Chinese (services.reports.APPRAISAL_COLUMNS owns them)."""
from __future__ import annotations

import csv
import html
import io
import re

import openpyxl
import pytest

from tests.conftest import PASSWORD


def _page_titles(client) -> list[str]:
    page = client.get("/reports/appraisal?period=2026-11").get_data(as_text=True)
    head = page.split('<table class="list numbers">')[1].split("</thead>")[0]
    return [html.unescape(re.sub(r"<[^>]+>", "", th)).strip() for th in re.findall(r"<th\b[^>]*>(.*?)</th>", head, re.S)]


def _csv_header(client) -> list[str]:
    text = client.get("/reports/appraisal.csv?period=2026-11").get_data().decode("utf-8-sig")
    return next(csv.reader(io.StringIO(text, newline="")))


def _xlsx_header(client) -> list[str]:
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/reports/appraisal.xlsx?period=2026-11").get_data()))
    return [c.value for c in workbook.active[1]]


@pytest.mark.parametrize("locale, expected", [
    ("en", ["Agent", "Login", "Team", "QA average", "Evaluations", "Critical failures", "Courses assigned",
            "Completed", "Overdue", "CSAT satisfied %", "Rating", "Agent score", "Scored", "Interval low (95%)",
            "Interval high (95%)", "Reviews needed"]),
    ("zh", ["客服", "账号", "团队", "质检平均分", "评分记录", "致命错误", "已分配课程", "已完成", "已逾期",
            "客户满意率 %", "评级", "客服得分", "已评分会话", "区间下限 (95%)", "区间上限 (95%)", "所需复核数"]),
])
def test_the_csv_and_xlsx_headers_are_the_pages_column_titles(client, auth, make_user, locale, expected):
    make_user("hr1", "hr")
    make_user("ann", "agent", team="London")
    auth.login("hr1", PASSWORD)
    assert client.post("/language", data={"locale": locale}).status_code == 302
    titles = _page_titles(client)
    assert titles == expected
    assert _csv_header(client) == titles
    assert _xlsx_header(client) == titles


def test_the_command_line_keeps_its_field_name_header(cli, make_user):
    """`qadesk report appraisal` is for scripts: its header stays the stable field names."""
    make_user("ann", "agent", team="London")
    shown = cli("report", "appraisal", "--period", "2026-11", "--format", "csv")
    assert shown.exit_code == 0 and shown.stdout.startswith("agent,team,qa_average")
