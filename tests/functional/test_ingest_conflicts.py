"""Same id, same content: a duplicate. Same id, different content: a conflict, reported per record
(file, line, id) and never stored or counted as a duplicate; the same in the CLI, the upload page
and the API."""
from __future__ import annotations

import html
import io
import json

import pytest

from tests.conftest import PASSWORD


def chat_text(agent_line: str) -> str:
    return f"Customer: Where is order 42?\nAgent: {agent_line}\n"


def record(external_id: str, text: str, at: str = "2026-11-04T08:00:00Z") -> dict:
    return {"id": external_id, "agent": "ann", "language": "en",
            "turns": [{"speaker": "customer", "text": "Where is my refund?", "at": at},
                      {"speaker": "agent", "text": text, "at": "2026-11-04T08:00:30Z"}]}


def turns_of(external_id: str) -> list[str]:
    from qa_app.services import conversations
    return [t.text for t in conversations.by_external_id(external_id).turns]


@pytest.fixture
def ann(app, make_user, fake_sentiment):
    make_user("ann", "agent", team="London")
    make_user("rev", "reviewer", covers=["London"])


def test_two_folders_each_holding_chat_0042_report_a_conflict_and_exit_1(ann, cli, tmp_path):
    (tmp_path / "monday").mkdir()
    (tmp_path / "tuesday").mkdir()
    first, second = tmp_path / "monday" / "chat-0042.txt", tmp_path / "tuesday" / "chat-0042.txt"
    first.write_text(chat_text("It left the warehouse today."))
    second.write_text(chat_text("It was delivered this morning."))
    result = cli("ingest", str(tmp_path), "--agent", "ann", "--json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert (summary["ingested"], summary["duplicates"], summary["conflicts"]) == (1, 0, 1)
    assert summary["errors"] == [{"source": f"{second}:1", "id": "chat-0042", "error":
                                  "conflict: a different conversation with id 'chat-0042' is already "
                                  "stored; this record was not stored"}]
    assert turns_of("chat-0042")[1] == "It left the warehouse today."


def test_the_same_file_in_two_folders_is_a_duplicate_and_exits_0(ann, cli, tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "chat-0042.txt").write_text(chat_text("It left the warehouse today."))
    result = cli("ingest", str(tmp_path), "--agent", "ann", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["ingested"], summary["duplicates"], summary["conflicts"]) == (1, 1, 0)


def test_a_conflict_in_an_ndjson_file_names_its_line_and_the_text_summary_says_so(ann, cli, tmp_path):
    path = tmp_path / "batch.ndjson"
    lines = [record("c-1", "Refunded."), record("c-2", "Sent."), record("c-1", "Not refunded.")]
    path.write_text("\n".join(json.dumps(r) for r in lines) + "\n")
    result = cli("ingest", str(path))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "ingested 2, duplicates 0, conflicts 1, failed 0",
        f"  {path}:3: conflict: a different conversation with id 'c-1' is already stored; this record was not stored"]


def test_the_same_record_written_in_another_time_zone_is_a_duplicate(ann, cli, tmp_path):
    path = tmp_path / "a.ndjson"
    path.write_text(json.dumps(record("tz-1", "Refunded.")) + "\n"
                    + json.dumps(record("tz-1", "Refunded.", at="2026-11-04T09:00:00+01:00")) + "\n")
    summary = json.loads(cli("ingest", str(path), "--json").stdout)
    assert (summary["ingested"], summary["duplicates"], summary["conflicts"]) == (1, 1, 0)


def test_the_upload_page_reports_a_conflict_per_record(ann, client, auth):
    auth.login("rev", PASSWORD)
    def upload(rec):
        body = (json.dumps(rec) + "\n").encode()
        return html.unescape(client.post("/conversations/upload", content_type="multipart/form-data",
                                         data={"files": [(io.BytesIO(body), "day.ndjson")]}).get_data(as_text=True))
    upload(record("web-1", "Refunded."))
    page = upload(record("web-1", "We never refund."))
    assert "day.ndjson:1 (web-1): conflict: a different conversation with id 'web-1' is already stored" in page
    assert "<td>day.ndjson</td><td>0</td><td>0</td><td>1</td><td>0</td>" in page
    assert turns_of("web-1")[1] == "Refunded."


def test_the_api_answers_409_for_a_conflict_and_207_for_a_mix(ann, cli, client):
    token = json.loads(cli("token", "create", "rev", "--json").stdout)["token"]
    def post(body):
        return client.post("/api/v1/conversations", data=json.dumps(body), content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})
    assert post(record("api-1", "Refunded.")).status_code == 200
    assert post(record("api-1", "Refunded.")).get_json()["results"][0]["status"] == "duplicate"
    conflict = post(record("api-1", "We never refund."))
    assert conflict.status_code == 409
    [result] = conflict.get_json()["results"]
    assert result["status"] == "conflict" and result["id"] == "api-1" and "already stored" in result["error"]
    mixed = post([record("api-1", "Another text."), record("api-2", "Refunded.")])
    assert mixed.status_code == 207
    assert [r["status"] for r in mixed.get_json()["results"]] == ["conflict", "ingested"]
    assert turns_of("api-1")[1] == "Refunded."


def test_a_conversation_stored_before_content_hashes_compares_by_its_turns(ann, cli, tmp_path):
    from qa_app.extensions import db
    from qa_app.models import Conversation
    path = tmp_path / "old.ndjson"
    path.write_text(json.dumps(record("old-1", "Refunded.")) + "\n")
    cli("ingest", str(path))
    db.session.execute(db.update(Conversation).values(content_sha256=None))
    db.session.commit()
    same = json.loads(cli("ingest", str(path), "--json").stdout)
    assert (same["duplicates"], same["conflicts"]) == (1, 0)
    path.write_text(json.dumps(record("old-1", "Not refunded.")) + "\n")
    other = cli("ingest", str(path), "--json")
    assert other.exit_code == 1 and json.loads(other.stdout)["conflicts"] == 1


CSV_HEADER = "conversation_id,agent,speaker,text,timestamp\n"


def test_a_csv_conversation_in_conflict_is_reported_at_the_line_of_its_first_row(ann, cli, tmp_path):
    first, second = tmp_path / "monday.csv", tmp_path / "tuesday.csv"
    first.write_text(CSV_HEADER + "c-7,ann,customer,Where is my refund?,2026-11-04T08:00:00Z\n"
                     "c-7,ann,agent,It was sent today.,2026-11-04T08:00:30Z\n")
    second.write_text(CSV_HEADER + "c-8,ann,customer,Hello?,2026-11-04T09:00:00Z\n"
                      "c-8,ann,agent,Hello there.,2026-11-04T09:00:10Z\n"
                      "c-7,ann,customer,Where is my refund?,2026-11-04T08:00:00Z\n"
                      "c-7,ann,agent,It was never sent.,2026-11-04T08:00:30Z\n")
    assert cli("ingest", str(first), "--json").exit_code == 0
    result = cli("ingest", str(second), "--json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert (summary["ingested"], summary["conflicts"]) == (1, 1)
    assert [(e["source"], e["id"]) for e in summary["errors"]] == [(f"{second}:4", "c-7")]
    assert turns_of("c-7")[1] == "It was sent today."
