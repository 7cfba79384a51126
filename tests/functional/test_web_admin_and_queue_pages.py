"""The review queue, the home page's count, the audit log and the jobs page: true totals and every row once."""
from __future__ import annotations

import html
import re
from datetime import datetime, timezone

import pytest

from tests.conftest import PASSWORD
from tests.functional.test_web_list_pages import link, record, showing, store

WHEN = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


def walk(client, url: str, row: re.Pattern) -> tuple[list[str], list[str]]:
    """Every row found following rel=next links from `url`, and each page's "Showing" line."""
    seen, lines = [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen += row.findall(html.unescape(response.get_data(as_text=True)))
        lines.append(showing(response))
        url = link(response, "next")
    return seen, lines


@pytest.fixture
def queued(client, auth, make_user, fake_sentiment):
    """205 automatically scored conversations of agent1 (more than the old cut-off of 200); rev1 signed in."""
    from qa_app.services import scoring
    make_user("rev1", "reviewer")
    make_user("agent1", "agent", team="team-a")
    store(*(record(f"q-{i:03}", "agent1", i % 50 if i % 7 else None) for i in range(205)))
    scoring.score_pending()
    auth.login("rev1", PASSWORD)
    return client


def test_the_home_page_counts_every_conversation_waiting_for_review(queued):
    page = queued.get("/").get_data(as_text=True)
    assert re.search(r"<p class=\"big-number\" data-waiting>([\d,]+)</p>", page).group(1) == "205"


def test_the_review_queue_pages_through_every_waiting_conversation_once(queued):
    seen, lines = walk(queued, "/review/?per_page=100", re.compile(r'href="/conversations/\d+">(q-\d+)</a>'))
    assert lines == ["Showing 1–100 of 205", "Showing 101–200 of 205", "Showing 201–205 of 205"]
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 205
    assert "(205)" in html.unescape(queued.get("/review/").get_data(as_text=True))


@pytest.fixture
def admin(client, auth, make_user):
    make_user("boss", "admin")
    auth.login("boss", PASSWORD)
    return client


def test_the_audit_log_pages_through_entries_written_at_the_same_instant(admin):
    from qa_app.extensions import db
    from qa_app.services import audit
    audit.record_many([{"at": WHEN, "actor": None, "action": "probe", "entity": "thing", "entity_id": i}
                       for i in range(12)])
    db.session.commit()
    seen, lines = walk(admin, "/admin/audit?per_page=5&action=probe", re.compile(r"thing #(\d+)"))
    assert lines == ["Showing 1–5 of 12", "Showing 6–10 of 12", "Showing 11–12 of 12"]
    assert seen == [str(i) for i in range(11, -1, -1)]


def test_the_jobs_page_pages_through_every_job_once(admin):
    from qa_app.extensions import db
    from qa_app.services import jobs
    for i in range(7):
        jobs.enqueue("probe", f"probe-{i}")
    db.session.commit()
    seen, lines = walk(admin, "/admin/jobs?per_page=3&kind=probe", re.compile(r"<code>(probe-\d+)</code>"))
    assert lines == ["Showing 1–3 of 7", "Showing 4–6 of 7", "Showing 7–7 of 7"]
    assert sorted(seen) == [f"probe-{i}" for i in range(7)] and len(set(seen)) == 7


@pytest.mark.parametrize("url", ["/admin/audit?page=-1", "/admin/audit?page=x&after=zz", "/admin/jobs?page=10**9",
                                 "/admin/jobs?page=99999999999999999999999", "/review/?page=-4&per_page=0"])
def test_bad_page_arguments_on_admin_and_queue_pages_are_not_errors(admin, url):
    assert admin.get(url).status_code == 200


def test_the_users_page_pages_through_every_user_once(admin, make_user):
    for i in range(6):
        make_user(f"person{i}", "agent")
    from qa_app.services import users
    everyone = [u.login for u in users.list_users()]  # the instance's own admin as well
    seen, lines = walk(admin, "/admin/users?per_page=3", re.compile(r'<tr>\s*<td><a href="/admin/users/([\w-]+)/edit">'))
    assert len(everyone) == 8 and lines == ["Showing 1–3 of 8", "Showing 4–6 of 8", "Showing 7–8 of 8"]
    assert seen == everyone


@pytest.mark.parametrize("path", ["/disputes/", "/surveys/", "/notifications/", "/admin/users", "/training/",
                                  "/conversations/", "/admin/audit", "/admin/jobs", "/review/"])
@pytest.mark.parametrize("query", ["page=-2", "page=lots", "page=1e9", "page=99999999999999999999&per_page=x"])
def test_every_list_page_answers_bad_page_arguments_with_a_page(admin, path, query):
    assert admin.get(f"{path}?{query}").status_code == 200
