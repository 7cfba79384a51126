"""An upload, an API request and a transcription job store and score with one commit: when the
second step (storing the evaluations) fails for real, nothing of the first step is left behind,
and the user is told nothing was stored."""
from __future__ import annotations

import html
import io
import json

import pytest

from tests import databases
from tests.conftest import FIXTURES, PASSWORD

def record(external_id: str) -> dict:
    return {"id": external_id, "agent": "ann", "language": "en",
            "turns": [{"speaker": "customer", "text": "My order never came.", "at": "2026-11-05T10:00:00Z"},
                      {"speaker": "agent", "text": "Not my problem.", "at": "2026-11-05T10:00:20Z"}]}


def count(model) -> int:
    from qa_app.extensions import db
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def refuse_evaluations(on: bool = True) -> None:
    """The database refuses every new evaluation (on), or stops refusing (off)."""
    from qa_app.extensions import db
    if on:
        databases.refuse("refuse_evaluations", "evaluation", "INSERT", "1 = 1", "evaluations refused")
        return
    db.session.execute(db.text(databases.drop_trigger_sql("refuse_evaluations", "evaluation", databases.on_postgres())))
    db.session.commit()


@pytest.fixture
def site(app, make_user, fake_sentiment):
    make_user("ann", "agent", team="London")
    make_user("rev", "reviewer", covers=["London"])


def test_when_scoring_an_upload_fails_no_conversation_is_left_unscored(site, client, auth):
    from qa_app.models import Conversation, Turn, User
    auth.login("rev", PASSWORD)
    users_before = count(User)
    refuse_evaluations()
    body = "".join(json.dumps(record(f"one-{i}")) + "\n" for i in range(3)).encode()
    page = client.post("/conversations/upload", content_type="multipart/form-data",
                       data={"files": [(io.BytesIO(body), "day.ndjson")], "create_agents": "y"})
    assert page.status_code == 503
    assert "Nothing was stored" in html.unescape(page.get_data(as_text=True))
    assert (count(Conversation), count(Turn), count(User)) == (0, 0, users_before)
    refuse_evaluations(False)
    again = client.post("/conversations/upload", content_type="multipart/form-data",
                        data={"files": [(io.BytesIO(body), "day.ndjson")]})
    assert "Scored: 3." in again.get_data(as_text=True)


def test_when_scoring_an_api_request_fails_nothing_is_stored(site, cli, client):
    from qa_app.models import Conversation, Evaluation
    token = json.loads(cli("token", "create", "rev", "--json").stdout)["token"]
    refuse_evaluations()
    resp = client.post("/api/v1/conversations", data=json.dumps([record("api-1"), record("api-2")]),
                       content_type="application/json", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 503 and "nothing was stored" in resp.get_json()["error"]
    assert (count(Conversation), count(Evaluation)) == (0, 0)


@pytest.mark.slow
def test_when_scoring_a_transcribed_call_fails_the_job_fails_and_a_retry_stores_it(site, cli):
    from qa_app.services import conversations
    from qa_app.models import Conversation
    refuse_evaluations()
    failed = json.loads(cli("ingest", str(FIXTURES / "audio" / "call_stereo.ogg"), "--agent", "ann",
                            "--json").stdout)
    assert failed["failed"] == 1 and count(Conversation) == 0
    refuse_evaluations(False)
    retry = json.loads(cli("transcribe", "--retry-failed", "--json").stdout)
    assert retry["ingested"] == 1 and retry["duplicates"] == 0
    conv = conversations.by_external_id("call_stereo")
    assert conversations.final_evaluation(conv.id) is not None
