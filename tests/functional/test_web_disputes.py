"""The dispute flow through the web pages, with each role: open, resolve, see the new score, statistics."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from qa_app.extensions import db
from qa_app.models import Dispute
from qa_app.services import conversations, disputes, ingest, scoring, users
from tests.conftest import PASSWORD
from tests.databases import every_connection_waits_briefly, writer_holding
from tests.functional.test_web_access import record


@pytest.fixture
def site(app, make_user, fake_sentiment):
    """agent1 owns c-1 (auto-failed) and lead1 has reviewed it; agent2, reviewer1 (team-a), reviewer2 (team-b), hr1."""
    for login, role, team, covers in [("agent1", "agent", "team-a", ()), ("agent2", "agent", "team-a", ()),
                                      ("lead1", "lead", None, ["team-a"]), ("reviewer1", "reviewer", None, ["team-a"]),
                                      ("reviewer2", "reviewer", None, ["team-b"]), ("hr1", "hr", None, ())]:
        make_user(login, role, team=team, covers=covers)
    summary = ingest.ingest_text(json.dumps(record("c-1", "agent1")), "c-1.json")
    scoring.score_pending(conversation_ids=summary.conversation_ids)
    return {"conv": summary.conversation_ids[0]}


def as_user(client, login):
    client.post("/logout")
    assert client.post("/login", data={"login": login, "password": PASSWORD}).status_code == 302


def final(conv_id):
    db.session.expire_all()
    return conversations.final_evaluation(conv_id)


def failed(ev):
    return [c.criterion_id for c in ev.criteria if c.result == "fail"]


def open_as_agent(client, conv_id, comment="I never said that", criteria=()):
    as_user(client, "agent1")
    ev = final(conv_id)
    return client.post(f"/disputes/open/{ev.id}", data={"comment": comment, "criteria": list(criteria)})


def dispute_id(response) -> int:
    return int(re.search(r"/disputes/(\d+)$", response.location).group(1))


def test_agent_opens_the_assignee_resolves_and_the_agent_sees_the_new_score(client, site):
    as_user(client, "lead1")
    assert client.post(f"/review/{site['conv']}", data={}).status_code == 302  # lead1 agrees with the automatic result
    reviewed = final(site["conv"])
    criteria = failed(reviewed)
    as_user(client, "agent1")
    page = client.get(f"/conversations/{site['conv']}").get_data(as_text=True)
    assert f'action="/disputes/open/{reviewed.id}"' in page
    assert all(f'name="criteria" value="{c}"' in page for c in criteria)
    opened = client.post(f"/disputes/open/{reviewed.id}", data={"comment": "I never said that", "criteria": criteria})
    assert opened.status_code == 302
    number = dispute_id(opened)
    own = client.get(f"/disputes/{number}").get_data(as_text=True)
    assert "I never said that" in own and "Resolve dispute" not in own
    assert f"/disputes/{number}" in client.get("/disputes/").get_data(as_text=True)
    again = client.get(f"/conversations/{site['conv']}").get_data(as_text=True)
    assert f'action="/disputes/open/{reviewed.id}"' not in again and f"/disputes/{number}" in again

    as_user(client, "reviewer1")  # lead1 made the evaluation, so the dispute went to the covering reviewer
    assert f"/disputes/{number}" in client.get("/disputes/").get_data(as_text=True)
    assert "Resolve dispute" in client.get(f"/disputes/{number}").get_data(as_text=True)
    decisions = {f"result__{c}": "pass" for c in criteria} | {f"comment__{c}": "misheard" for c in criteria}
    resolved = client.post(f"/disputes/{number}", data={"outcome": "accept", "reason": "the recording proves it",
                                                        **decisions})
    assert resolved.status_code == 302

    new = final(site["conv"])
    assert (new.source, new.reviewer.login, new.score) == ("dispute", "reviewer1", 100)
    as_user(client, "agent1")
    page = client.get(f"/conversations/{site['conv']}").get_data(as_text=True)
    assert "100.0" in page and "accepted" in page
    outcome = client.get(f"/disputes/{number}").get_data(as_text=True)
    assert "the recording proves it" in outcome and "The evaluation was changed and republished." in outcome


def test_rejecting_through_the_page_keeps_the_score_and_a_missing_reason_is_shown(client, site):
    before = final(site["conv"])
    number = dispute_id(open_as_agent(client, site["conv"]))
    as_user(client, "lead1")
    refused = client.post(f"/disputes/{number}", data={"outcome": "reject", "reason": " "})
    assert refused.status_code == 400 and "a reason is required" in refused.get_data(as_text=True)
    contradicted = client.post(f"/disputes/{number}", data={"outcome": "reject", "reason": "no",
                                                            f"result__{failed(before)[0]}": "pass",
                                                            f"comment__{failed(before)[0]}": "hm"})
    assert contradicted.status_code == 400 and "keeps the evaluation" in contradicted.get_data(as_text=True)
    assert client.post(f"/disputes/{number}", data={"outcome": "reject", "reason": "scored right"}).status_code == 302
    assert final(site["conv"]).id == before.id
    page = client.get(f"/disputes/{number}").get_data(as_text=True)
    assert "The score was kept." in page and "Resolve dispute" not in page
    assert client.post(f"/disputes/{number}", data={"outcome": "reject", "reason": "again"}).status_code == 403


def test_other_agents_unassigned_reviewers_and_hr_cannot_reach_a_dispute(client, site):
    number = dispute_id(open_as_agent(client, site["conv"]))
    ev_id = final(site["conv"]).id
    for login, expected in [("agent2", 404), ("reviewer2", 404), ("reviewer1", 404), ("hr1", 403)]:
        as_user(client, login)
        assert client.get(f"/disputes/{number}").status_code == expected, login
        assert client.post(f"/disputes/{number}", data={"outcome": "reject", "reason": "x"}).status_code == expected
        opened = client.post(f"/disputes/open/{ev_id}", data={"comment": "x"})
        if login == "reviewer1":  # sees the conversation, so is told why rather than 404
            assert "only the conversation&#39;s agent" in client.get(opened.location).get_data(as_text=True)
        else:
            assert opened.status_code == expected, login
    as_user(client, "agent2")
    assert f"/disputes/{number}" not in client.get("/disputes/").get_data(as_text=True)
    as_user(client, "agent1")  # the agent sees their dispute but may not decide it
    assert client.post(f"/disputes/{number}", data={"outcome": "reject", "reason": "x"}).status_code == 403
    assert db.session.get(Dispute, number).status == "open"


def test_a_lead_who_made_the_evaluation_cannot_resolve_its_dispute(client, site):
    as_user(client, "lead1")
    client.post(f"/review/{site['conv']}", data={})
    number = dispute_id(open_as_agent(client, site["conv"]))
    as_user(client, "lead1")
    assert "Resolve dispute" not in client.get(f"/disputes/{number}").get_data(as_text=True)
    assert client.post(f"/disputes/{number}", data={"outcome": "reject", "reason": "mine"}).status_code == 403


def test_a_refused_dispute_returns_to_the_conversation_with_the_reason(client, site):
    response = open_as_agent(client, site["conv"], comment="  ")
    assert response.status_code == 302 and response.location.endswith(f"/conversations/{site['conv']}")
    page = client.get(response.location).get_data(as_text=True)
    assert "The dispute was not opened: a comment is required" in page


def test_after_the_window_the_conversation_page_offers_no_dispute_form(app, client, site):
    ev = final(site["conv"])
    ev.created_at = ev.created_at - timedelta(days=8)
    db.session.commit()
    as_user(client, "agent1")
    page = client.get(f"/conversations/{site['conv']}").get_data(as_text=True)
    assert "/disputes/open/" not in page and "can no longer be disputed" in page
    response = client.post(f"/disputes/open/{ev.id}", data={"comment": "late"})
    assert "more than 7 days old" in client.get(response.location).get_data(as_text=True)


def test_only_the_agent_sees_the_dispute_form_on_the_conversation_page(client, site):
    for login in ("lead1", "reviewer1"):
        as_user(client, login)
        assert "/disputes/open/" not in client.get(f"/conversations/{site['conv']}").get_data(as_text=True)


def _number(page: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}">([^<]*)<', page).group(1)


def test_the_statistics_page_shows_volume_outcomes_and_hours_per_resolver(client, site):
    ids = [dispute_id(open_as_agent(client, site["conv"]))]
    as_user(client, "lead1")
    client.post(f"/disputes/{ids[0]}", data={"outcome": "reject", "reason": "fine"})
    ids.append(dispute_id(open_as_agent(client, site["conv"])))
    d = db.session.get(Dispute, ids[0])
    d.resolved_at = d.created_at + timedelta(hours=5)
    db.session.commit()
    for login in ("lead1", "admin"):
        as_user(client, login)
        page = client.get("/disputes/stats").get_data(as_text=True)
        assert [_number(page, i) for i in ("volume", "open", "accepted", "rejected", "median")] == \
            ["2", "1", "0", "1", "5.0"]
        row = re.search(r'<tr class="resolver">(.*?)</tr>', page, re.S).group(1)
        assert re.findall(r"<td>([^<]*)</td>", row) == ["lead1", "1", "0", "0", "1", "5.0"]
    assert "id=\"volume\">0<" in client.get("/disputes/stats?period=1999-01").get_data(as_text=True)
    bad = client.get("/disputes/stats?period=2026-13")
    assert bad.status_code == 400 and "month 13" in bad.get_data(as_text=True)
    for login in ("agent1", "reviewer1", "hr1"):
        as_user(client, login)
        assert client.get("/disputes/stats").status_code == 403


@pytest.mark.parametrize("login, shown", [("agent1", True), ("reviewer1", True), ("lead1", True),
                                          ("admin", True), ("hr1", False)])
def test_the_navigation_offers_disputes_to_agents_reviewers_leads_and_admins(client, site, login, shown):
    as_user(client, login)
    nav = client.get("/").get_data(as_text=True).split('<nav class="mainnav"')[1].split("</nav>")[0]
    assert (">Disputes</a>" in nav) is shown


def test_the_dispute_list_filters_by_status(client, site):
    number = dispute_id(open_as_agent(client, site["conv"]))
    as_user(client, "admin")
    assert f"/disputes/{number}" in client.get("/disputes/?status=open").get_data(as_text=True)
    assert f"/disputes/{number}" not in client.get("/disputes/?status=rejected").get_data(as_text=True)
    assert f"/disputes/{number}" in client.get("/disputes/?status=bogus").get_data(as_text=True)
    assert users.get_user("agent1").id == db.session.get(Dispute, number).agent_id
    assert disputes.list_disputes(users.get_user("admin"))[0].id == number


EVIDENCE_TURN = re.compile(r'id="turn-(\d+)" class="turn speaker-\w+ evidence"')
EVIDENCE_LINK = re.compile(r'<a href="#turn-(\d+)">')


def test_the_review_and_dispute_pages_show_the_same_transcript_with_evidence_highlighted(client, site):
    as_user(client, "lead1")
    review_page = client.get(f"/review/{site['conv']}").get_data(as_text=True)
    highlighted = EVIDENCE_TURN.findall(review_page)
    assert highlighted and set(EVIDENCE_LINK.findall(review_page)) <= set(highlighted)
    opened = open_as_agent(client, site["conv"], criteria=failed(final(site["conv"]))[:1])
    for who, resolver in (("agent1", False), ("lead1", True)):
        as_user(client, who)
        page = client.get(f"/disputes/{dispute_id(opened)}").get_data(as_text=True)
        assert EVIDENCE_TURN.findall(page) == highlighted, who
        assert set(EVIDENCE_LINK.findall(page)) == set(EVIDENCE_LINK.findall(review_page)), who
        assert ('class="review-form dispute-resolve"' in page) == resolver, who
        assert page.count('class="turn speaker-') == review_page.count('class="turn speaker-'), who


def test_a_resolution_saved_while_another_writer_holds_the_database_answers_409_and_keeps_the_form(
        client, site, instance_dir):
    before = final(site["conv"])
    number = dispute_id(open_as_agent(client, site["conv"]))
    as_user(client, "lead1")  # not the evaluation's reviewer: it was scored automatically
    criterion = failed(before)[0]
    data = {"outcome": "accept", "reason": "the recording proves it",
            f"result__{criterion}": "pass", f"comment__{criterion}": "misheard, see turn 2"}
    every_connection_waits_briefly()
    with writer_holding("evaluation"):  # a long write elsewhere holds the write lock
        refused = client.post(f"/disputes/{number}", data=data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "the database was busy and nothing was saved" in page
    assert "misheard, see turn 2" in page and "the recording proves it" in page
    assert final(site["conv"]).id == before.id and db.session.get(Dispute, number).status == "open"
    assert client.post(f"/disputes/{number}", data=data).status_code == 302
    assert final(site["conv"]).source == "dispute"
