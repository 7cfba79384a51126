"""Coaching in the browser's place (the Flask test client, CSRF on): a lead records a session with a
linked evaluation and agreed actions, the agent sees the follow-up on their home, acknowledges with a
comment and marks an action done; who else may open the session; `qadesk coaching list`."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import CoachingSession, Evaluation
from qa_app.services import ingest, scoring
from tests.conftest import PASSWORD
from tests.pages import text_of, token


@pytest.fixture
def coached(app, make_user, fake_sentiment):
    """amy (returns) with one scored conversation, dan (billing), lee leads returns; CSRF on."""
    for login, role, team, covers in (("amy.agent", "agent", "returns", ()), ("dan.agent", "agent", "billing", ()),
                                      ("lee.lead", "lead", None, ["returns"]), ("rita", "reviewer", None, ["returns"]),
                                      ("bill", "reviewer", None, ["billing"]), ("hr.hana", "hr", None, ())):
        make_user(login, role, team=team, covers=covers)
    start = clock.now().replace(microsecond=0) - timedelta(days=1)
    record = {"id": "c-1", "agent": "amy.agent", "language": "en", "started_at": start.isoformat(), "turns": [
        {"speaker": "customer", "text": "Where is my parcel?", "at": start.isoformat()},
        {"speaker": "agent", "text": "That's not my problem.", "at": (start + timedelta(seconds=20)).isoformat()}]}
    scoring.score_pending(conversation_ids=ingest.ingest_text(json.dumps(record), "seed.json").conversation_ids)
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True


def login(client, who: str):
    """A new client (a browser of its own) logged in as `who`, the same app as `client`."""
    browser = client.application.test_client()
    browser.post("/login", data={"login": who, "password": PASSWORD,
                                 "csrf_token": token(text_of(browser.get("/login")))})
    return browser


def record_session(client) -> int:
    client = login(client, "lee.lead")
    page = text_of(client.get("/coaching/new?agent=amy.agent"))
    ev_id = db.session.scalar(db.select(Evaluation.id).where(Evaluation.is_final.is_(True)))
    assert "c-1" in page and f'value="{ev_id}:' in page  # the evaluation and its failed criteria to link
    today = clock.today()
    response = client.post("/coaching/new", data={
        "csrf_token": token(page), "agent": "amy.agent", "held_on": today.isoformat(),
        "notes": "Ownership: never say it is not your problem.", "evaluations": [str(ev_id)],
        "action_text_1": "Re-read the ownership module", "action_owner_1": "agent",
        "action_due_1": (today + timedelta(days=1)).isoformat(),
        "action_text_2": "Send amy the macro list", "action_owner_2": "coach", "action_due_2": today.isoformat()})
    assert response.status_code == 302, text_of(response)
    assert "Coaching session recorded. amy.agent has been told." in text_of(client.get(response.location))
    return int(response.location.rsplit("/", 1)[1])


def test_a_lead_records_a_session_and_the_agent_acknowledges_it_and_marks_an_action_done(client, coached):
    sid = record_session(client)
    lead = login(client, "lee.lead")
    assert "Re-read the ownership module" in text_of(lead.get(f"/coaching/{sid}"))
    client = login(client, "amy.agent")
    home = text_of(client.get("/"))
    assert "Coaching follow-ups" in home and "Re-read the ownership module" in home and "due soon" in home
    page = text_of(client.get(f"/coaching/{sid}"))
    assert "Ownership: never say it is not your problem." in page and "c-1" in page
    assert client.post(f"/coaching/{sid}/acknowledge", data={"comment": "x"}).status_code == 400  # no token
    client.post(f"/coaching/{sid}/acknowledge", data={"comment": "Agreed.", "csrf_token": token(page)})
    page = text_of(client.get(f"/coaching/{sid}"))
    assert "Acknowledged. Your coach has been told." in page and "Agreed." in page
    action_id = db.session.scalar(db.select(CoachingSession).where(CoachingSession.id == sid)).actions[0].id
    client.post(f"/coaching/actions/{action_id}/done", data={"csrf_token": token(page)})
    db.session.expire_all()
    s = db.session.get(CoachingSession, sid)
    assert (s.agent_comment, s.actions[0].done_at is not None, s.actions[1].done_at) == ("Agreed.", True, None)
    assert "Send amy the macro list" in text_of(lead.get("/"))  # the coach's own follow-up, due today


def test_an_invalid_session_keeps_what_was_typed_and_names_the_field(client, coached):
    client = login(client, "lee.lead")
    page = text_of(client.get("/coaching/new?agent=amy.agent"))
    response = client.post("/coaching/new", data={
        "csrf_token": token(page), "agent": "amy.agent", "held_on": "2026-13-01", "notes": "Kept notes"})
    body = text_of(response)
    assert response.status_code == 400 and "held_on: '2026-13-01' is not a date (YYYY-MM-DD)" in body
    assert "Kept notes" in body
    response = client.post("/coaching/new", data={
        "csrf_token": token(page), "agent": "amy.agent", "notes": "n", "action_text_1": "Do it"})
    assert response.status_code == 400 and "actions[0].due_on: give the follow-up date" in text_of(response)
    assert db.session.scalar(db.select(db.func.count(CoachingSession.id))) == 0


@pytest.mark.parametrize("who, status", [("amy.agent", 200), ("dan.agent", 404), ("rita", 200), ("bill", 404),
                                         ("hr.hana", 200), ("admin", 200), ("lee.lead", 200)])
def test_who_may_open_a_coaching_session(client, coached, who, status):
    sid = record_session(client)
    client = login(client, who)
    assert client.get(f"/coaching/{sid}").status_code == status
    listing = text_of(client.get("/coaching/"))
    assert (f"/coaching/{sid}" in listing) is (status == 200)


def test_agents_cannot_record_sessions(client, coached):
    client = login(client, "amy.agent")
    assert client.get("/coaching/new").status_code == 403


def test_the_command_line_lists_the_sessions_with_their_follow_ups(client, coached, cli):
    sid = record_session(client)
    rows = json.loads(cli("coaching", "list", "--agent", "amy.agent", "--json").stdout)
    assert [r["id"] for r in rows] == [sid]
    assert [(a["owner"], a["state"]) for a in rows[0]["actions"]] == [("amy.agent", "due_soon"), ("lee.lead", "due_today")]
    assert json.loads(cli("coaching", "list", "--agent", "dan.agent", "--json").stdout) == []
