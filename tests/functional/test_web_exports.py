"""HR downloads the appraisal report as CSV and XLSX from its page; both read back neutralised; agents are refused."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone

import openpyxl
import pytest

from tests.conftest import PASSWORD
from tests.pages import text_of

START = datetime(2026, 11, 10, 9, 0, tzinfo=timezone.utc)


def chat(external_id: str, agent: str, csat: int) -> dict:
    lines = [("customer", "Where is my parcel?"), ("agent", "Hello, thank you for contacting us. It arrives tomorrow."),
             ("customer", "Thanks.")]
    return {"id": external_id, "agent": agent, "language": "en", "channel": "chat", "csat": csat,
            "started_at": START.isoformat(),
            "turns": [{"speaker": s, "text": t, "at": (START + timedelta(seconds=20 * i)).isoformat()}
                      for i, (s, t) in enumerate(lines)]}


@pytest.fixture
def scored(app, make_user, fake_sentiment):
    """Two agents whose team names start like formulas (a phone prefix, a dash); one has a Chinese name."""
    from qa_app.services import ingest, scoring
    make_user("hr1", "hr")
    make_user("张伟", "agent", team="-夜班")
    make_user("ann", "agent", team="+44 London")
    text = "\n".join(json.dumps(chat(f"x-{i}", agent, csat), ensure_ascii=False)
                     for i, (agent, csat) in enumerate([("张伟", 5), ("张伟", 4), ("ann", 2)]))
    summary = ingest.ingest_text(text.encode("utf-8"), "chats.ndjson")
    scoring.score_pending(conversation_ids=summary.conversation_ids)


def test_the_report_page_offers_both_downloads(client, auth, scored):
    auth.login("hr1", PASSWORD)
    page = text_of(client.get("/reports/appraisal?period=2026-11"))
    assert 'href="/reports/appraisal.csv?period=2026-11">Download CSV</a>' in page
    assert 'href="/reports/appraisal.xlsx?period=2026-11">Download Excel (XLSX)</a>' in page


def test_hr_downloads_the_csv_with_a_byte_order_mark_and_neutralised_team_names(client, auth, scored):
    auth.login("hr1", PASSWORD)
    response = client.get("/reports/appraisal.csv?period=2026-11")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="appraisal-2026-11.csv"'
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = {r["Login"]: r for r in csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline=""))}
    assert rows["张伟"]["Team"] == "'-夜班" and rows["ann"]["Team"] == "'+44 London"
    assert rows["张伟"]["Evaluations"] == "2" and rows["张伟"]["CSAT satisfied %"] == "100.0"


def test_hr_downloads_the_xlsx_with_one_formatted_sheet(client, auth, scored):
    auth.login("hr1", PASSWORD)
    response = client.get("/reports/appraisal.xlsx?period=2026-Q4")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"] == "attachment; filename=appraisal-2026-Q4.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    assert workbook.sheetnames == ["Appraisal 2026-Q4"]
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Agent", "Login", "Team", "QA average"] and all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    rows = {r[1]: dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["张伟"]["Team"] == "'-夜班" and rows["张伟"]["Evaluations"] == 2
    assert rows["张伟"]["CSAT satisfied %"] == 1.0 and rows["ann"]["CSAT satisfied %"] == 0.0
    column = header.index("CSAT satisfied %") + 1
    assert sheet.cell(row=2, column=column).number_format == "0.0%"
    assert sheet.cell(row=2, column=header.index("QA average") + 1).number_format == "0.0"


@pytest.mark.parametrize("url", ["/reports/appraisal.csv?period=2026-11", "/reports/appraisal.xlsx?period=2026-11"])
def test_an_agent_is_refused_either_download(client, auth, scored, url):
    auth.login("ann", PASSWORD)
    assert client.get(url).status_code == 403


def test_a_bad_period_gets_the_page_with_the_reason_not_a_file(client, auth, scored):
    auth.login("hr1", PASSWORD)
    response = client.get("/reports/appraisal.xlsx?period=2026-13")
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "month 13 is not between 1 and 12" in text_of(response)
