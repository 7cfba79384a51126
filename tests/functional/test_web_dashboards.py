"""The QA overview: figures per role and scope, local weekdays and shifts, links to the conversations behind each bar."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pytest

from tests.conftest import PASSWORD
from tests.pages import text_of

HAPPY = [("customer", "My parcel is late."), ("agent", "Hello, I am sorry, let me check your order."),
         ("customer", "Thank you, that was helpful."), ("agent", "Is there anything else? Have a great day.")]
ANGRY = [("customer", "Where is my parcel? This is ridiculous."), ("agent", "That's not my problem."),
         ("customer", "Unacceptable.")]
# (id, agent, UTC start, queue, lines, csat). b1 works in Shanghai: Friday 20:00 UTC is Saturday 04:00 there.
CONVERSATIONS = [
    ("d-1", "a1", "2026-11-02T09:00:00", "returns", HAPPY, 5),   # London Monday, early shift
    ("d-2", "a1", "2026-11-07T23:30:00", "refunds", ANGRY, 1),   # London Saturday, night
    ("d-3", "a2", "2026-11-10T15:00:00", "returns", HAPPY, 4),   # London Tuesday, late
    ("d-4", "b1", "2026-11-06T20:00:00", "returns", ANGRY, None),  # Shanghai Saturday 04:00, night
    ("d-5", "a1", "2026-12-01T09:00:00", "returns", HAPPY, 5),   # outside the period 2026-11
]


def _record(external_id, agent, start, queue, lines, csat) -> dict:
    at = datetime.fromisoformat(start + "+00:00")
    record = {"id": external_id, "agent": agent, "language": "en", "channel": "chat", "queue": queue,
              "started_at": at.isoformat(),
              "turns": [{"speaker": s, "text": t, "at": (at + timedelta(seconds=20 * i)).isoformat()}
                        for i, (s, t) in enumerate(lines)]}
    if csat is not None:
        record["csat"] = csat
    return record


@pytest.fixture
def seeded(app, make_user, fake_sentiment):
    from qa_app.extensions import db
    from qa_app.services import ingest, scoring, users
    for login, team in (("a1", "team-a"), ("a2", "team-a"), ("b1", "team-b")):
        make_user(login, "agent", team=team)
    users.get_team("team-a").timezone = "Europe/London"
    users.get_team("team-b").timezone = "Asia/Shanghai"
    db.session.commit()
    make_user("lead-a", "lead", covers=["team-a"])
    make_user("hr1", "hr")
    make_user("rev1", "reviewer")
    text = "\n".join(json.dumps(_record(*c)) for c in CONVERSATIONS)
    summary = ingest.ingest_text(text, "dash.ndjson")
    scoring.score_pending(conversation_ids=summary.conversation_ids)


def _figures(client, auth, login, query="period=2026-11"):
    auth.login(login, PASSWORD)
    response = client.get(f"/dashboards/qa.json?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _table(doc, name):
    return next(t for t in doc["tables"] if t["name"] == name)


def _cell(table, row, column):
    return table["rows"][row][table["header"].index(column)]


def test_an_admin_sees_every_team_with_weekdays_and_shifts_in_each_teams_local_time(client, auth, seeded):
    doc = _figures(client, auth, "admin")
    assert doc["totals"]["evaluations"] == 4 and doc["totals"]["csat_ratings"] == 3
    assert [r[0] for r in _table(doc, "by_team")["rows"]] == ["team-a", "team-b"]
    weekday = _table(doc, "by_weekday")
    assert [_cell(weekday, i, "evaluations") for i in range(7)] == [1, 1, 0, 0, 0, 2, 0]
    shifts = {r[0]: r[1] for r in _table(doc, "by_shift")["rows"]}
    assert shifts == {"early": 1, "late": 1, "night": 2}
    assert _table(doc, "by_day_type")["rows"][1][:2] == ["weekend", 2]
    assert sum(r[1] for r in _table(doc, "score_distribution")["rows"]) == 4


def test_a_lead_sees_only_the_teams_they_cover(client, auth, seeded):
    doc = _figures(client, auth, "lead-a")
    assert doc["totals"]["evaluations"] == 3
    assert {r[0] for r in _table(doc, "trend_by_agent")["rows"]} == {"a1", "a2"}
    assert _figures(client, auth, "lead-a", "period=2026-11&team=team-b")["totals"]["evaluations"] == 0


def test_every_bar_links_to_exactly_the_conversations_it_counts(client, auth, seeded):
    doc = _figures(client, auth, "admin")
    followed = 0
    for table in doc["tables"]:
        column = "failures" if table["name"] == "criteria_failed" else "evaluations"
        if column not in table["header"]:
            continue
        for row, link in zip(table["rows"], table["links"]):
            page = client.get(link)
            assert page.status_code == 200, link
            listed = len(re.findall(r'href="/conversations/\d+"', text_of(page)))
            assert listed == row[table["header"].index(column)], (table["name"], row, link)
            followed += 1
    assert followed > 40


def test_hr_sees_every_team_but_no_link_to_a_conversation(client, auth, seeded):
    doc = _figures(client, auth, "hr1")
    assert doc["totals"]["evaluations"] == 4
    assert all(link is None for t in doc["tables"] for link in t["links"])
    page = text_of(client.get("/dashboards/qa?period=2026-11"))
    assert "/conversations/?" not in page and 'data-chart="by_shift"' in page


def test_the_page_draws_each_chart_from_a_json_data_element_with_the_vendored_chart_js(client, auth, seeded):
    auth.login("rev1", PASSWORD)
    page = text_of(client.get("/dashboards/qa?period=2026-11&team=team-a"))
    specs = json.loads(page.split('<script type="application/json" id="chart-data">')[1].split("</script>")[0])
    assert {"trend_by_team", "criteria_failed", "by_weekday", "end_sentiment", "csat_beside_score"} <= set(specs)
    assert page.count("<canvas data-chart=") == len(specs)
    assert specs["criteria_failed"]["datasets"][1]["yAxisID"] == "pct"
    assert "/static/vendor/chartjs/chart.umd.js" in page and "/static/charts.js" in page
    assert "<script>" not in page  # no inline code: the content-security policy to come forbids it
    assert client.get("/static/vendor/chartjs/chart.umd.js").status_code == 200
    assert client.get("/static/vendor/chartjs/LICENSE.md").status_code == 200


def test_a_bad_period_or_step_is_refused_with_the_reason(client, auth, seeded):
    auth.login("admin", PASSWORD)
    response = client.get("/dashboards/qa?period=2026-Q7")
    assert response.status_code == 400 and "quarter 7 is not between 1 and 4" in text_of(response)
    response = client.get("/dashboards/qa.json?period=2026-11&step=hourly")
    assert response.status_code == 400 and "step 'hourly' is not valid" in response.get_json()["error"]


def test_an_agent_sees_their_own_trend_against_the_team_median_and_not_the_overview(client, auth, seeded):
    auth.login("a2", PASSWORD)
    assert client.get("/dashboards/qa").status_code == 403
    page = text_of(client.get("/dashboards/me?period=2026-11"))
    assert 'data-table="agent_against_team"' in page and ">a1<" not in page  # team-mates are never named


def test_the_conversation_list_refuses_a_bad_filter_naming_the_field(client, auth, seeded):
    auth.login("admin", PASSWORD)
    response = client.get("/conversations/?weekday=9")
    assert response.status_code == 400 and "weekday: 9 is not between 1 (Monday) and 7 (Sunday)" in text_of(response)
    response = client.get("/conversations/?from=02-11-2026")
    assert response.status_code == 400 and "from: '02-11-2026' is not a date" in text_of(response)
    response = client.get("/conversations/?shift=night")
    assert response.status_code == 400 and "needs a from and a to date" in text_of(response)


def test_qadesk_report_qa_prints_the_dashboards_tables_as_json(cli, seeded):
    result = cli("report", "qa", "--period", "2026-11", "--team", "team-a", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["totals"]["evaluations"] == 3 and doc["filters"]["team"] == "team-a"
    names = [t["name"] for t in doc["tables"]]
    assert {"trend_by_team", "score_distribution", "criteria_failed", "by_shift"} <= set(names)
    bad = cli("report", "qa", "--period", "2026-13")
    assert bad.exit_code == 1 and "month 13 is not between 1 and 12" in bad.output


def test_qadesk_report_qa_writes_one_table_as_csv_and_every_table_as_an_xlsx_sheet(cli, seeded, tmp_path):
    import csv
    import io
    from openpyxl import load_workbook
    doc = json.loads(cli("report", "qa", "--period", "2026-11", "--team", "team-a").output)
    by_team = next(t for t in doc["tables"] if t["name"] == "by_team")
    printed = cli("report", "qa", "--period", "2026-11", "--team", "team-a", "--format", "csv", "--table", "by_team")
    rows = list(csv.reader(io.StringIO(printed.output)))
    assert printed.exit_code == 0 and rows[0] == by_team["header"] and len(rows) == 1 + len(by_team["rows"])
    several = cli("report", "qa", "--period", "2026-11", "--format", "csv")
    assert several.exit_code == 1
    unknown = cli("report", "qa", "--period", "2026-11", "--format", "csv", "--table", "nope")
    assert unknown.exit_code == 1 and "no table 'nope'" in unknown.output and "by_team" in unknown.output
    assert cli("report", "qa", "--period", "2026-11", "--format", "xlsx").exit_code == 2  # needs -o FILE
    out = tmp_path / "qa.xlsx"
    assert cli("report", "qa", "--period", "2026-11", "--team", "team-a", "--format", "xlsx", "-o", str(out)).exit_code == 0
    book = load_workbook(out)
    assert book.sheetnames == [t["name"] for t in doc["tables"]]
    sheet = book["by_team"]
    assert [c.value for c in sheet[1]] == by_team["header"] and sheet.freeze_panes == "A2"
    pct = by_team["header"].index("critical_pct")
    assert sheet.cell(row=2, column=pct + 1).number_format == "0.0%"
    assert sheet.cell(row=2, column=pct + 1).value == pytest.approx((by_team["rows"][0][pct] or 0) / 100)


def test_qadesk_team_timezone_sets_a_known_zone_and_refuses_an_unknown_one(cli, seeded):
    assert json.loads(cli("team", "timezone", "team-a", "--json").output)["timezone"] == "Europe/London"
    assert cli("team", "timezone", "team-a", "Asia/Tokyo").exit_code == 0
    bad = cli("team", "timezone", "team-a", "Mars/Base")
    assert bad.exit_code == 1 and "unknown time zone 'Mars/Base'" in bad.output


def test_the_training_overview_charts_assignments_by_course_and_status_beside_their_table(client, auth, seeded):
    auth.login("admin", PASSWORD)
    page = text_of(client.get("/training/"))
    spec = json.loads(page.split('id="chart-data">')[1].split("</script>")[0])["assignments_by_course"]
    assert [d["label"] for d in spec["datasets"]] == ["assigned", "overdue", "completed", "cancelled"]
    assert spec["stacked"] is True and sum(sum(d["data"]) for d in spec["datasets"]) >= 1
    assert 'data-table="assignments_by_course"' in page and 'data-chart="assignments_by_course"' in page
    auth.logout()
    auth.login("a1", PASSWORD)
    assert 'id="chart-data"' not in text_of(client.get("/training/"))  # an agent's own list has no chart


def test_course_effectiveness_draws_no_chart_before_a_course_is_completed(client, auth, seeded):
    auth.login("hr1", PASSWORD)
    page = text_of(client.get("/training/effectiveness"))
    assert "No course has been completed yet." in page and 'data-chart="course_effects"' not in page


def _cells_of(page: str, table: str) -> list[str]:
    """The first cell of each row of the page's data table `table` (its text, without the link)."""
    body = re.search(rf'data-table="{table}">(.*?)</table>', page, re.S)[1]
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<tr><td>(.*?)</td>", body)]


