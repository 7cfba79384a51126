"""JSON API v1: token auth, per-item answers, duplicates, errors, scoring of what was stored."""
from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES


def _items():
    return [json.loads(line) for line in (FIXTURES / "new_agent.ndjson").read_text().splitlines()]


@pytest.fixture
def token(cli, make_user, fake_sentiment):
    make_user("sam.new", "agent")  # the agent of the fixture records
    result = cli("token", "create", "admin", "--name", "crm export", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["token"]


def _post(client, token, body, raw=False):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = body if raw else json.dumps(body)
    return client.post("/api/v1/conversations", data=data, headers=headers, content_type="application/json")


def test_without_a_valid_token_the_api_answers_401(client):
    assert _post(client, None, _items()[0]).status_code == 401
    assert _post(client, "qd_wrong", _items()[0]).status_code == 401


def test_an_array_is_stored_and_scored_with_one_result_per_item(client, token):
    from qa_app.services import conversations
    resp = _post(client, token, _items())
    assert resp.status_code == 200
    results = resp.get_json()["results"]
    assert [r["status"] for r in results] == ["ingested", "ingested"]
    assert [r["id"] for r in results] == ["t-good-1", "t-bad-1"]
    bad = conversations.by_external_id("t-bad-1")
    assert conversations.final_evaluation(bad.id).auto_fail


def test_a_duplicate_and_a_bad_item_are_reported_per_item(client, token):
    _post(client, token, _items()[0])
    broken = {"id": "x-1", "agent": "a", "turns": [{"speaker": "boss", "text": "hi", "at": "2026-11-01T00:00:00Z"}]}
    resp = _post(client, token, [_items()[0], broken, _items()[1]])
    assert resp.status_code == 207
    results = resp.get_json()["results"]
    assert [r["status"] for r in results] == ["duplicate", "error", "ingested"]
    assert "turns[0].speaker" in results[1]["error"]


def test_a_body_that_is_not_json_is_a_400(client, token):
    resp = _post(client, token, "not json", raw=True)
    assert resp.status_code == 400 and "JSON" in resp.get_json()["error"]


def test_an_agents_token_may_not_ingest(client, cli, make_user):
    make_user("ag.api", "agent")
    secret = json.loads(cli("token", "create", "ag.api", "--json").stdout)["token"]
    assert _post(client, secret, _items()[0]).status_code == 403


def test_tokens_are_stored_only_as_hashes(app, token):
    from qa_app.models import ApiToken
    from qa_app.extensions import db
    row = db.session.scalars(db.select(ApiToken)).one()
    assert token not in (row.token_hash, row.prefix) and row.token_hash != token
