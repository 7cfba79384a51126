"""An unexpected error (a service raising, as a bug would) answers 500 with the app's layout and a
reference id that is also in the log; after a POST the submitted fields are shown back, escaped,
without passwords or CSRF tokens. The page is rendered for real; only the service is made to fail."""
from __future__ import annotations

import logging
import re

import pytest

from qa_app.extensions import db
from tests.conftest import IsolatedClient, PASSWORD


@pytest.fixture
def unguarded(instance_dir):
    """The app as in production: exceptions reach the error handlers instead of the test."""
    from qa_app import create_app
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "PROPAGATE_EXCEPTIONS": False},
                     instance_path=str(instance_dir))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _broken(*_args, **_kwargs):
    raise RuntimeError("a bug nobody expected")


def test_a_post_that_fails_shows_the_input_back_escaped_without_secrets(unguarded, monkeypatch, caplog):
    from qa_app.services import users
    monkeypatch.setattr(users, "update_user", _broken)
    client = unguarded.test_client()
    client.post("/login", data={"login": "admin", "password": PASSWORD})
    with caplog.at_level(logging.ERROR, logger="qa_app.views.errors"):
        answer = client.post("/admin/users/admin/edit", data={
            "name": "<b>Ann</b> & co", "role": "admin", "team": "London", "covers": "", "email": "",
            "password": "hunter-secret-2", "csrf_token": "token-value-9"})
    body = answer.get_data(as_text=True)
    assert answer.status_code == 500 and "Something went wrong" in body and 'class="topbar"' in body
    assert "&lt;b&gt;Ann&lt;/b&gt; &amp; co" in body and "<b>Ann</b>" not in body
    assert "hunter-secret-2" not in body and "token-value-9" not in body
    assert "Passwords and tokens are not kept" in body
    reference = re.search(r'<code class="reference">([0-9a-f]{8})</code>', body).group(1)
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and logged[0].exc_info[0] is RuntimeError


def test_a_get_that_fails_gets_the_styled_page_too_in_chinese(unguarded, monkeypatch):
    from qa_app.services import users
    monkeypatch.setattr(users, "page_users", _broken)
    client = unguarded.test_client()
    client.post("/login", data={"login": "admin", "password": PASSWORD})
    client.post("/language", data={"locale": "zh"})
    answer = client.get("/admin/users")
    body = answer.get_data(as_text=True)
    assert answer.status_code == 500 and "出错了" in body and 'class="reference"' in body
    assert "Traceback" not in body and "a bug nobody expected" not in body


def test_the_api_keeps_its_json_answer(unguarded, monkeypatch):
    from qa_app.services import ingest, tokens
    _row, token = tokens.create_token("admin")
    monkeypatch.setattr(ingest, "ingest_api_items", _broken)
    answer = unguarded.test_client().post("/api/v1/conversations", json=[{"id": "x"}],
                                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 500 and answer.json["error"].startswith("internal server error")
