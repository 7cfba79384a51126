"""The survey pages: upload a survey file as admin, HR or reviewer (with CSRF), and the list scoped like conversations."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest

from qa_app import create_app
from qa_app.extensions import db
from qa_app.models import Survey
from qa_app.services import ingest, surveys
from tests.conftest import PASSWORD
from tests.pages import text_of, token

ANSWERS = ("survey_id,conversation_id,kind,rating,comment,responded_at\n"
           "S1,a-1,csat,5,Thank you! Mail me at ann@example.com,2026-11-21T09:00:00Z\n"
           "S2,a-1,nps,10,,2026-11-21T09:00:00Z\n"
           "S3,b-1,csat,9,,2026-11-21\n")


def _record(external_id: str, agent: str) -> dict:
    start = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
    return {"id": external_id, "agent": agent, "language": "en", "customer": "Ann", "started_at": start.isoformat(),
            "turns": [{"speaker": s, "text": t, "at": (start + timedelta(seconds=20 * i)).isoformat()}
                      for i, (s, t) in enumerate([("customer", "Hi, my parcel is late."),
                                                  ("agent", "Sorry, let me check.")])]}


@pytest.fixture
def people(app, make_user, fake_sentiment, frozen_clock):
    """agent.a (team-a, a-1), agent.b (team-b, b-1); a lead covering team-a; a reviewer, HR."""
    make_user("agent.a", "agent", team="team-a")
    make_user("agent.b", "agent", team="team-b")
    make_user("lead.a", "lead", covers=["team-a"])
    make_user("rev1", "reviewer")
    make_user("hr1", "hr")
    ingest.ingest_dicts([_record("a-1", "agent.a"), _record("b-1", "agent.b")], "test")


def _upload(client, content: str, name: str = "answers.csv", **extra):
    data = {"file": (io.BytesIO(content.encode("utf-8")), name), **extra}
    return client.post("/surveys/import", data=data, content_type="multipart/form-data")


def _stored() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Survey))


@pytest.mark.parametrize("login", ["admin", "hr1", "rev1"])
def test_admin_hr_and_reviewers_upload_a_file_and_see_the_report_with_bad_lines(client, auth, people, login):
    auth.login(login, PASSWORD)
    page = _upload(client, ANSWERS)
    assert page.status_code == 200
    text = text_of(page)
    assert '<td class="imported">2</td>' in text and '<td class="bad">1</td>' in text
    assert "line 4: rating: a CSAT rating must be 1 to 5, got 9" in text
    assert _stored() == 2
    again = text_of(_upload(client, ANSWERS))
    assert '<td class="imported">0</td>' in again and '<td class="already">2</td>' in again
    assert _stored() == 2


def test_a_file_that_is_not_a_survey_file_is_refused_naming_it(client, auth, people):
    auth.login("hr1", PASSWORD)
    page = _upload(client, "hello,world\n1,2\n", name="notes.csv")
    assert page.status_code == 400
    assert "notes.csv: not a survey file: no column kind" in text_of(page)
    assert client.post("/surveys/import", data={}).status_code == 400  # no file chosen


def test_agents_and_leads_cannot_open_or_post_the_upload_page(client, auth, people):
    for login in ("agent.a", "lead.a"):
        auth.login(login, PASSWORD)
        assert client.get("/surveys/import").status_code == 403
        assert _upload(client, ANSWERS).status_code == 403
        auth.logout()
    assert _stored() == 0


def test_with_csrf_protection_an_upload_without_the_token_is_refused_and_with_it_stored(instance_dir, people):
    app = create_app({"TESTING": True}, instance_path=str(instance_dir))
    browser = app.test_client()
    try:
        login_token = token(browser.get("/login").get_data(as_text=True))
        browser.post("/login", data={"login": "hr1", "password": PASSWORD, "csrf_token": login_token})
        assert _upload(browser, ANSWERS).status_code == 400
        form = browser.get("/surveys/import").get_data(as_text=True)
        assert _upload(browser, ANSWERS, csrf_token=token(form)).status_code == 200
    finally:
        with app.app_context():
            db.engine.dispose()
    assert _stored() == 2


@pytest.fixture
def answered(people):
    surveys.import_text("survey_id,conversation_id,kind,rating,comment,responded_at\n"
                        "S1,a-1,csat,5,Thank you so much,2026-11-21\nS2,b-1,csat,1,Terrible,2026-11-22\n", "answers.csv")


def _list(client, auth, login):
    auth.login(login, PASSWORD)
    page = client.get("/surveys/")
    assert page.status_code == 200
    return text_of(page)


def test_an_agent_sees_only_the_answers_about_their_own_conversations(client, auth, answered):
    page = _list(client, auth, "agent.a")
    assert "Thank you so much" in page and "Terrible" not in page
    assert "My surveys" in page


def test_a_lead_sees_the_answers_of_the_teams_they_cover_with_a_link_to_the_conversation(client, auth, answered):
    page = _list(client, auth, "lead.a")
    assert "Thank you so much" in page and "Terrible" not in page
    a1 = db.session.scalar(db.select(Survey.conversation_id).where(Survey.source_key == "id:S1"))
    assert f'href="/conversations/{a1}"' in page


def test_the_conversation_page_shows_its_survey_answers(client, auth, answered):
    auth.login("lead.a", PASSWORD)
    a1 = db.session.scalar(db.select(Survey.conversation_id).where(Survey.source_key == "id:S1"))
    page = text_of(client.get(f"/conversations/{a1}"))
    assert "Survey answers" in page and "Thank you so much" in page and "+0.60" in page and "Terrible" not in page


def test_hr_sees_every_answer_but_no_link_to_a_transcript(client, auth, answered):
    page = _list(client, auth, "hr1")
    assert "Thank you so much" in page and "Terrible" in page
    assert 'href="/conversations/' not in page
    assert "+0.60" in page and "-0.60" in page  # the comments' sentiment


def test_the_list_filters_by_kind(client, auth, answered):
    surveys.import_text("survey_id,conversation_id,kind,rating,comment,responded_at\n"
                        "N1,a-1,nps,8,Fine,2026-11-21\n", "nps.csv")
    auth.login("admin", PASSWORD)
    page = text_of(client.get("/surveys/?kind=nps"))
    assert "Fine" in page and "Thank you so much" not in page
