"""Input limits and clean errors (#12): every limit refuses its record by name through the API,
the upload page and `qadesk ingest` while the other records are stored; the API answers every
error in JSON with a stable code; oversized and deeply nested bodies are refused, not crashed on."""
from __future__ import annotations

import html
import io
import json
import time

import pytest

from tests.conftest import PASSWORD

AT = "2026-11-05T10:00:00Z"


def record(external_id: str, **changes) -> dict:
    doc = {"id": external_id, "agent": "ann", "language": "en",
           "turns": [{"speaker": "customer", "text": "My order never came.", "at": AT},
                     {"speaker": "agent", "text": "I am sorry, let me check.", "at": "2026-11-05T10:00:20Z"}]}
    doc.update(changes)
    return doc


def turns(n: int, text: str = "hello", at: str = AT) -> list[dict]:
    return [{"speaker": "agent", "text": text, "at": at} for _ in range(n)]


def deep(levels: int) -> object:
    value: object = 1
    for _ in range(levels):
        value = {"x": value}
    return value


SETTINGS = {"QADESK_MAX_TURNS": 4, "QADESK_MAX_TURN_CHARS": 50, "QADESK_MAX_ID_CHARS": 12,
            "QADESK_MAX_JSON_DEPTH": 3}
# (what is wrong, the bad record's changes, words the per-record error holds)
LIMITS = [
    ("too many turns", {"turns": turns(5)}, "turns: 5 turns; at most 4"),
    ("a turn too long", {"turns": turns(1, "x" * 51)}, "turns[0].text: 51 characters; at most 50"),
    ("an id too long", {"id": "b-" + "9" * 11}, "id: 13 characters; at most 12"),
    ("an agent login too long", {"agent": "a" * 13}, "agent: 13 characters; at most 12"),
    ("a timestamp past the year 9999 in UTC", {"turns": turns(1, at="9999-12-31T23:59:59-14:00")},
     "turns[0].at: 9999-12-31T23:59:59-14:00 is outside the years a timestamp can be stored in"),
    ("a timestamp after 2100", {"turns": turns(1, at="2150-01-01T00:00:00Z")},
     "turns[0].at: 2150-01-01T00:00:00+00:00 is outside the accepted years 1990-2100"),
    ("a start before 1990", {"started_at": "1899-12-31T00:00:00Z"}, "started_at: 1899-12-31"),
    ("extra fields nested too deep", {"crm": deep(4)}, "nested 4 levels deep; at most 3"),
]
IDS = [row[0] for row in LIMITS]


@pytest.fixture
def site(app, make_user, fake_sentiment):
    app.config.update(SETTINGS)
    make_user("ann", "agent", team="London")
    make_user("rev", "reviewer", covers=["London"])


@pytest.fixture
def token(site, cli):
    return json.loads(cli("token", "create", "rev", "--json").stdout)["token"]


def stored_ids() -> list[str]:
    from qa_app.extensions import db
    from qa_app.models import Conversation
    return sorted(db.session.scalars(db.select(Conversation.external_id)))


def post(client, token, body, scheme="Bearer", raw=False):
    return client.post("/api/v1/conversations", data=body if raw else json.dumps(body),
                       headers={"Authorization": f"{scheme} {token}"}, content_type="application/json")


@pytest.mark.parametrize("what, changes, error", LIMITS, ids=IDS)
def test_the_api_refuses_the_item_over_a_limit_and_stores_the_others(token, client, what, changes, error):
    bad = record("bad", **changes)
    resp = post(client, token, [record("good-1"), bad, record("good-2")])
    assert resp.status_code == 207
    results = resp.get_json()["results"]
    assert [r["status"] for r in results] == ["ingested", "error", "ingested"]
    assert error in results[1]["error"] and results[1]["code"] == "invalid_record"
    assert stored_ids() == ["good-1", "good-2"]


@pytest.mark.parametrize("what, changes, error", LIMITS, ids=IDS)
def test_the_upload_page_names_the_line_over_a_limit_and_stores_the_others(site, client, auth, what, changes,
                                                                           error):
    auth.login("rev", PASSWORD)
    body = "".join(json.dumps(r) + "\n" for r in (record("good-1"), record("bad", **changes), record("good-2")))
    page = client.post("/conversations/upload", content_type="multipart/form-data",
                       data={"files": [(io.BytesIO(body.encode()), "day.ndjson")]})
    text = html.unescape(page.get_data(as_text=True))
    assert page.status_code == 200 and "day.ndjson:2" in text and error in text
    assert stored_ids() == ["good-1", "good-2"]


