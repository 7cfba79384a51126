"""Sampling from the shell, the reviewer's weekly queue, the review version check, acknowledgements, audit log."""
from __future__ import annotations

import json

import pytest
from flask import g

from qa_app.extensions import db
from qa_app.models import AuditEntry, Evaluation
from qa_app.services import conversations, review, sampling
from tests.conftest import PASSWORD
from tests.sampling_seed import seed_week


@pytest.fixture
def week(app, fake_sentiment, make_user):
    make_user("r1", "reviewer")
    make_user("r2", "reviewer")
    return seed_week()


def _evaluations(conv_id: int) -> list[Evaluation]:
    return conversations.evaluations_of(conv_id)


def test_qadesk_sample_prints_the_picks_with_their_reviewers_and_reasons_as_json(week, cli):
    result = cli("sample", "--week", "2026-W47", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["week"] == "2026-W47" and doc["created"] is True and len(doc["picks"]) == 10
    first = doc["picks"][0]
    assert set(first) >= {"conversation", "agent", "reviewer", "reasons", "due_at"}
    assert {p["reviewer"] for p in doc["picks"]} == {"r1", "r2"}
    assert all(p["reasons"] for p in doc["picks"])
    again = json.loads(cli("sample", "--week", "2026-W47", "--json").output)
    assert again["created"] is False and again["picks"] == doc["picks"]


def test_qadesk_sample_prints_one_line_per_pick(week, cli):
    result = cli("sample", "--week", "2026-W47")
    lines = result.output.splitlines()
    assert lines[0] == "2026-W47: 10 picks" and len(lines) == 11
    assert "-> r" in lines[1]


@pytest.mark.parametrize("bad_week, message", [
    ("2026-47", "week must look like 2026-W47"),
    ("2025-W53", "year 2025 has no week 53"),
])
def test_qadesk_sample_with_a_bad_week_exits_1_with_a_clear_message(week, cli, bad_week, message):
    result = cli("sample", "--week", bad_week)
    assert result.exit_code == 1 and message in result.output


def test_qadesk_sample_without_reviewers_exits_1(app, fake_sentiment, cli):
    seed_week()
    result = cli("sample", "--week", "2026-W47")
    assert result.exit_code == 1 and "there are no reviewers" in result.output


def test_the_queue_page_shows_the_reviewers_picks_with_progress_and_filters(week, client, auth):
    sampling.sample_week("2026-W47")
    auth.login("r1", PASSWORD)
    page = client.get("/review/").get_data(as_text=True)
    mine = [p for p in sampling.picks_of_week("2026-W47") if p.reviewer.login == "r1"]
    assert "My picks for 2026-W47" in page and f"Progress: 0 of {len(mine)} reviewed" in page
    assert "2026-11-25 00:00" in page and "to review" in page
    first = mine[0]
    saved = client.post(f"/review/{first.conversation_id}", data={"based_on": str(_evaluations(
        first.conversation_id)[-1].id)})
    assert saved.status_code == 302
    page = client.get("/review/?week=2026-W47").get_data(as_text=True)
    assert f"Progress: 1 of {len(mine)} reviewed" in page
    done_only = client.get("/review/?week=2026-W47&status=done").get_data(as_text=True)
    assert done_only.count('class="badge status-done"') == 1
    assert first.conversation.external_id in done_only


def test_the_queue_page_filters_by_reason(week, client, auth, app):
    app.config["QADESK_SAMPLE_RANDOM_SHARE"] = "0"
    sampling.sample_week("2026-W47")
    auth.login("r1", PASSWORD)
    low, rand = (client.get(f"/review/?week=2026-W47&reason={r}").get_data(as_text=True).split("<details")[0]
                 for r in ("low_csat", "random"))
    mine = [p for p in sampling.picks_of_week("2026-W47") if p.reviewer.login == "r1"]
    for p in mine:
        expected_in_low = "low_csat" in p.reasons
        assert (p.conversation.external_id + "<" in low) == expected_in_low
        assert (p.conversation.external_id + "<" in rand) == (p.reasons == ["random"])


@pytest.mark.parametrize("query, message", [
    ("week=soon", "week must look like 2026-W47"),
    ("week=2026-W47&reason=bored", "reason: must be one of"),
    ("week=2026-W47&status=later", "status: must be pending or done"),
])
def test_a_bad_queue_filter_answers_400_with_the_reason(week, client, auth, query, message):
    auth.login("r1", PASSWORD)
    response = client.get(f"/review/?{query}")
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_the_queue_page_still_lists_unreviewed_automatic_evaluations(week, client, auth):
    auth.login("r1", PASSWORD)
    page = client.get("/review/").get_data(as_text=True)
    assert "No picks for you in this week." in page
    assert "Other unreviewed automatic evaluations (12)" in page and f"/review/{week['a1-0']}" in page


def test_start_reviewing_opens_the_top_of_the_queue_on_every_page_of_it(week, client, auth, make_user):
    make_user("r3", "reviewer")  # no picks: "Start reviewing" opens the queue's top
    auth.login("r3", PASSWORD)
    from qa_app.services import users
    top = review.next_to_review(users.get_user("r3"))
    first = review.review_queue_page(users.get_user("r3"), 1, 5)
    assert top == first.items[0][0].id == review.next_to_review(users.get_user("r3"), first)
    assert review.next_to_review(users.get_user("r3"), review.review_queue_page(users.get_user("r3"), 2, 5)) == top
    for page in ("/review/", "/review/?page=2&per_page=5"):
        html = client.get(page).get_data(as_text=True)
        assert f'class="button primary start-reviewing" href="/review/{top}"' in html


def test_a_queue_page_sorted_by_ids_holds_the_rows_of_sorting_the_whole_rows(week, make_user):
    from qa_app.services import pagination, users
    for login in ("r1", "admin"):
        user = users.get_user(login)
        for page, per_page in ((1, 5), (2, 5), (3, 4), (99, 5), (1, 200)):
            got = review.review_queue_page(user, page, per_page)
            whole = pagination.paginate(review._queue_query(user).order_by(*review.QUEUE_ORDER), page, per_page,
                                        rows=True)
            assert (got.page, got.total, got.items) == (whole.page, whole.total, whole.items) and got.items


class Browser:
    """One reviewer's own test client. The app fixture keeps an app context pushed, which requests
    share, so the user Flask-Login cached on `g` for the other client is dropped before each request."""

    def __init__(self, app, login: str):
        self.client = app.test_client()
        assert self.post("/login", {"login": login, "password": PASSWORD}).status_code == 302

    def get(self, url: str):
        g.pop("_login_user", None)
        return self.client.get(url)

    def post(self, url: str, data: dict):
        g.pop("_login_user", None)
        return self.client.post(url, data=data)


def test_a_second_reviewer_saving_over_a_review_gets_409_and_nothing_is_stored(week, app):
    conv_id = week["a1-1"]
    opened = conversations.final_evaluation(conv_id).id
    first, second = Browser(app, "r1"), Browser(app, "r2")
    for browser in (first, second):
        assert f'name="based_on" value="{opened}"' in browser.get(f"/review/{conv_id}").get_data(as_text=True)
    assert first.post(f"/review/{conv_id}", {"based_on": str(opened)}).status_code == 302
    stored = len(_evaluations(conv_id))
    audits = db.session.scalar(db.select(db.func.count()).select_from(AuditEntry))
    override = {"based_on": str(opened), "result__greeting": "fail", "comment__greeting": "no greeting"}
    refused = second.post(f"/review/{conv_id}", override)
    assert refused.status_code == 409
    saved_at = conversations.final_evaluation(conv_id).created_at.strftime("%H:%M")
    assert (f"r1 saved a review of this conversation at {saved_at} after you opened it; reload to see it"
            in refused.get_data(as_text=True))
    assert len(_evaluations(conv_id)) == stored
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)) == audits
    assert conversations.final_evaluation(conv_id).reviewer.login == "r1"
    reloaded = second.get(f"/review/{conv_id}").get_data(as_text=True)
    current = conversations.final_evaluation(conv_id).id
    assert f'name="based_on" value="{current}"' in reloaded
    assert second.post(f"/review/{conv_id}", {**override, "based_on": str(current)}).status_code == 302
    db.session.expire_all()
    assert conversations.final_evaluation(conv_id).reviewer.login == "r2"


