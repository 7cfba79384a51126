"""Course effectiveness on the demo instance, as HR, a lead and an agent see it, and from
`qadesk training effectiveness`: the demo's after-sales course in Chinese is flagged."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

import openpyxl
import pytest

from qa_app.demo import DEMO_PASSWORD
from qa_app.services import demo
from tests.pages import text_of

TODAY = date(2026, 11, 23)


def docs_change(cli, course: str):
    return json.loads(cli("training", "effectiveness", "--course", course, "--json").stdout)[0]["criteria_change"]["mean"]


def test_hr_sees_each_course_flagged_or_not_the_agent_sees_their_own_before_and_after(app, client, cli, auth):
    demo.load_demo(TODAY)
    auth.login("hr.zhao", DEMO_PASSWORD)
    page = text_of(client.get("/training/effectiveness"))
    assert "aftersales-zh" in page and "criteria did not move" in page and "95 % confidence interval" in page
    spec = json.loads(page.split('id="chart-data">')[1].split("</script>")[0])["course_effects"]  # the chart's figures
    at = spec["labels"].index("aftersales-zh")
    assert spec["datasets"][1]["data"][at] == docs_change(cli, "aftersales-zh")
    docs = {d["course"]: d for d in json.loads(cli("training", "effectiveness", "--json").stdout)}
    assert docs["aftersales-zh"]["flagged"] is True and docs["aftersales-zh"]["criteria_change"]["n"] >= 5
    assert not any(d["flagged"] for code, d in docs.items() if code != "aftersales-zh")
    one = json.loads(cli("training", "effectiveness", "--course", "empathy-zh", "--json").stdout)
    assert [d["course"] for d in one] == ["empathy-zh"]
    assert "FLAGGED" in cli("training", "effectiveness").output
    missing = cli("training", "effectiveness", "--course", "nope")
    assert missing.exit_code == 1 and "no course with code 'nope'" in missing.output
    auth.logout()
    auth.login("zhang.min", DEMO_PASSWORD)
    assert client.get("/training/effectiveness").status_code == 403
    mine = text_of(client.get("/training/"))
    assert "Before and after each completed course" in mine or "每门已完成课程的前后对比" in mine


def test_hr_downloads_the_report_as_csv_of_courses_and_xlsx_with_each_agents_before_and_after(app, client, cli, auth,
                                                                                             tmp_path):
    demo.load_demo(TODAY)
    docs = {d["course"]: d for d in json.loads(cli("training", "effectiveness", "--format", "json").stdout)}
    out = tmp_path / "effectiveness.xlsx"
    assert cli("training", "effectiveness", "--format", "xlsx", "-o", str(out)).exit_code == 0
    assert openpyxl.load_workbook(out).sheetnames == ["Courses", "Before and after"]
    shown = cli("training", "effectiveness", "--format", "csv").stdout
    assert shown.startswith("course,title,completed") and "aftersales-zh" in shown
    auth.login("hr.zhao", DEMO_PASSWORD)
    page = text_of(client.get("/training/effectiveness"))
    assert 'href="/training/effectiveness.xlsx"' in page and 'href="/training/effectiveness.csv"' in page
    body = client.get("/training/effectiveness.csv").get_data()
    courses = {r["course"]: r for r in csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline=""))}
    assert body.startswith(b"\xef\xbb\xbf") and set(courses) == set(docs)
    assert courses["aftersales-zh"]["flagged"] == "yes"
    assert courses["aftersales-zh"]["criteria_change_n"] == str(docs["aftersales-zh"]["criteria_change"]["n"])
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/training/effectiveness.xlsx").get_data()))
    assert workbook.sheetnames == ["Courses", "Before and after"]
    sheet = workbook["Before and after"]
    header = [c.value for c in sheet[1]]
    pairs = [dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    expected = [a for d in docs.values() for a in d["agents"]]
    assert len(pairs) == len(expected) and {p["agent"] for p in pairs} == {a["agent"] for a in expected}
    first = next(a for a in expected if a["rate_before"] is not None)
    row = next(p for p in pairs if p["assignment"] == first["assignment"])
    assert row["criteria_rate_before"] == pytest.approx(first["rate_before"] / 100)
    assert sheet.cell(row=2, column=header.index("score_before") + 1).number_format == "0.0"
    auth.logout()
    auth.login("zhang.min", DEMO_PASSWORD)
    assert client.get("/training/effectiveness.xlsx").status_code == 403