@pytest.mark.parametrize("what, changes, error", LIMITS, ids=IDS)
def test_qadesk_ingest_names_the_line_over_a_limit_and_stores_the_others(site, cli, tmp_path, monkeypatch,
                                                                         what, changes, error):
    for key, value in SETTINGS.items():
        monkeypatch.setenv(key, str(value))
    path = tmp_path / "day.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in (record("good-1"), record("bad", **changes),
                                                             record("good-2"))))
    result = cli("ingest", str(path), "--json")
    summary = json.loads(result.stdout)
    assert (summary["ingested"], summary["failed"]) == (2, 1)
    assert summary["errors"][0]["source"] == f"{path}:2" and error in summary["errors"][0]["error"]
    assert stored_ids() == ["good-1", "good-2"]


def test_a_plain_text_upload_with_too_many_turns_is_refused_by_name(site, client, auth):
    auth.login("rev", PASSWORD)
    body = "".join(f"Customer: question {i}\nAgent: answer {i}\n" for i in range(3)).encode()
    page = client.post("/conversations/upload", content_type="multipart/form-data",
                       data={"files": [(io.BytesIO(body), "chat.txt")], "agent": "ann"})
    text = html.unescape(page.get_data(as_text=True))
    assert "chat.txt" in text and "turns: 6 turns; at most 4" in text
    assert stored_ids() == []


def test_a_huge_text_upload_is_refused_quickly_with_a_clear_page(site, client, auth):
    auth.login("rev", PASSWORD)
    body = b"Customer: my parcel is late again\nAgent: sorry about that\n" * 350_000  # 20 MB > 16 MB
    started = time.perf_counter()
    page = client.post("/conversations/upload", content_type="multipart/form-data",
                       data={"files": [(io.BytesIO(body), "huge.txt")], "agent": "ann"})
    assert time.perf_counter() - started < 5
    assert page.status_code == 413
    assert "larger than 16 MB" in html.unescape(page.get_data(as_text=True))
    assert stored_ids() == []


def test_the_request_size_limit_is_the_qadesk_max_request_bytes_setting(instance_dir):
    from qa_app import create_app
    app = create_app({"TESTING": True, "QADESK_MAX_REQUEST_BYTES": 4096}, instance_path=str(instance_dir))
    assert app.config["MAX_CONTENT_LENGTH"] == 4096


def test_an_api_body_over_the_size_limit_is_a_json_413(token, app, client):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    resp = post(client, token, [record(f"r-{i}") for i in range(20)])
    assert resp.status_code == 413 and resp.get_json()["code"] == "payload_too_large"
    assert "QADESK_MAX_REQUEST_BYTES" in resp.get_json()["error"]


@pytest.mark.parametrize("levels", [7, 100_000])
def test_deeply_nested_json_on_the_api_is_a_json_400(token, client, levels):
    body = "[" * levels + "]" * levels
    resp = post(client, token, body, raw=True)
    assert resp.status_code == 400 and resp.is_json
    assert resp.get_json()["code"] == "too_deep" and "nested more than 6 levels" in resp.get_json()["error"]


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_the_bearer_scheme_is_accepted_in_any_case(token, client, scheme):
    assert post(client, token, record("r-1"), scheme=scheme).status_code == 200


ERRORS = [  # (request, status, code)
    (lambda c, t: c.get("/api/v1/nothing-here"), 404, "not_found"),
    (lambda c, t: c.get("/api/v1/conversations"), 405, "method_not_allowed"),
    (lambda c, t: post(c, "qd_wrong", record("r-1")), 401, "unauthorized"),
    (lambda c, t: post(c, t, "{not json", raw=True), 400, "invalid_json"),
    (lambda c, t: post(c, t, {"conversations": "all of them"}), 400, "invalid_body"),
]


@pytest.mark.parametrize("send, status, code", ERRORS, ids=[e[2] for e in ERRORS])
def test_every_api_error_is_json_with_a_stable_code(token, client, send, status, code):
    resp = send(client, token)
    assert resp.status_code == status and resp.is_json
    assert resp.get_json()["code"] == code and resp.get_json()["error"]


def test_a_token_without_the_role_gets_a_json_403(site, cli, client, make_user):
    make_user("amy", "agent", team="London")
    agent_token = json.loads(cli("token", "create", "amy", "--json").stdout)["token"]
    resp = post(client, agent_token, record("r-1"))
    assert resp.status_code == 403 and resp.get_json()["code"] == "forbidden"


def test_a_server_error_under_the_api_is_json_and_elsewhere_the_usual_page(app):
    from werkzeug.exceptions import InternalServerError
    from qa_app.views import api
    with app.test_request_context("/api/v1/conversations"):
        body, status = api.internal_error(InternalServerError())
        assert status == 500 and body.get_json()["code"] == "internal_error"
    with app.test_request_context("/conversations"):
        assert isinstance(api.internal_error(InternalServerError()), InternalServerError)