def test_the_qa_overview_in_chinese_names_criteria_channels_moods_weekdays_and_shifts_in_chinese(client, auth,
                                                                                                   seeded):
    auth.login("admin", PASSWORD)
    assert client.post("/language", data={"locale": "zh"}).status_code == 302
    page = text_of(client.get("/dashboards/qa?period=2026-11"))
    specs = json.loads(re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', page, re.S)[1])
    greeting = "客服第一次回复时问候或欢迎客户"  # the shipped scorecard's "greeting" criterion, as the catalogue has it
    for chart, shown in (("criteria_failed", greeting), ("by_channel", "在线聊天"), ("end_sentiment", "消极"),
                         ("by_weekday", "周六"), ("by_day_type", "周末"), ("by_shift", "夜班")):
        assert shown in specs[chart]["labels"], (chart, specs[chart]["labels"])
        assert shown in _cells_of(page, chart), chart
    assert _cells_of(page, "end_sentiment") == ["积极", "中性", "消极", "未识别"]
    assert "greeting" not in _cells_of(page, "criteria_failed") and "chat" not in specs["by_channel"]["labels"]
    assert '<option value="chat">在线聊天</option>' in page  # the channel filter too
    assert "shift=night" in page  # the links behind the rows keep the codes
    doc = _figures(client, auth, "admin")  # the JSON stays machine-readable in Chinese
    assert "greeting" in [r[0] for r in _table(doc, "criteria_failed")["rows"]]
    assert [r[0] for r in _table(doc, "end_sentiment")["rows"]] == ["positive", "neutral", "negative", "unknown"]
    assert [r[0] for r in _table(doc, "by_channel")["rows"]] == ["chat"]
