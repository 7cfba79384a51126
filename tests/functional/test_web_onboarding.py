"""A lead starts a new agent's onboarding on the Training overview (CSRF on); the agent passes the
first course in the browser's place and finds the next one unlocked on My training."""
from __future__ import annotations

import json

import pytest

from qa_app.extensions import db
from qa_app.models import Assignment, QuizAttempt
from qa_app.services import course_store
from tests.conftest import PASSWORD
from tests.functional.test_web_courses import form_fields
from tests.pages import text_of, token


def login(client, who: str) -> None:
    client.post("/login", data={"login": who, "password": PASSWORD, "csrf_token": token(text_of(client.get("/login")))})


@pytest.fixture
def people(app, make_user):
    make_user("lena", "lead", covers=("team-a",))
    make_user("ann", "agent", team="team-a")
    make_user("bob", "agent", team="team-b")
    app.config["WTF_CSRF_ENABLED"] = True


def test_a_lead_starts_onboarding_and_passing_the_first_course_unlocks_the_next(client, people):
    login(client, "lena")
    page = text_of(client.get("/training/"))
    assert "Start onboarding" in page and "New agent onboarding (English)" in page
    started = client.post("/training/onboard", data={"agent": "ann", "path": "new-agent-en", "csrf_token": token(page)})
    assert started.status_code == 302
    overview = text_of(client.get(started.location))
    assert "ann is on New agent onboarding (English); the first course is assigned." in overview
    assert "0 of 6 courses passed" in overview
    client.post("/logout", data={"csrf_token": token(overview)})

    login(client, "ann")
    [first] = db.session.scalars(db.select(Assignment)).all()
    page = text_of(client.get(f"/training/{first.id}"))
    client.post(f"/training/{first.id}/quiz/start", data={"csrf_token": token(page)})
    quiz_page = text_of(client.get(f"/training/{first.id}/quiz"))
    db.session.expire_all()
    asked = course_store.attempt_quiz(db.session.scalar(db.select(QuizAttempt)), db.session.get(Assignment, first.id).course)
    answers = {"csrf_token": token(quiz_page)}
    for q in asked.quiz.questions:
        answers.update(form_fields(q))
    assert "Passed." in text_of(client.post(f"/training/{first.id}/quiz", data=answers))
    mine = text_of(client.get("/training/"))
    assert "1 of 6 courses passed" in mine
    db.session.expire_all()
    codes = [a.course.code for a in db.session.scalars(db.select(Assignment).order_by(Assignment.id))]
    assert codes == ["qa-basics-en", "etiquette-en"]


def test_a_lead_cannot_onboard_an_agent_of_another_team_and_a_post_without_token_is_refused(client, people):
    login(client, "lena")
    page = text_of(client.get("/training/"))
    assert client.post("/training/onboard", data={"agent": "bob", "path": "new-agent-en"}).status_code == 400
    refused = client.post("/training/onboard", data={"agent": "bob", "path": "new-agent-en", "csrf_token": token(page)},
                          follow_redirects=True)
    assert "No agent of that name that you cover." in text_of(refused)
    assert db.session.scalar(db.select(db.func.count()).select_from(Assignment)) == 0


def test_agents_cannot_start_onboarding(client, people):
    login(client, "ann")
    page = text_of(client.get("/training/"))
    assert "Start onboarding" not in page
    assert client.post("/training/onboard", data={"agent": "ann", "path": "new-agent-en",
                                                  "csrf_token": token(page)}).status_code == 403


def test_the_command_line_lists_paths_and_onboards_an_agent(cli, people):
    paths = json.loads(cli("training", "paths", "--json").output)
    assert [p["code"] for p in paths] == ["new-agent-en", "new-agent-zh"]
    done = cli("training", "onboard", "--agent", "ann", "--path", "new-agent-en")
    assert done.exit_code == 0 and "qa-basics-en assigned, then etiquette-en" in done.output
    again = cli("training", "onboard", "--agent", "ann", "--path", "new-agent-en")
    assert again.exit_code == 1 and "already on the onboarding path" in again.output
