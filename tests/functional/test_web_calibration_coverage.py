"""Calibration pages through the web: team coverage on every page and action, and reading never writes."""
from __future__ import annotations

import html
from datetime import datetime, timedelta

import pytest

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import (
    Assignment,
    AuditEntry,
    CalibrationAnswer,
    CalibrationSession,
    Evaluation,
)
from tests.conftest import FIXTURES, PASSWORD

CARD = FIXTURES / "calibration"
GOOD = {"greeting": "pass", "forbidden": "pass", "closing": "pass"}
TURN = "My order arrived damaged."  # a customer turn of both conversations


def soon(hours: int = 24) -> datetime:
    return clock.now() + timedelta(hours=hours)


@pytest.fixture
def shanghai(app, make_user, fake_sentiment):
    """Two sessions by sh.lead on Shanghai conversations (rater sh.rev): "Open one" and "Closed one".
    ldn.lead covers only London; sh.lead2 covers Shanghai but created neither."""
    from qa_app.services import (
        calibration_sessions,
        conversations,
        ingest,
        scorecards,
        scoring,
    )
    scorecards.create_version((CARD / "scorecard.yaml").read_text(encoding="utf-8"), activate=True)
    make_user("cal.agent", "agent", team="Shanghai")
    ingest.ingest_paths([CARD / "conversations.ndjson"])
    scoring.score_pending()
    people = {login: make_user(login, role, team=team) for login, role, team in (
        ("sh.lead", "lead", "Shanghai"), ("sh.lead2", "lead", "Shanghai"), ("sh.rev", "reviewer", "Shanghai"),
        ("ldn.lead", "lead", "London"), ("ldn.rev", "reviewer", "London"))}
    good, bad = conversations.by_external_id("cal-good").id, conversations.by_external_id("cal-bad").id
    ids = {}
    for name in ("Open one", "Closed one"):
        session = calibration_sessions.create_session(people["sh.lead"], name, [good, bad], ["sh.rev"], soon())
        calibration_sessions.submit_answers(people["sh.rev"], session.id, good, GOOD)
        ids[name] = session.id
    calibration_sessions.close_session(people["sh.lead"], ids["Closed one"])
    return {"open": ids["Open one"], "closed": ids["Closed one"], "good": good, "bad": bad}


def login(client, who: str):
    assert client.post("/login", data={"login": who, "password": PASSWORD}).status_code == 302


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def snapshot() -> dict:
    """Everything a calibration page or action could change, read afresh from the database."""
    db.session.expire_all()
    count = lambda model: db.session.scalar(db.select(db.func.count()).select_from(model))  # noqa: E731
    return {"audit": count(AuditEntry), "evaluations": count(Evaluation), "assignments": count(Assignment),
            "answers": count(CalibrationAnswer), "sessions": count(CalibrationSession),
            "stored": db.session.execute(db.select(CalibrationSession.id, CalibrationSession.status,
                                                   CalibrationSession.closed_at)
                                         .order_by(CalibrationSession.id)).all(),
            "finals": db.session.scalars(db.select(Evaluation.id).where(Evaluation.is_final.is_(True))
                                         .order_by(Evaluation.id)).all()}


def test_a_london_lead_gets_404_on_every_shanghai_session_page_and_action(client, shanghai):
    s = shanghai
    login(client, "ldn.lead")
    before = snapshot()
    listing = text_of(client.get("/calibration/"))
    assert "Open one" not in listing and "Closed one" not in listing
    for session_id in (s["open"], s["closed"]):
        page = client.get(f"/calibration/{session_id}")
        assert page.status_code == 404 and TURN not in text_of(page)
    answers = {f"answer__{c}": v for c, v in GOOD.items()} | {"item": str(s["bad"])}
    for url in (f"/calibration/{s['open']}/answer/{s['bad']}", f"/calibration/{s['open']}/close",
                f"/calibration/{s['closed']}/close", f"/calibration/{s['closed']}/calibrate/{s['bad']}"):
        response = client.post(url, data=answers)
        assert response.status_code == 404, url
        assert TURN not in text_of(response)
    assert snapshot() == before


