"""A lead assigns a course by hand, to one agent or a whole team, from the training overview or
`qadesk training assign`: agents who have it open (or are inactive) are skipped and named, a lead
outside the team's coverage is refused, agents cannot assign, and each new course reaches the bell."""
from __future__ import annotations

import json

import pytest

from qa_app.extensions import db
from qa_app.models import Assignment, Notification, User
from qa_app.services import ServiceError, training


@pytest.fixture
def teams(make_user):
    make_user("amy.agent", "agent", team="returns")
    make_user("ben.agent", "agent", team="returns")
    gone = make_user("cat.agent", "agent", team="returns")
    gone.active = False
    make_user("dan.agent", "agent", team="billing")
    make_user("lee.lead", "lead", covers=["returns"])
    db.session.commit()


def open_courses(login: str) -> list[str]:
    db.session.expire_all()
    return [a.course.code for a in db.session.scalars(db.select(Assignment).join(Assignment.agent)
                                                      .where(User.login == login, Assignment.status == "assigned"))]


def test_a_team_assignment_skips_who_has_it_open_or_is_inactive_and_tells_each_agent(app, teams):
    lead = db.session.scalar(db.select(User).where(User.login == "lee.lead"))
    training.assign_course(lead, "ben.agent", "compliance-en", due_days=5)
    done = training.assign_by_hand(lead, "compliance-en", team="returns", due_days=10, reason="annual refresher")
    assert [a.agent.login for a in done.assigned] == ["amy.agent"]
    assert dict(done.skipped) == {"ben.agent": "already open", "cat.agent": "inactive"}
    assert open_courses("dan.agent") == []  # another team
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Notification.id)).where(Notification.kind == "assigned")) == 2


def test_a_lead_cannot_assign_outside_the_teams_they_cover(app, teams):
    lead = db.session.scalar(db.select(User).where(User.login == "lee.lead"))
    from qa_app.services import NotFound
    with pytest.raises(NotFound, match="billing"):
        training.assign_by_hand(lead, "compliance-en", team="billing")
    with pytest.raises(NotFound, match="dan.agent"):
        training.assign_by_hand(lead, "compliance-en", agent_login="dan.agent")
    with pytest.raises(ServiceError, match="either an agent or a team"):
        training.assign_by_hand(lead, "compliance-en")


def test_the_lead_assigns_from_the_overview_with_the_form(app, client, auth, teams):
    auth.login("lee.lead")
    page = client.get("/training/").get_data(as_text=True)
    assert 'action="/training/assign"' in page and "Assign a course" in page
    response = client.post("/training/assign", data={"team": "returns", "course": "empathy-en", "due_days": "7"},
                           follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Assigned to 2 agent(s)." in text and "cat.agent (deactivated)" in text
    assert open_courses("amy.agent") == ["empathy-en"] and open_courses("ben.agent") == ["empathy-en"]
    both = client.post("/training/assign", data={"agent": "amy.agent", "team": "returns", "course": "empathy-en"},
                       follow_redirects=True)
    assert "Give either an agent or a team." in both.get_data(as_text=True)
    auth.logout()
    auth.login("amy.agent")
    assert 'action="/training/assign"' not in client.get("/training/").get_data(as_text=True)
    assert client.post("/training/assign", data={"agent": "amy.agent", "course": "empathy-en"}).status_code == 403


def test_qadesk_training_assign_to_an_agent_and_a_team(app, cli, teams):
    one = cli("training", "assign", "--agent", "dan.agent", "--course", "qa-basics-en", "--due", "2099-01-31", "--json")
    doc = json.loads(one.output)
    assert one.exit_code == 0 and doc["assigned"][0]["agent"] == "dan.agent" and doc["assigned"][0]["due"][:10] == "2099-01-31"
    team = cli("training", "assign", "--team", "returns", "--course", "qa-basics-en")
    assert team.exit_code == 0 and "assigned qa-basics-en to amy.agent" in team.output
    assert "skipped cat.agent: inactive" in team.output
    again = cli("training", "assign", "--agent", "dan.agent", "--course", "qa-basics-en")
    assert again.exit_code == 1 and "already has qa-basics-en open" in again.output
    assert cli("training", "assign", "--course", "qa-basics-en").exit_code == 2  # neither --agent nor --team
    past = cli("training", "assign", "--agent", "amy.agent", "--course", "empathy-en", "--due", "2001-01-01")
    assert past.exit_code == 1 and "is not after today" in past.output
