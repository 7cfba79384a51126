"""Each role's home through real requests: the agent's quality and training (overdue never called
"due soon"), the lead's team overview and its one-click assignment, HR's appraisal periods and the
appraisal report's default period, picker and names; and the notifications the steps create."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Assignment, Notification, User
from qa_app.services import homes
from tests.conftest import PASSWORD
from tests.functional.test_email_notifications import smtp, subject  # noqa: F401 (the SMTP fixture)
from tests.functional.test_web_access import record
from tests.pages import text_of


@pytest.fixture
def team(app, make_user, fake_sentiment):
    """agent1 (team-a, "Ann Agent") with a scored, auto-failed conversation of today; lead1 and reviewer1
    cover team-a; hr1. agent1 has one course overdue since September, one due tomorrow."""
    from qa_app.services import ingest, scoring, training, users
    make_user("agent1", "agent", team="team-a").name = "Ann Agent"
    make_user("lead1", "lead", covers=["team-a"])
    make_user("reviewer1", "reviewer", covers=["team-a"])
    make_user("hr1", "hr")
    db.session.commit()
    summary = ingest.ingest_text(json.dumps(record("home-1", "agent1")), "home.json")
    scoring.score_pending(conversation_ids=summary.conversation_ids)
    codes = [c.code for c in training.list_courses() if c.language == "en"]
    for a in list(db.session.scalars(db.select(Assignment))):  # the rules' own assignments: cancelled, so only ours count
        a.status = "cancelled"
    now = clock.now()  # the last 10 September before today, whatever today is (make test-dates)
    september = now.replace(year=now.year if (now.month, now.day) > (9, 20) else now.year - 1, month=9, day=10)
    late = training.assign_course(None, "agent1", codes[0], due_days=5, reason="old", now=september, commit=False)
    soon = training.assign_course(None, "agent1", codes[1], due_days=1, reason="new", commit=False)
    db.session.commit()
    assert users.get_user("agent1").name == "Ann Agent"
    return {"conv": summary.conversation_ids[0], "late": late.id, "soon": soon.id, "codes": codes}


def as_user(client, login: str) -> None:
    client.post("/logout")
    assert client.post("/login", data={"login": login, "password": PASSWORD}).status_code == 302


def section_html(page: str, element_id: str) -> str:
    """The HTML of the element with the id, up to the next section or banner."""
    found = re.search(rf'id="{element_id}"(.*?)(?=<section|<div class="banner|</main>)', page, re.S)
    assert found, f"no #{element_id} on the page"
    return found.group(1)


def section(page: str, element_id: str) -> str:
    """The text of section_html."""
    return re.sub(r"<[^>]+>", " ", section_html(page, element_id))


def test_the_agent_home_calls_a_course_past_its_due_date_overdue_and_never_due_soon(client, team):
    as_user(client, "agent1")
    page = text_of(client.get("/"))
    overdue, soon = section(page, "banner-overdue"), section(page, "banner-due-soon")
    late = db.session.get(Assignment, team["late"])
    assert late.course.title in overdue and "overdue since" in overdue
    assert late.course.title not in soon and db.session.get(Assignment, team["soon"]).course.title in soon


def test_the_agent_home_shows_latest_evaluations_with_feedback_trend_training_and_disputes(client, team):
    as_user(client, "agent1")
    page = text_of(client.get("/"))
    assert "home-1" in section(page, "my-evaluations") and "Fail" in section(page, "my-evaluations")
    assert "Team median" in section(page, "my-trend")
    assert "due soon" in section(page, "my-training") and "overdue" in section(page, "my-training")
    assert "No disputes." in section(page, "my-disputes") and "No coaching sessions yet." in section(page, "my-coaching")


def test_the_lead_home_shows_the_team_its_agents_overdue_training_and_failing_criteria(client, team):
    as_user(client, "lead1")
    page = text_of(client.get("/"))
    assert "team-a" in section(page, "team-trend")
    assert "Ann Agent" in section(page, "team-agents") and "Book coaching" in section(page, "team-agents")
    assert db.session.get(Assignment, team["late"]).course.title in section(page, "team-overdue")
    assert "No failed criteria" not in section(page, "criteria-failing")
    assert "No open disputes." in section(page, "team-disputes")
    assert 'href="/coaching/new?agent=agent1"' in page


def test_one_click_on_the_lead_home_assigns_the_chosen_course_to_that_agent(client, team):
    as_user(client, "lead1")
    page = text_of(client.get("/"))
    assert 'action="/training/assign"' in page and 'name="agent" value="agent1"' in page
    answer = client.post("/training/assign", data={"agent": "agent1", "course": team["codes"][2]})
    assert answer.status_code == 302
    db.session.expire_all()
    made = db.session.scalars(db.select(Assignment).where(Assignment.status == "assigned")).all()
    assert team["codes"][2] in {a.course.code for a in made}


def test_an_open_dispute_reaches_the_lead_home_and_the_resolver_s_bell_and_the_answer_the_agent_s(client, team):
    from qa_app.services import conversations
    as_user(client, "agent1")
    ev = conversations.final_evaluation(team["conv"])
    opened = client.post(f"/disputes/open/{ev.id}", data={"comment": "I did greet"})
    assert opened.status_code == 302
    number = int(opened.location.rsplit("/", 1)[-1])
    as_user(client, "lead1")
    assert f"Dispute #{number}" in section(text_of(client.get("/")), "team-disputes")
    db.session.expire_all()
    told = db.session.scalars(db.select(Notification).where(Notification.kind == "dispute_opened")).all()
    assert told and all(n.params["dispute_id"] == number for n in told)
    resolver = told[0].user.login
    as_user(client, resolver)
    assert "New dispute from Ann Agent" in text_of(client.get("/notifications/"))
    assert client.post(f"/disputes/{number}", data={"outcome": "reject", "reason": "no greeting"}).status_code == 302
    as_user(client, "agent1")
    bell = text_of(client.get("/notifications/"))
    assert "Your dispute was rejected" in bell and f'href="/disputes/{number}"' in bell
    assert "rejected" in section(text_of(client.get("/")), "my-disputes")


def test_the_answer_to_a_dispute_is_mailed_to_the_agent_in_their_language_with_its_link(app, client, smtp, team):
    from qa_app import jobs as job_table
    from qa_app.services import conversations, users
    agent = users.get_user("agent1")
    agent.email, agent.locale = "ann@example.org", "zh"
    db.session.commit()
    as_user(client, "agent1")
    ev = conversations.final_evaluation(team["conv"])
    number = int(client.post(f"/disputes/open/{ev.id}", data={"comment": "我问候了"}).location.rsplit("/", 1)[-1])
    as_user(client, "lead1")
    assert client.post(f"/disputes/{number}", data={"outcome": "reject", "reason": "没有问候"}).status_code == 302
    job_table.tick(app, "test-holder")  # the scheduler's beat delivers pending copies
    mine = [m for m in smtp.messages if "ann@example.org" in m["To"] and "申诉" in subject(m)]
    assert [subject(m) for m in mine] == ["您的申诉已处理：已驳回"]
    body = mine[0].get_payload(decode=True).decode()
    assert "没有问候" in body and f"https://qa.example.org/disputes/{number}" in body


def test_a_calibration_session_invites_its_raters_and_shows_on_their_homes(client, team):
    as_user(client, "lead1")
    deadline = (clock.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    created = client.post("/calibration/new", data={"name": "Weekly", "deadline": deadline, "rater": ["reviewer1"],
                                                    "external_ids": "home-1"})
    assert created.status_code == 302
    assert "Weekly" in section(text_of(client.get("/")), "calibration")
    as_user(client, "reviewer1")
    home = text_of(client.get("/"))
    assert "Weekly" in section(home, "calibration") and "0 / 1" in section(home, "calibration")
    assert "Calibration session: Weekly" in text_of(client.get("/notifications/"))


def test_hr_home_lists_appraisal_periods_with_their_state_and_the_ones_to_sign(client, team):
    from qa_app.services import appraisals, users
    month = homes.last_complete_month()
    appraisals.draft_period(month)
    as_user(client, "lead1")
    row = appraisals.visible(users.get_user("hr1"), month)[0]
    assert client.post(f"/appraisals/{row.id}/proposal", data={"comment": "Fine", "rating": row.snapshot["band"]
                                                               or "Meets"}).status_code == 302
    as_user(client, "hr1")
    periods = section(text_of(client.get("/")), "appraisal-periods")
    assert month in periods and "in review" in periods and "1 to sign" in periods
    assert "Appraisal ready to sign: Ann Agent" in text_of(client.get("/notifications/"))


def test_the_appraisal_report_opens_on_the_last_complete_month_with_a_picker_and_names(client, team):
    as_user(client, "hr1")
    page = text_of(client.get("/reports/appraisal"))
    month = homes.last_complete_month()
    assert f"Appraisal report · {month}" in page
    assert re.search(rf'<select name="period" id="period">.*<option value="{month}" selected>', page, re.S)
    assert 'type="text" name="period"' not in page
    assert "<td>Ann Agent</td><td>agent1</td><td>team-a</td>" in page
    assert f"Appraisal report · {month}" in text_of(client.get("/reports/appraisal?period="))
    quarter = homes.period_choices()["quarter"][1]
    assert f'<option value="{quarter}" selected>' in text_of(client.get(f"/reports/appraisal?period={quarter}"))


def test_split_training_calls_an_assignment_past_its_due_date_overdue_before_the_job_marks_it(app, team):
    late, soon = db.session.get(Assignment, team["late"]), db.session.get(Assignment, team["soon"])
    assert late.status == "assigned"  # the overdue job has not run
    split = homes.split_training([late, soon])
    assert split.overdue == (late,) and split.due_soon == (soon,) and split.later == ()
    later = homes.split_training([soon], now=clock.now() - timedelta(days=3))  # 2 days before (the reminder's)
    assert later.due_soon == () and later.later == (soon,)


def test_every_home_answers_for_a_user_with_nothing_yet_and_says_what_to_do(client, make_user):
    for login, role, words in (("new.agent", "agent", "No evaluations yet."),
                               ("new.lead", "lead", "You cover no agents yet."),
                               ("new.hr", "hr", "No appraisals yet."),
                               ("new.rev", "reviewer", "No calibration session waiting for your answers.")):
        make_user(login, role, team="team-z" if role == "agent" else None,
                  covers=["team-y"] if role in ("lead", "reviewer") else ())  # a team with no agents yet
        as_user(client, login)
        page = client.get("/")
        assert page.status_code == 200 and words in text_of(page), login
    assert db.session.scalar(db.select(db.func.count(User.id))) >= 4
