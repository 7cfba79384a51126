"""The scorecard admin pages: list, view, edit into a validated draft, preview against the active version, activate."""
from __future__ import annotations

import html
import re

import pytest

from qa_app.extensions import db
from qa_app.models import AuditEntry, Evaluation
from qa_app.services import ingest, scorecards
from tests.conftest import FIXTURES, PASSWORD


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def version_id(name: str, version: int) -> int:
    return scorecards.find_version(name, version).id


def editor_text(client, name: str) -> str:
    page = text_of(client.get(f"/admin/scorecards/{name}/new"))
    return re.search(r'<textarea id="definition"[^>]*>(.*?)</textarea>', page, re.S).group(1)


@pytest.fixture
def admin(client, auth):
    assert auth.login("admin", PASSWORD).status_code == 302
    return client


def test_the_list_shows_every_scorecard_with_its_versions_and_links(admin):
    scorecards.create_version(editor_text(admin, "general-en").replace("seconds: 10", "seconds: 15"))
    page = text_of(admin.get("/admin/scorecards"))
    for name in ("general-en", "ecommerce-chat-en", "ecommerce-aftersales-zh"):
        assert f"/admin/scorecards/{name}/new" in page
    assert f'href="/admin/scorecards/{version_id("general-en", 2)}">v2</a>' in page
    assert "returns, refunds, logistics, complaints" in page
    assert "- id: forbidden_phrases\n" in page


def test_a_version_page_shows_its_yaml_and_offers_activation_only_when_inactive(admin):
    active = text_of(admin.get(f"/admin/scorecards/{version_id('general-en', 1)}"))
    assert "name: general-en\n" in active and "/activate" not in active
    draft = scorecards.create_version(editor_text(admin, "general-en").replace("seconds: 10", "seconds: 15"))
    page = text_of(admin.get(f"/admin/scorecards/{draft.id}"))
    assert "seconds: 15" in page and f"/admin/scorecards/{draft.id}/preview" in page
    assert 'name="n"' in page and 'value="50"' in page
    assert f"/admin/scorecards/{draft.id}/activate" not in page  # only once previewed
    assert "it can be activated only after a preview" in page


def test_the_editor_starts_from_the_yaml_of_the_active_version(admin):
    text = editor_text(admin, "ecommerce-chat-en")
    assert scorecards.parse_text(text) == scorecards.scorecard_of(scorecards.find_version("ecommerce-chat-en"))


def test_saving_an_invalid_definition_lists_every_error_path_and_stores_nothing(admin):
    bad = editor_text(admin, "general-en").replace("within_first_agent_turns: 1", "within_first_agent_turns: 0")
    bad = bad.replace("weight: 12", "weight: nothing").replace("weight: 6", "weight: nothing")
    response = admin.post("/admin/scorecards/general-en/new", data={"definition": bad})
    page = text_of(response)
    assert response.status_code == 400
    assert "sections[0].criteria[0].check.within_first_agent_turns: must be a positive integer" in page
    assert "sections[1].criteria[0].weight: must be a positive number" in page
    assert "sections[4].criteria[0].weight: must be a positive number" in page
    assert "within_first_agent_turns: 0" in page  # the admin's text is kept for fixing
    assert [v.version for v in scorecards.versions_of("general-en")] == [1]


@pytest.mark.parametrize("definition, message", [
    ("", "definition: This field is required."),
    ("name: [broken", "line 1, column 14"),
    ("ecommerce-chat-en", "name: must stay 'general-en'"),
])
def test_empty_broken_or_foreign_definitions_are_refused(admin, definition, message):
    if definition == "ecommerce-chat-en":  # a whole valid card, of another name
        definition = editor_text(admin, definition)
    response = admin.post("/admin/scorecards/general-en/new", data={"definition": definition})
    assert response.status_code == 400 and message in text_of(response)
    assert [v.version for v in scorecards.versions_of("general-en")] == [1]


def test_a_valid_definition_is_stored_as_a_draft_and_shown(admin):
    good = editor_text(admin, "general-en").replace("seconds: 10", "seconds: 15")
    response = admin.post("/admin/scorecards/general-en/new", data={"definition": good})
    draft = scorecards.find_version("general-en", 2)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/admin/scorecards/{draft.id}")
    assert draft.active is False and draft.definition["sections"][4]["criteria"][0]["check"]["seconds"] == 15
    assert "Saved as draft version 2" in text_of(admin.get(response.headers["Location"]))
    assert scorecards.find_version("general-en").version == 1


def test_the_editor_of_an_unknown_scorecard_is_404(admin):
    assert admin.get("/admin/scorecards/nope/new").status_code == 404
    assert admin.get("/admin/scorecards/99999").status_code == 404


def test_preview_shows_the_distribution_against_the_active_version(admin, fake_sentiment):
    assert ingest.ingest_paths([str(FIXTURES / "new_agent.ndjson")], ingest.IngestOptions(create_agents=True)).failed == 0
    lenient = editor_text(admin, "ecommerce-chat-en").replace("critical: true", "critical: false")
    draft = scorecards.create_version(lenient, expected_name="ecommerce-chat-en")
    page = text_of(admin.post(f"/admin/scorecards/{draft.id}/preview", data={"n": "10"}))
    assert "Preview on 2 conversations" in page and "only 2 conversations fit the draft" in page
    assert re.search(r"<th>Auto-failed</th>\s*<td>0%</td>\s*<td>50%</td>", page)
    assert "Active v1" in page and "more than 5 points: 1" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Evaluation)) == 0


