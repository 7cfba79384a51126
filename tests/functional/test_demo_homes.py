"""The README's tour names demo logins whose home has something to see: each is logged in through
the real form on the loaded demo and its home's sections are read."""
from __future__ import annotations

import re
from pathlib import Path

from tests.functional.test_web_homes import section, section_html
from tests.pages import text_of

README = Path(__file__).resolve().parents[2] / "README.md"
DEMO_PASSWORD = "qadesk-demo-2026"

#: login -> what its home must show: (section id, words in it); a section must not be an empty state
EXPECTED = {
    "david.smith": [("banner-overdue", "overdue since"), ("my-disputes", "open"),
                    ("my-evaluations", "Fail"), ("my-training", "overdue")],
    "wang.wei": [("banner-appraisal", "acknowledge"), ("my-disputes", "rejected"), ("my-evaluations", "Fail")],
    "zhang.min": [("my-coaching", "to acknowledge"), ("my-training", "overdue")],
    "lead.liu": [("team-trend", "London"), ("criteria-failing", ""), ("team-agents", "Book coaching"),
                 ("team-overdue", ""), ("team-disputes", "David Smith"), ("calibration", "Refund calls")],
    "qa.chen": [("calibration", "0 / 3")],
    "qa.taylor": [("calibration", "1 / 3")],
    "hr.zhao": [("appraisal-periods", "3 to sign"), ("appraisal-periods", "final")],
}


def tour_logins() -> list[str]:
    """The logins in the first column of the README's tour table."""
    tour = README.read_text(encoding="utf-8").split("## A tour", 1)[1].split("\n\n", 2)[2]
    rows = [line for line in tour.splitlines() if line.startswith("| `")]
    return [login for row in rows for login in re.findall(r"`([^`]+)`", row.split("|")[1])]


def test_every_login_of_the_readme_tour_lands_on_a_home_with_something_to_see(app, client, frozen_clock):
    from qa_app.services import demo
    demo.load_demo()
    named = tour_logins()
    assert set(named) - {"admin"} <= set(EXPECTED), f"the tour names logins this test does not check: {named}"
    for login in [n for n in named if n != "admin"]:
        client.post("/logout")
        assert client.post("/login", data={"login": login, "password": DEMO_PASSWORD}).status_code == 302
        page = text_of(client.get("/"))
        for element_id, words in EXPECTED[login]:
            shown = section(page, element_id)
            assert words in shown and 'class="empty"' not in section_html(page, element_id), (login, element_id, shown)
