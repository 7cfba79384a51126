"""The appraisal pages through real requests: who sees which appraisal, the workflow's forms (agent,
lead, HR), the evidence links each role may open, "changed since finalised", and CSRF on every form."""
from __future__ import annotations

import re

import pytest

from qa_app.extensions import db
from qa_app.models import Appraisal, AuditEntry, Conversation
from tests.conftest import FIXTURES, PASSWORD
from tests.functional.test_web_access import _token
from tests.pages import text_of


@pytest.fixture
def world(app, make_user, fake_sentiment):
    """sam.new in London with two scored November chats; an agent in Shanghai; a lead per team; HR.
    November 2026 is drafted."""
    from qa_app.services import appraisals, ingest, scoring, users
    ingest.ingest_paths([FIXTURES / "new_agent.ndjson"], ingest.IngestOptions(create_agents=True))
    scoring.score_pending()
    make_user("li.wei", "agent", team="Shanghai")
    make_user("pat", "agent", team="London")
    sam = users.get_user("sam.new")  # created by the ingest, without a password
    sam.team_id = users.get_user("pat").team_id
    sam.set_password(PASSWORD)
    db.session.commit()
    make_user("lead.london", "lead", covers=["London"])
    make_user("lead.shanghai", "lead", covers=["Shanghai"])
    make_user("hr1", "hr")
    make_user("rev1", "reviewer")
    appraisals.draft_period("2026-11")
    ids = {a.agent.login: a.id for a in db.session.scalars(db.select(Appraisal))}
    return ids


def listed(client, auth, login, query="?period=2026-11") -> str:
    auth.login(login, PASSWORD)
    page = client.get(f"/appraisals/{query}")
    assert page.status_code == 200
    return text_of(page)


def test_hr_sees_every_appraisal_a_lead_their_team_and_an_agent_their_own(client, auth, world):
    assert all(name in listed(client, auth, "hr1") for name in ("sam.new", "li.wei", "pat"))
    auth.logout()
    page = listed(client, auth, "lead.london")
    assert "sam.new" in page and "pat" in page and "li.wei" not in page
    auth.logout()
    page = listed(client, auth, "sam.new")
    assert "sam.new" in page and "pat" not in page
    assert client.get(f"/appraisals/{world['pat']}").status_code == 404
    auth.logout()
    auth.login("lead.shanghai", PASSWORD)
    assert client.get(f"/appraisals/{world['sam.new']}").status_code == 404
    auth.logout()
    auth.login("rev1", PASSWORD)
    assert client.get("/appraisals/").status_code == 403


def test_the_list_filters_by_state_and_a_bad_period_is_explained(client, auth, world):
    assert "sam.new" not in listed(client, auth, "hr1", "?period=2026-11&state=final")
    page = client.get("/appraisals/?period=2026-13")
    assert page.status_code == 400 and "month 13 is not between 1 and 12" in text_of(page)


def test_the_workflow_from_self_assessment_to_contest_on_the_pages(client, auth, world):
    sam = world["sam.new"]
    auth.login("sam.new", PASSWORD)
    client.post(f"/appraisals/{sam}/self-assessment", data={"text": "I greeted every customer."})
    auth.logout()
    auth.login("lead.london", PASSWORD)
    assert "I greeted every customer." in text_of(client.get(f"/appraisals/{sam}"))
    client.post(f"/appraisals/{sam}/proposal", data={"comment": "Keep the empathy up.", "rating": "Meets"})
    auth.logout()
    auth.login("hr1", PASSWORD)
    page = text_of(client.get(f"/appraisals/{sam}"))
    assert "Keep the empathy up." in page and "in review" in page
    client.post(f"/appraisals/{sam}/finalise", data={"rating": "Meets"})
    auth.logout()
    auth.login("sam.new", PASSWORD)
    page = text_of(client.get(f"/appraisals/{sam}"))
    assert "I have read this and acknowledge it" in page and "Meets" in page
    client.post(f"/appraisals/{sam}/acknowledge", data={"comment": "Fair."})
    client.post(f"/appraisals/{sam}/contest", data={"reason": "The angry customer was about the courier."})
    row = db.session.get(Appraisal, sam)
    assert (row.state, row.final_rating, row.agent_comment, row.contested) == ("final", "Meets", "Fair.", True)
    auth.logout()
    auth.login("hr1", PASSWORD)
    page = text_of(client.get(f"/appraisals/{sam}"))
    assert "contested" in page and "The angry customer was about the courier." in page
    refused = client.post(f"/appraisals/{sam}/reopen", data={"reason": ""}, follow_redirects=True)
    assert "reason: is required" in text_of(refused)
    client.post(f"/appraisals/{sam}/reopen", data={"reason": "Recheck the CSAT answer."})
    assert db.session.get(Appraisal, sam).state == "review"
    actions = db.session.scalars(db.select(AuditEntry.action).where(AuditEntry.entity == "appraisal",
                                                                    AuditEntry.entity_id == sam)).all()
    assert {"self_assess", "propose", "finalise", "acknowledge", "contest", "reopen", "reopen_reason"} <= set(actions)


