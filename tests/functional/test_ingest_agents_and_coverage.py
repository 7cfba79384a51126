"""Whom a conversation may be filed for: a known agent the uploader covers; a new agent only when
asked (a typo in a login never creates one); never a user who is not an agent. The same in the
CLI, the upload page and the API."""
from __future__ import annotations

import html
import io
import json

import pytest

from tests.conftest import PASSWORD


def record(external_id: str, agent: str) -> dict:
    return {"id": external_id, "agent": agent, "language": "en",
            "turns": [{"speaker": "customer", "text": "My parcel is late.", "at": "2026-11-03T09:00:00Z"},
                      {"speaker": "agent", "text": "I am sorry, let me check.", "at": "2026-11-03T09:00:20Z"}]}


def upload(client, rec: dict, **fields):
    body = (json.dumps(rec) + "\n").encode()
    return client.post("/conversations/upload", content_type="multipart/form-data",
                       data={"files": [(io.BytesIO(body), "batch.ndjson")], **fields})


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def stored(external_id: str) -> bool:
    from qa_app.extensions import db
    from qa_app.models import Conversation
    return db.session.scalar(db.select(Conversation.id).where(Conversation.external_id == external_id)) is not None


def user_exists(login: str) -> bool:
    from qa_app.extensions import db
    from qa_app.models import User
    return db.session.scalar(db.select(User.id).where(User.login == login)) is not None


@pytest.fixture
def site(app, make_user, fake_sentiment):
    """emma.jones (London) and li.wei (Shanghai); rev.london covers London only."""
    make_user("emma.jones", "agent", team="London")
    make_user("li.wei", "agent", team="Shanghai")
    make_user("rev.london", "reviewer", covers=["London"])
    make_user("lead.london", "lead", covers=["London"])


def test_a_typo_in_the_agent_login_fails_the_record_naming_the_closest_login(site, cli, tmp_path):
    path = tmp_path / "typo.ndjson"
    path.write_text(json.dumps(record("typo-1", "emma.jone")) + "\n")
    result = cli("ingest", str(path), "--json")
    assert result.exit_code == 1
    [error] = json.loads(result.stdout)["errors"]
    assert error["source"] == f"{path}:1" and error["id"] == "typo-1"
    assert "unknown login 'emma.jone'; did you mean 'emma.jones'?" in error["error"]
    assert "--create-agents" in error["error"]
    assert not user_exists("emma.jone") and not stored("typo-1")


def test_with_create_agents_an_unknown_login_becomes_a_new_agent(site, cli, tmp_path):
    path = tmp_path / "new.ndjson"
    path.write_text(json.dumps(record("new-1", "sam.new")) + "\n")
    result = cli("ingest", str(path), "--create-agents", "--json")
    assert result.exit_code == 0, result.output
    from qa_app.services import users
    assert users.get_user("sam.new").role == "agent" and stored("new-1")


def test_the_cli_never_files_a_conversation_for_a_user_who_is_not_an_agent(site, cli, tmp_path):
    path = tmp_path / "admin.ndjson"
    path.write_text(json.dumps(record("adm-1", "admin")) + "\n")
    result = cli("ingest", str(path), "--create-agents", "--json")
    assert result.exit_code == 1
    assert "'admin' has the admin role; conversations are filed only for agents" in \
        json.loads(result.stdout)["errors"][0]["error"]
    assert not stored("adm-1")


def test_the_upload_page_refuses_an_unknown_agent_unless_the_box_is_ticked(site, client, auth):
    auth.login("rev.london", PASSWORD)
    refused = page_text(upload(client, record("up-1", "emma.jone")))
    assert "batch.ndjson:1 (up-1): agent: unknown login 'emma.jone'; did you mean 'emma.jones'?" in refused
    assert not stored("up-1") and not user_exists("emma.jone")
    assert page_text(upload(client, record("up-1", "new.agent"), create_agents="y")).count("Scored: 1.") == 1
    assert stored("up-1") and user_exists("new.agent")


def test_a_reviewer_may_not_upload_for_an_agent_of_a_team_they_do_not_cover(site, client, auth):
    auth.login("rev.london", PASSWORD)
    refused = page_text(upload(client, record("sh-1", "li.wei")))
    assert "batch.ndjson:1 (sh-1): agent: you do not cover the team of 'li.wei'" in refused
    assert not stored("sh-1")
    assert "Scored: 1." in page_text(upload(client, record("ldn-1", "emma.jones")))
    assert stored("ldn-1")


def test_suggestions_name_only_agents_the_uploader_covers(site, client, auth):
    auth.login("rev.london", PASSWORD)
    refused = page_text(upload(client, record("sh-2", "li.we")))
    assert "unknown login 'li.we'." in refused and "li.wei" not in refused


@pytest.mark.parametrize("agent, role", [("admin", "admin"), ("rev.london", "reviewer"), ("lead.london", "lead")])
def test_nobody_files_a_conversation_for_a_user_who_is_not_an_agent(site, client, auth, agent, role):
    auth.login("admin", PASSWORD)
    refused = page_text(upload(client, record("adm-2", agent), create_agents="y"))
    assert f"'{agent}' has the {role} role; conversations are filed only for agents" in refused
    assert not stored("adm-2")


def test_an_admin_may_file_for_an_agent_of_any_team(site, client, auth):
    auth.login("admin", PASSWORD)
    assert "Scored: 1." in page_text(upload(client, record("sh-3", "li.wei")))


def _token(cli, login: str) -> str:
    return json.loads(cli("token", "create", login, "--json").stdout)["token"]


def _post(client, token: str, body):
    return client.post("/api/v1/conversations", data=json.dumps(body), content_type="application/json",
                       headers={"Authorization": f"Bearer {token}"})


def test_the_api_applies_the_same_coverage_to_a_leads_token(site, cli, client):
    token = _token(cli, "lead.london")
    resp = _post(client, token, [record("api-ldn", "emma.jones"), record("api-sh", "li.wei"),
                                 record("api-adm", "admin")])
    assert resp.status_code == 207
    results = resp.get_json()["results"]
    assert [r["status"] for r in results] == ["ingested", "error", "error"]
    assert "you do not cover the team of 'li.wei'" in results[1]["error"]
    assert "has the admin role" in results[2]["error"]
    assert stored("api-ldn") and not stored("api-sh") and not stored("api-adm")


def test_the_api_creates_agents_only_with_create_agents(site, cli, client):
    token = _token(cli, "lead.london")
    refused = _post(client, token, record("api-new", "emma.jone")).get_json()["results"][0]
    assert refused["status"] == "error" and "did you mean 'emma.jones'?" in refused["error"]
    assert not user_exists("emma.jone")
    created = _post(client, token, {"conversations": [record("api-new", "sam.api")], "create_agents": True})
    assert created.status_code == 200 and created.get_json()["results"][0]["status"] == "ingested"
    assert user_exists("sam.api") and stored("api-new")


def test_the_api_says_what_is_wrong_with_a_bad_create_agents_field(site, cli, client):
    token = _token(cli, "lead.london")
    resp = _post(client, token, {"conversations": [record("api-x", "emma.jones")], "create_agents": "yes"})
    assert resp.status_code == 400 and "create_agents" in resp.get_json()["error"]
    assert not stored("api-x")
