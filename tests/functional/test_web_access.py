"""Who may open which page: every route declares its roles, wrong roles get 403, strangers the login page."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from qa_app import clock, permissions
from qa_app.permissions import roles_with

from tests.conftest import PASSWORD

# public on purpose: certificate verification needs no login (tests/functional/test_web_certificates.py);
# the API's description (/api/v1/openapi.json, /api/v1/docs and Swagger UI's files) holds no
# instance data, and API clients read it before they have a token (tests/functional/test_api_contract.py)
# the favicon (tests/functional/test_favicon.py) is an image every page, the login page too, shows
UNGUARDED = {"auth.login", "auth.logout", "auth.favicon", "static", "verify.form", "verify.check",
             "api.openapi_json", "api.docs", "api.docs_asset"}
# the role sets come from the one permission table; tests/unit/test_permissions.py pins the table
ROLES = permissions.ROLES
EVERYONE = set(roles_with("use_app"))
READERS = set(roles_with("read_transcripts"))
REVIEWERS = set(roles_with("review"))
REPORTS = set(roles_with("read_reports"))
ADMIN = set(roles_with("administer"))

# (GET url with {conv}/{assignment} placeholders, roles that may open it)
PAGES = [
    ("/", EVERYONE),
    ("/password", EVERYONE),
    ("/conversations/", READERS),
    ("/conversations/{conv}", READERS),
    ("/conversations/upload", REVIEWERS),
    ("/review/", REVIEWERS),
    ("/review/{conv}", REVIEWERS),
    ("/calibration/", REVIEWERS),
    ("/calibration/new", set(roles_with("manage_calibration"))),
    ("/calibration/trend", REVIEWERS),
    ("/training/", set(roles_with("read_training"))),
    ("/training/{assignment}", set(roles_with("read_training"))),
    ("/courses/", set(roles_with("author_courses"))),
    ("/coaching/", set(roles_with("read_coaching"))),
    ("/training/effectiveness", REPORTS),
    ("/training/effectiveness.csv", REPORTS),
    ("/training/effectiveness.xlsx", REPORTS),
    ("/coaching/new", set(roles_with("coach"))),
    ("/courses/new", set(roles_with("author_courses"))),
    ("/courses/files", set(roles_with("author_courses"))),
    ("/courses/{course}/preview", set(roles_with("author_courses"))),
    ("/courses/{course}/edit", set(roles_with("author_courses"))),
    ("/courses/{course}/export", set(roles_with("author_courses"))),
    ("/dashboards/qa", set(roles_with("read_qa_dashboard"))),
    ("/dashboards/qa.json", set(roles_with("read_qa_dashboard"))),
    ("/dashboards/me", set(roles_with("read_own_dashboard"))),
    ("/reports/appraisal", REPORTS),
    ("/reports/appraisal.csv", REPORTS),
    ("/reports/appraisal.xlsx", REPORTS),
    ("/appraisals/", set(roles_with("read_appraisals"))),
    ("/appraisals/{appraisal}", set(roles_with("read_appraisals"))),
    ("/trust/", REVIEWERS),
    ("/admin/users", ADMIN),
    ("/admin/users/{login}/edit", ADMIN),
    ("/admin/settings", ADMIN),
    ("/admin/scorecards", ADMIN),
    ("/admin/scorecards/{scorecard}", ADMIN),
    ("/admin/scorecards/{card}/new", ADMIN),
    ("/admin/scorecards/{card}/edit", ADMIN),
    ("/admin/rules", ADMIN),
    ("/admin/rules/{rules_version}", ADMIN),
    ("/admin/rules/edit", ADMIN),
    ("/admin/rules/export", ADMIN),
    ("/admin/jobs", ADMIN),
    ("/admin/audit", set(roles_with("read_audit"))),
    ("/admin/erasure/", set(roles_with("erase_customer_data"))),
    ("/disputes/", READERS),
    ("/disputes/stats", set(roles_with("read_dispute_stats"))),
    ("/notifications/", EVERYONE),
    ("/surveys/", set(roles_with("read_surveys"))),
    ("/surveys/import", set(roles_with("import_surveys"))),
]


# GET routes whose role checks are tested in their own module (they are not plain pages).
TESTED_ELSEWHERE = {
    "/conversations/<x>/audio",  # tests/functional/test_call_audio.py
    "/calibration/<x>",  # tests/functional/test_web_calibration.py (needs a session; each role and rater)
    "/disputes/<x>",  # tests/functional/test_web_disputes.py (needs a dispute; each role)
    "/training/<x>/quiz",  # tests/functional/test_web_courses.py (needs an attempt started; agents only)
    "/training/<x>/attempts/<x>",  # tests/functional/test_web_courses.py (needs a submitted attempt)
    "/training/files/<x>",  # tests/functional/test_web_course_files.py (needs a stored file)
    "/training/certificates/<x>",  # tests/functional/test_web_certificates.py (needs a passed course; each role)
    "/coaching/<x>",  # tests/functional/test_web_coaching.py (needs a session; each role)
}


def record(external_id: str, agent: str) -> dict:
    start = clock.now().replace(microsecond=0)
    lines = [("customer", "Where is my parcel? This is ridiculous."),
             ("agent", "That's not my problem."), ("customer", "Unacceptable.")]
    return {"id": external_id, "agent": agent, "language": "en", "started_at": start.isoformat(),
            "turns": [{"speaker": s, "text": t, "at": (start + timedelta(seconds=20 * i)).isoformat()}
                      for i, (s, t) in enumerate(lines)]}


@pytest.fixture
def seeded(app, make_user, fake_sentiment):
    """One user per role (the agent owns one auto-failed conversation with an open assignment)."""
    from qa_app.services import ingest, scoring, training
    for role in ROLES[1:]:
        make_user(f"{role}1", role, team="team-a" if role == "agent" else None)
    summary = ingest.ingest_text(json.dumps(record("acc-1", "agent1")), "seed.json")
    scoring.score_pending(conversation_ids=summary.conversation_ids)
    conv_id = summary.conversation_ids[0]
    agent = next(u for u in training.visible_assignments(_user("agent1")))
    from qa_app.services import appraisals, scorecards
    appraisals.draft_period(clock.now().strftime("%Y-%m"))
    appraisal = appraisals.visible(_user("agent1"))[0].id
    return {"appraisal": appraisal, "conv": conv_id, "assignment": agent.id, "scorecard": scorecards.find_version("general-en").id,
            "card": "general-en", "course": agent.course.code, "rules_version": 1, "login": "agent1"}


def _user(login):
    from qa_app.services import users
    return users.get_user(login)


def _login_as(auth, role: str):
    response = auth.login("admin" if role == "admin" else f"{role}1", PASSWORD)
    assert response.status_code == 302, "login failed"


def test_every_route_except_login_logout_and_static_declares_its_roles(app):
    from qa_app.models import ROLES as KNOWN
    unguarded = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNGUARDED:
            continue
        roles = getattr(app.view_functions[rule.endpoint], "allowed_roles", None)
        if not roles:
            unguarded.append(rule.rule)
        else:
            assert set(roles) <= set(KNOWN), f"{rule.rule}: unknown role in {roles}"
    assert unguarded == []


def test_the_page_table_covers_every_get_route(app):
    """A new page must be added to PAGES, so its roles are tested too."""
    tested = {re.sub(r"\{\w+\}", "<x>", url) for url, _roles in PAGES} | TESTED_ELSEWHERE
    routes = {re.sub(r"<[^>]+>", "<x>", r.rule) for r in app.url_map.iter_rules()
              if "GET" in r.methods and r.endpoint not in UNGUARDED}
    assert routes - tested == set()


@pytest.mark.parametrize("role", ROLES)
def test_each_page_opens_for_its_roles_and_answers_403_to_the_others(client, auth, seeded, role):
    _login_as(auth, role)
    for url, allowed in PAGES:
        response = client.get(url.format(**seeded))
        expected = 200 if role in allowed else 403
        assert response.status_code == expected, f"{role} GET {url}"


@pytest.mark.parametrize("url", [url for url, _roles in PAGES])
def test_anonymous_visitors_are_sent_to_the_login_page(client, seeded, url):
    response = client.get(url.format(**seeded))
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


@pytest.mark.parametrize("role, url, data, expected", [
    ("agent", "/conversations/upload", {}, 403),
    ("hr", "/review/{conv}", {}, 403),
    ("lead", "/admin/users", {"login": "x1", "role": "agent"}, 403),
    ("reviewer", "/training/{assignment}/quiz", {}, 403),
    ("hr", "/training/{assignment}/quiz", {}, 403),
    ("admin", "/training/{assignment}/quiz", {}, 403),
])
def test_posting_to_a_page_of_another_role_is_refused(client, auth, seeded, role, url, data, expected):
    _login_as(auth, role)
    assert client.post(url.format(**seeded), data=data).status_code == expected


def test_an_agent_cannot_open_another_agents_conversation_or_assignment(client, auth, seeded, make_user):
    make_user("agent2", "agent", team="team-a")
    auth.login("agent2", PASSWORD)
    assert client.get(f"/conversations/{seeded['conv']}").status_code == 404
    assert client.get(f"/training/{seeded['assignment']}").status_code == 404
    assert client.post(f"/training/{seeded['assignment']}/quiz", data={}).status_code == 404
    assert "acc-1" not in client.get("/conversations/").get_data(as_text=True)
    assert "Compliance" not in client.get("/training/").get_data(as_text=True)


def test_a_reviewer_covering_another_team_cannot_open_the_conversation(client, auth, seeded, make_user):
    make_user("rev-b", "reviewer", covers=["team-b"])
    auth.login("rev-b", PASSWORD)
    assert client.get(f"/conversations/{seeded['conv']}").status_code == 404
    assert client.get(f"/review/{seeded['conv']}").status_code == 404


def test_hr_sees_no_transcript_and_no_conversation_link(client, auth, seeded):
    auth.login("hr1", PASSWORD)
    assert client.get("/conversations/").status_code == 403
    page = client.get(f"/training/{seeded['assignment']}").get_data(as_text=True)
    assert f"/conversations/{seeded['conv']}" not in page
    assert "Where is my parcel" not in page


@pytest.mark.parametrize("role, links, absent", [
    ("agent", ["My conversations", "My training", "My surveys"], ["Review queue", "Users", "Appraisal report"]),
    ("reviewer", ["Review queue", "Conversations", "Training overview"], ["Users", "Appraisal report"]),
    ("lead", ["Review queue", "Conversations", "Training overview", "Appraisal report"], ["Users"]),
    ("hr", ["Appraisal report", "Training overview", "Surveys"], ["Review queue", "Conversations", "Users"]),
    ("admin", ["Review queue", "Conversations", "Upload", "Training overview", "Appraisal report", "Users",
               "Scorecards", "Rules", "Jobs", "Audit log"], ["My training"]),
])
def test_the_navigation_offers_each_role_its_pages(client, auth, seeded, role, links, absent):
    _login_as(auth, role)
    nav = client.get("/").get_data(as_text=True).split('<nav class="mainnav"')[1].split("</nav>")[0]
    for label in links:
        assert f">{label}</a>" in nav, label
    for label in absent:
        assert f">{label}</a>" not in nav, label


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def test_with_csrf_protection_on_a_post_without_the_token_answers_400(instance_dir):
    from qa_app import create_app
    from qa_app.extensions import db
    app = create_app({"TESTING": True}, instance_path=str(instance_dir))
    client = app.test_client()
    try:
        refused = client.post("/login", data={"login": "admin", "password": PASSWORD})
        assert refused.status_code == 400
        token = _token(client.get("/login").get_data(as_text=True))
        accepted = client.post("/login", data={"login": "admin", "password": PASSWORD, "csrf_token": token})
        assert accepted.status_code == 302
        assert client.post("/language", data={"locale": "zh"}).status_code == 400
        assert client.post("/logout").status_code == 400
    finally:
        with app.app_context():
            db.engine.dispose()


def test_with_csrf_protection_on_every_post_form_on_the_pages_carries_the_token(instance_dir, seeded):
    from qa_app import create_app
    from qa_app.extensions import db
    app = create_app({"TESTING": True}, instance_path=str(instance_dir))
    client = app.test_client()
    # the language switch and log-out forms are on every page; these pages add one of their own
    pages = {"admin": ["/conversations/upload", "/admin/users", "/review/{conv}"],
             "agent1": ["/training/{assignment}"]}
    try:
        for login, urls in pages.items():
            token = _token(client.get("/login").get_data(as_text=True))
            client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token})
            for url in urls:
                page = client.get(url.format(**seeded))
                assert page.status_code == 200, url
                forms = re.findall(r'<form[^>]*method="post".*?</form>', page.get_data(as_text=True), re.S)
                # the course page has two: "I have read this module" and "Start the quiz"
                assert len(forms) == (4 if url.startswith("/training/") else 3), url
                assert all('name="csrf_token"' in f for f in forms), url
            client.post("/logout", data={"csrf_token": token})
    finally:
        with app.app_context():
            db.engine.dispose()
