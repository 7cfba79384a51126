"""A user who reads QA Desk in Chinese gets the services' refusals in Chinese too (upload, training
assignment, rule saves, disputes, reviews), while the command line and the JSON API, which scripts
read, keep the English wording whatever the browser or the shell's locale says."""
from __future__ import annotations

import html
import io
import json
import re

import pytest

from qa_app.extensions import db
from qa_app.models import User
from qa_app.services import conversations, ingest, scoring, training
from tests.conftest import PASSWORD
from tests.pages import text_of

ZH = {"Accept-Language": "zh"}


def record(external_id: str, agent: str) -> dict:
    return {"id": external_id, "agent": agent, "language": "en",
            "turns": [{"speaker": "customer", "text": "My parcel is late.", "at": "2026-11-03T09:00:00Z"},
                      {"speaker": "agent", "text": "I am sorry, let me check.", "at": "2026-11-03T09:00:20Z"}]}


def upload(client, rec: dict):
    body = (json.dumps(rec) + "\n").encode()
    return client.post("/conversations/upload", content_type="multipart/form-data",
                       data={"files": [(io.BytesIO(body), "batch.ndjson")]})


def in_chinese(client, login: str) -> None:
    """Log in and pick Chinese with the language switch (stored on the user, like a real user)."""
    client.post("/logout")
    assert client.post("/login", data={"login": login, "password": PASSWORD}).status_code == 302
    assert client.post("/language", data={"locale": "zh", "next": "/"}).status_code == 302


@pytest.fixture
def site(app, make_user, fake_sentiment):
    """emma.jones (London) owns c-1, scored; lead.london covers London; rev.london reviews it."""
    make_user("emma.jones", "agent", team="London")
    make_user("lead.london", "lead", covers=["London"])
    make_user("rev.london", "reviewer", covers=["London"])
    summary = ingest.ingest_text(json.dumps(record("c-1", "emma.jones")), "c-1.json")
    scoring.score_pending(conversation_ids=summary.conversation_ids)
    return {"conv": summary.conversation_ids[0]}


def test_an_upload_for_an_unknown_agent_is_refused_in_chinese_with_the_closest_login(site, client):
    in_chinese(client, "lead.london")
    page = text_of(upload(client, record("up-1", "emma.jone")))
    assert ("batch.ndjson:1 (up-1): 客服：未知账号 'emma.jone'；您是否要找 'emma.jones'？"
            "只有在明确要求时才会新建客服") in page
    assert "unknown login" not in page


def test_a_course_already_open_is_refused_in_chinese_on_the_training_overview(site, client):
    lead = db.session.scalar(db.select(User).where(User.login == "lead.london"))
    training.assign_course(lead, "emma.jones", "empathy-en", due_days=5)
    in_chinese(client, "lead.london")
    page = text_of(client.post("/training/assign", data={"agent": "emma.jones", "course": "empathy-en"},
                               follow_redirects=True))
    assert "未能安排：emma.jones 已有未完成的课程 empathy-en" in page
    assert "already has" not in page


def test_a_rules_save_over_a_newer_version_is_refused_in_chinese(site, client):
    in_chinese(client, "admin")
    page = text_of(client.get("/admin/rules/edit"))
    text = html_textarea(page)
    base = re.search(r'name="base_version"[^>]*value="(\d*)"', page).group(1)
    first = {"definition": text.replace("due_days: 14", "due_days: 13", 1), "action": "save", "base_version": base}
    assert client.post("/admin/rules/edit", data=first).status_code == 302
    stale = {"definition": text.replace("due_days: 14", "due_days: 15", 1), "action": "save", "base_version": base}
    response = client.post("/admin/rules/edit", data=stale)
    assert response.status_code == 400
    assert "您打开第 1 版后，规则已被修改（现为第 2 版）；请重新加载规则，再修改一次" in text_of(response)


def html_textarea(page: str) -> str:
    return html.unescape(re.search(r'<textarea id="definition"[^>]*>(.*?)</textarea>', page, re.S).group(1))


def test_a_dispute_without_a_comment_is_refused_in_chinese(site, client):
    in_chinese(client, "emma.jones")
    ev = conversations.final_evaluation(site["conv"])
    response = client.post(f"/disputes/open/{ev.id}", data={"comment": "  "}, follow_redirects=True)
    assert "申诉未能提交：请填写说明" in text_of(response)


def test_a_second_dispute_on_the_same_evaluation_is_refused_in_chinese(site, client):
    in_chinese(client, "emma.jones")
    ev = conversations.final_evaluation(site["conv"])
    assert client.post(f"/disputes/open/{ev.id}", data={"comment": "I did greet"}).status_code == 302
    again = client.post(f"/disputes/open/{ev.id}", data={"comment": "Again"}, follow_redirects=True)
    assert "申诉未能提交：该评分已有一条待处理的申诉" in text_of(again)


@pytest.mark.parametrize("data, message", [
    ({"result__closing": "maybe"}, "closing：结果必须是 pass（通过）、fail（不通过）或 na（不适用），而不是 'maybe'"),
    ({"result__greeting": "fail", "comment__greeting": " "}, "greeting：修改结果时必须填写说明"),
])
def test_a_refused_review_is_explained_in_chinese(site, client, data, message):
    in_chinese(client, "rev.london")
    before = conversations.final_evaluation(site["conv"])
    flipped = {c.criterion_id: c.result for c in before.criteria}
    if "result__greeting" in data:  # an override: the opposite of the automatic result
        data = {**data, "result__greeting": "fail" if flipped["greeting"] == "pass" else "pass"}
    response = client.post(f"/review/{site['conv']}", data=data)
    assert response.status_code == 400 and message in text_of(response)


def test_the_command_line_stays_english_whatever_the_shell_locale(site, cli, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    monkeypatch.setenv("LANGUAGE", "zh")
    training.assign_course(None, "emma.jones", "empathy-en", due_days=5)
    again = cli("training", "assign", "--agent", "emma.jones", "--course", "empathy-en")
    assert again.exit_code == 1 and "Error: emma.jones already has empathy-en open" in again.output
    short = cli("user", "add", "new.agent", "--role", "agent", "--password", "short")
    assert short.exit_code == 1 and "password: must be at least 12 characters" in short.output


def test_the_command_lines_json_keeps_the_english_errors(site, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    path = tmp_path / "typo.ndjson"
    path.write_text(json.dumps(record("typo-1", "emma.jone")) + "\n")
    result = cli("ingest", str(path), "--json")
    [error] = json.loads(result.stdout)["errors"]
    assert error["error"].startswith("agent: unknown login 'emma.jone'; did you mean 'emma.jones'? New agents")


def test_the_json_api_answers_in_english_even_to_a_chinese_client(site, cli, client):
    token = json.loads(cli("token", "create", "lead.london", "--json").stdout)["token"]
    response = client.post("/api/v1/conversations", data=json.dumps(record("api-1", "emma.jone")),
                           content_type="application/json",
                           headers={"Authorization": f"Bearer {token}", **ZH})
    [result] = response.get_json()["results"]
    assert result["status"] == "error" and "unknown login 'emma.jone'; did you mean 'emma.jones'?" in result["error"]