def test_a_london_lead_cannot_put_shanghai_conversations_in_a_session(client, shanghai):
    s = shanghai
    login(client, "ldn.lead")
    form = client.get("/calibration/new")
    assert form.status_code == 200 and "cal-good" not in text_of(form)
    before = snapshot()
    data = {"name": "Mine", "deadline": soon(48).strftime("%Y-%m-%dT%H:%M"), "rater": "ldn.rev"}
    by_external_id = client.post("/calibration/new", data=data | {"external_ids": "cal-good"})
    assert by_external_id.status_code == 400 and "no conversation with id 'cal-good'" in text_of(by_external_id)
    by_id = client.post("/calibration/new", data=data | {"conversation": str(s["good"])})
    assert by_id.status_code == 400 and "conversation not found" in text_of(by_id)
    assert snapshot() == before


def test_a_covering_lead_who_did_not_create_the_session_may_not_close_it(client, shanghai):
    login(client, "sh.lead2")
    page = text_of(client.get(f"/calibration/{shanghai['open']}"))
    assert "Who has answered" in page and "Close the session now" not in page
    before = snapshot()
    assert client.post(f"/calibration/{shanghai['open']}/close").status_code == 403
    assert snapshot() == before


def test_the_creator_closes_the_session_from_its_page(client, shanghai):
    login(client, "sh.lead")
    assert "Close the session now" in text_of(client.get(f"/calibration/{shanghai['open']}"))
    assert client.post(f"/calibration/{shanghai['open']}/close").status_code == 302
    db.session.expire_all()
    assert db.session.get(CalibrationSession, shanghai["open"]).status == "closed"


def _pass_the_deadline(session_id: int) -> datetime:
    """Move the stored deadline into the past, as time passing would."""
    deadline = clock.now() - timedelta(hours=1)
    db.session.execute(db.update(CalibrationSession).where(CalibrationSession.id == session_id)
                       .values(deadline=deadline))
    db.session.commit()
    return deadline


@pytest.mark.parametrize("who", ["sh.lead", "sh.rev", "admin"])
def test_reading_the_pages_of_an_overdue_session_shows_it_closed_and_writes_nothing(client, shanghai, who):
    deadline = _pass_the_deadline(shanghai["open"])
    login(client, who)
    before = snapshot()
    listing = text_of(client.get("/calibration/"))
    row = listing.split("Open one")[1].split("</tr>")[0]
    assert ">closed<" in row and ">open<" not in row
    page = text_of(client.get(f"/calibration/{shanghai['open']}"))
    assert "Agreement per criterion" in page and deadline.strftime("%Y-%m-%d %H:%M") in page
    assert 'name="answer__' not in page.split('class="calibrate-form"')[0]
    client.get("/calibration/trend?reviewer=sh.rev" if who != "sh.rev" else "/calibration/trend")
    assert snapshot() == before
    assert before["stored"][0][1] == "open"  # still stored as open: only the job writes the closure


def test_an_answer_posted_after_the_deadline_is_refused_and_stores_nothing(client, shanghai):
    _pass_the_deadline(shanghai["open"])
    login(client, "sh.rev")
    before = snapshot()
    data = {f"answer__{c}": v for c, v in GOOD.items()} | {"item": str(shanghai["bad"])}
    response = client.post(f"/calibration/{shanghai['open']}/answer/{shanghai['bad']}", data=data)
    assert response.status_code == 400 and "this session is closed" in text_of(response)
    assert snapshot() == before


def test_the_job_stores_the_closure_once_and_the_pages_read_the_same(client, shanghai):
    from qa_app.services import calibration_sessions
    deadline = _pass_the_deadline(shanghai["open"])
    assert calibration_sessions.close_overdue() == 1
    assert calibration_sessions.close_overdue() == 0
    after = snapshot()
    closes = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "calibration_close",
                                                            AuditEntry.entity_id == shanghai["open"])).all()
    assert len(closes) == 1 and closes[0].user_id is None and closes[0].after["by_deadline"] is True
    assert after["stored"][0][1] == "closed"
    login(client, "sh.lead")
    assert deadline.strftime("%Y-%m-%d %H:%M") in text_of(client.get(f"/calibration/{shanghai['open']}"))
    assert snapshot() == after