def test_the_service_refuses_a_review_based_on_a_replaced_evaluation(week, make_user):
    conv_id = week["a2-2"]
    opened = conversations.final_evaluation(conv_id).id
    review.submit_review(make_user("lead1", "lead"), conv_id, {}, based_on_id=opened)
    with pytest.raises(review.Conflict, match="lead1 saved a review of this conversation at"):
        review.submit_review(make_user("r3", "reviewer"), conv_id, {}, based_on_id=opened)


def test_a_damaged_based_on_field_answers_400(week, client, auth):
    auth.login("r1", PASSWORD)
    assert client.post(f"/review/{week['a1-1']}", data={"based_on": "abc"}).status_code == 400
    assert len(_evaluations(week["a1-1"])) == 1


def test_the_agent_acknowledges_the_final_evaluation_once_and_it_is_audited(week, client, auth):
    from qa_app.services import users
    conv_id = week["a1-1"]
    users.set_password("a1", PASSWORD)  # agents created by ingestion have no password yet
    auth.login("a1", PASSWORD)
    final = conversations.final_evaluation(conv_id)
    page = client.get(f"/conversations/{conv_id}").get_data(as_text=True)
    assert ">Acknowledge</button>" in page
    response = client.post(f"/conversations/{conv_id}/acknowledge", data={"evaluation_id": str(final.id)})
    assert response.status_code == 302
    assert final.acknowledged_at is not None
    page = client.get(f"/conversations/{conv_id}").get_data(as_text=True)
    assert "Acknowledged by the agent on" in page and ">Acknowledge</button>" not in page
    client.post(f"/conversations/{conv_id}/acknowledge", data={"evaluation_id": str(final.id)})
    entries = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "acknowledge")).all()
    assert [(e.entity, e.entity_id, e.user.login) for e in entries] == [("evaluation", final.id, "a1")]