def test_only_each_step_s_role_may_post_it(client, auth, world):
    sam = world["sam.new"]
    auth.login("lead.london", PASSWORD)
    assert client.post(f"/appraisals/{sam}/finalise", data={"rating": "Meets"}).status_code == 403
    assert client.post(f"/appraisals/{sam}/self-assessment", data={"text": "x"}).status_code == 403
    auth.logout()
    auth.login("pat", PASSWORD)
    assert client.post(f"/appraisals/{sam}/self-assessment", data={"text": "x"}).status_code == 404
    assert client.post(f"/appraisals/{sam}/proposal", data={"rating": "Meets"}).status_code == 403


def evidence_hrefs(page: str, kpi: str) -> list[str]:
    row = page.split(f'id="kpi-{kpi}"')[1].split("</tr>")[0]
    return re.findall(r'href="([^"]+)"', row)


def test_evidence_links_open_what_the_viewer_may_see(client, auth, world):
    convs = sorted(c.id for c in db.session.scalars(db.select(Conversation)
                                                     .where(Conversation.external_id.in_(["t-good-1", "t-bad-1"]))))
    auth.login("sam.new", PASSWORD)
    page = client.get(f"/appraisals/{world['sam.new']}").get_data(as_text=True)
    assert sorted(evidence_hrefs(page, "csat")) == [f"/conversations/{c}" for c in convs]
    assert all(client.get(h).status_code == 200 for h in evidence_hrefs(page, "csat"))
    auth.logout()
    auth.login("hr1", PASSWORD)  # HR reads no transcripts: the items show, without links
    page = client.get(f"/appraisals/{world['sam.new']}").get_data(as_text=True)
    assert evidence_hrefs(page, "csat") == [] and "t-good-1 · CSAT 5" in page


def test_a_review_after_finalising_shows_as_changed_since_finalised(client, auth, world):
    from qa_app.services import review, users
    sam = world["sam.new"]
    auth.login("hr1", PASSWORD)
    client.post(f"/appraisals/{sam}/finalise", data={"rating": "Meets"})
    assert "Nothing has changed since it was finalised." in text_of(client.get(f"/appraisals/{sam}"))
    conv = db.session.scalar(db.select(Conversation).where(Conversation.external_id == "t-good-1"))
    reviewed = review.submit_review(users.get_user("lead.london"), conv.id, {})
    page = text_of(client.get(f"/appraisals/{sam}"))
    changed = page.split('id="changed"')[1].split("</section>")[0]
    assert "QA score" in changed and f"{reviewed.score:.1f}" in changed
    assert db.session.get(Appraisal, sam).snapshot["kpis"][0]["value"] is None  # the frozen figure stays


def test_every_form_on_an_appraisal_page_carries_the_csrf_token(instance_dir, world):
    from qa_app import create_app
    app = create_app({"TESTING": True}, instance_path=str(instance_dir))
    client = app.test_client()
    try:
        for login, count in (("hr1", 1), ("lead.london", 1), ("sam.new", 1)):  # draft: finalise, propose, self
            _forms_carry_the_token(client, login, world["sam.new"], count)
        from qa_app.services import appraisal_workflow, users
        with app.app_context():
            appraisal_workflow.finalise(users.get_user("hr1"), world["sam.new"], "Meets")
        for login, count in (("hr1", 1), ("sam.new", 2)):  # final: reopen; acknowledge and contest
            _forms_carry_the_token(client, login, world["sam.new"], count)
    finally:
        with app.app_context():
            db.engine.dispose()


def _forms_carry_the_token(client, login: str, appraisal_id: int, count: int) -> None:
    token = _token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token})
    page = client.get(f"/appraisals/{appraisal_id}").get_data(as_text=True)
    forms = re.findall(r'<form[^>]*method="post".*?</form>', page, re.S)
    assert len(forms) == 2 + count, login  # the language switch and log-out, and the page's own
    assert all('name="csrf_token"' in f for f in forms), login
    client.post("/logout", data={"csrf_token": token})


def test_each_kind_of_evidence_links_to_its_page_for_the_roles_that_may_open_it(client, auth, world):
    from qa_app.models import Assignment, Evaluation
    from qa_app.services import appraisal_evidence, disputes, users
    sam = users.get_user("sam.new")
    assignment = db.session.scalar(db.select(Assignment).where(Assignment.agent_id == sam.id))
    ev = db.session.scalar(db.select(Evaluation).join(Conversation).where(
        Conversation.agent_id == sam.id, Evaluation.is_final.is_(True)))
    dispute = disputes.open_dispute(sam, ev.id, "The customer was upset about the courier.")
    pairs = [("assignment", assignment.id), ("dispute", dispute.id), ("evaluation", ev.id), ("conversation", 999)]
    for login, opens in (("hr1", {"assignment"}), ("lead.london", {"assignment", "dispute", "evaluation"}),
                         ("sam.new", {"assignment", "dispute", "evaluation"})):
        items = appraisal_evidence.resolve(users.get_user(login), pairs)
        assert {k for (k, _), item in items.items() if item.endpoint} == opens, login
        assert "no longer stored" in items["conversation", 999].label
        auth.login(login, PASSWORD)
        from flask import url_for
        with client.application.test_request_context():
            urls = [url_for(i.endpoint, **i.args) for i in items.values() if i.endpoint]
        assert all(client.get(u).status_code == 200 for u in urls), login
        auth.logout()