@pytest.mark.parametrize("n", ["0", "5000", "x"])
def test_preview_with_a_bad_number_shows_the_error_and_no_table(admin, n):
    draft = scorecards.create_version(editor_text(admin, "general-en").replace("seconds: 10", "seconds: 15"))
    response = admin.post(f"/admin/scorecards/{draft.id}/preview", data={"n": n})
    page = text_of(response)
    assert response.status_code == 400 and "Preview on" not in page and 'class="field-error"' in page
    assert scorecards.get_version(draft.id).previewed_at is None


def test_activating_a_previewed_and_confirmed_draft_replaces_the_active_version_and_is_audited(admin):
    draft = scorecards.create_version(editor_text(admin, "general-en").replace("seconds: 10", "seconds: 15"))
    assert admin.post(f"/admin/scorecards/{draft.id}/preview", data={"n": "5"}).status_code == 200
    page = text_of(admin.get(f"/admin/scorecards/{draft.id}"))
    assert f"/admin/scorecards/{draft.id}/activate" in page and 'name="confirm"' in page
    response = admin.post(f"/admin/scorecards/{draft.id}/activate", data={"confirm": "yes"})
    assert response.status_code == 302
    assert [(v.version, v.active) for v in scorecards.versions_of("general-en")] == [(2, True), (1, False)]
    assert "general-en version 2 is now active." in text_of(admin.get(response.headers["Location"]))
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "activate")).one()
    assert entry.after == {"name": "general-en", "active_version": 2} and entry.user_id is not None


def test_activating_a_stored_definition_that_no_longer_validates_is_refused(admin):
    draft = scorecards.create_version(editor_text(admin, "general-en").replace("seconds: 10", "seconds: 15"))
    draft.definition = dict(draft.definition, sections="gone")
    draft.previewed_at = draft.created_at
    db.session.commit()
    response = admin.post(f"/admin/scorecards/{draft.id}/activate", data={"confirm": "yes"}, follow_redirects=True)
    assert "Not activated, the definition is invalid: sections: must be a non-empty list" in text_of(response)
    assert scorecards.find_version("general-en").version == 1


def test_a_draft_never_previewed_is_not_activated_even_when_posted_directly(admin):
    draft = scorecards.create_version(editor_text(admin, "general-en").replace("seconds: 10", "seconds: 15"))
    response = admin.post(f"/admin/scorecards/{draft.id}/activate", data={"confirm": "yes"}, follow_redirects=True)
    assert "Not activated: Preview version 2 before activating it." in text_of(response)
    assert [(v.version, v.active) for v in scorecards.versions_of("general-en")] == [(2, False), (1, True)]


def test_a_previewed_draft_is_not_activated_without_the_confirmation(admin):
    draft = scorecards.create_version(editor_text(admin, "general-en").replace("seconds: 10", "seconds: 15"))
    admin.post(f"/admin/scorecards/{draft.id}/preview", data={"n": "5"})
    response = admin.post(f"/admin/scorecards/{draft.id}/activate", follow_redirects=True)
    assert "Tick the confirmation to activate version 2." in text_of(response)
    assert scorecards.find_version("general-en").version == 1


def test_a_preview_is_noted_on_the_version_and_in_the_audit_log(admin, fake_sentiment):
    assert ingest.ingest_paths([str(FIXTURES / "new_agent.ndjson")], ingest.IngestOptions(create_agents=True)).failed == 0
    draft = scorecards.create_version(editor_text(admin, "general-en").replace("seconds: 10", "seconds: 15"))
    admin.post(f"/admin/scorecards/{draft.id}/preview", data={"n": "10"})
    stored = scorecards.get_version(draft.id)
    assert stored.previewed_at is not None
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "preview")).one()
    assert entry.entity_id == draft.id and entry.user_id is not None and entry.after["version"] == 2 and entry.after["conversations"] == 2


@pytest.mark.parametrize("method, url", [
    ("get", "/admin/scorecards/{id}"),
    ("get", "/admin/scorecards/general-en/new"),
    ("post", "/admin/scorecards/general-en/new"),
    ("post", "/admin/scorecards/{id}/activate"),
    ("post", "/admin/scorecards/{id}/preview"),
    ("get", "/admin/scorecards/general-en/edit"),
    ("post", "/admin/scorecards/general-en/edit"),
])
def test_only_admins_reach_the_scorecard_pages(client, auth, make_user, method, url):
    draft = scorecards.create_version(scorecards.definition_yaml(scorecards.find_version("general-en")))
    url = url.format(id=draft.id)
    assert getattr(client, method)(url).status_code == 302  # strangers go to the login page
    make_user("lead1", "lead")
    auth.login("lead1", PASSWORD)
    assert getattr(client, method)(url, data={"definition": "x"}).status_code == 403
    assert scorecards.find_version("general-en").version == 1


def test_posts_without_a_csrf_token_are_refused(instance_dir):
    from qa_app import create_app
    app = create_app({"TESTING": True}, instance_path=str(instance_dir))
    with app.app_context():
        client = app.test_client()
        login_page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
        client.post("/login", data={"login": "admin", "password": PASSWORD, "csrf_token": token})
        draft = scorecards.create_version(scorecards.definition_yaml(scorecards.find_version("general-en")))
        assert client.post(f"/admin/scorecards/{draft.id}/activate").status_code == 400
        response = client.post("/admin/scorecards/general-en/new", data={"definition": "name: general-en\n"})
        assert response.status_code == 400 and "The CSRF token is missing." in text_of(response)
        assert [(v.version, v.active) for v in scorecards.versions_of("general-en")] == [(2, False), (1, True)]
        db.session.remove()
        db.engine.dispose()