def test_acknowledging_an_evaluation_that_is_no_longer_final_changes_nothing(week, client, auth):
    from qa_app.services import users
    conv_id = week["a1-1"]
    old = conversations.final_evaluation(conv_id)
    review.submit_review(users.get_user("r1"), conv_id, {})
    users.set_password("a1", PASSWORD)
    auth.login("a1", PASSWORD)
    response = client.post(f"/conversations/{conv_id}/acknowledge", data={"evaluation_id": str(old.id)},
                           follow_redirects=True)
    assert "no longer the final one" in response.get_data(as_text=True)
    assert old.acknowledged_at is None and conversations.final_evaluation(conv_id).acknowledged_at is None


@pytest.mark.parametrize("login, role, expected", [
    ("a2", "agent", 404),        # another agent: the conversation does not exist for them
    ("r1", "reviewer", 403),
    ("lead1", "lead", 403),
    ("admin", "admin", 403),
    ("hr1", "hr", 403),
])
def test_only_the_conversations_agent_may_acknowledge(week, client, auth, make_user, login, role, expected):
    from qa_app.services import users
    if login in ("lead1", "hr1"):
        make_user(login, role)
    if login == "a2":
        users.set_password("a2", PASSWORD)
    auth.login(login, PASSWORD)
    final = conversations.final_evaluation(week["a1-1"])
    response = client.post(f"/conversations/{week['a1-1']}/acknowledge", data={"evaluation_id": str(final.id)})
    assert response.status_code == expected
    assert final.acknowledged_at is None
    assert ">Acknowledge</button>" not in client.get(f"/conversations/{week['a1-1']}").get_data(as_text=True)


@pytest.mark.parametrize("role, status, nav_link", [
    ("lead", 200, True), ("admin", 200, True),
    ("reviewer", 403, False), ("agent", 403, False), ("hr", 403, False),
])
def test_the_audit_log_is_for_leads_and_admins_only(app, client, auth, make_user, role, status, nav_link):
    if role != "admin":
        make_user(f"{role}9", role)
    auth.login("admin" if role == "admin" else f"{role}9", PASSWORD)
    response = client.get("/admin/audit")
    assert response.status_code == status
    if status == 200:  # the users made above are in the log, for admins only (docs/access.md)
        assert ("<td>user #" in response.get_data(as_text=True)) is (role == "admin")
    nav = client.get("/").get_data(as_text=True).split('<nav class="mainnav"')[1].split("</nav>")[0]
    assert (">Audit log</a>" in nav) == nav_link
