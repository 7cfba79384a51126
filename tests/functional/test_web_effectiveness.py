"""Course effectiveness on the demo instance, as HR, a lead and an agent see it, and from
`qadesk training effectiveness`: the demo's after-sales course in Chinese is flagged."""
from __future__ import annotations

import json
from datetime import date

from qa_app.demo import DEMO_PASSWORD
from qa_app.services import demo
from tests.pages import text_of

TODAY = date(2026, 11, 23)


def test_hr_sees_each_course_flagged_or_not_the_agent_sees_their_own_before_and_after(app, client, cli, auth):
    demo.load_demo(TODAY)
    auth.login("hr.zhao", DEMO_PASSWORD)
    page = text_of(client.get("/training/effectiveness"))
    assert "aftersales-zh" in page and "criteria did not move" in page and "95 % confidence interval" in page
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
