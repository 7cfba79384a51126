"""No input can make the server hand out one of its files: records may not name stored files, and
the one route that serves files (a call's recording) serves only files inside the audio folder."""
from __future__ import annotations

import io
import json

import pytest

from tests.conftest import PASSWORD

# Every way a record has tried to point at a server file.
PAYLOADS = ["../secret_key", "../qadesk.db", "/etc/passwd", "..%2Fsecret_key", "../../../../etc/passwd",
            "audio/../../secret_key"]
RESERVED = ["audio_file", "audio_sha256"]


def record(external_id: str, **extra) -> dict:
    return {"id": external_id, "agent": "ag.files", "language": "en", **extra,
            "turns": [{"speaker": "customer", "text": "Where is my parcel?", "at": "2026-11-02T10:00:00Z"},
                      {"speaker": "agent", "text": "Let me check that for you.", "at": "2026-11-02T10:00:30Z"}]}


@pytest.fixture
def reviewer(app, client, auth, make_user, fake_sentiment):
    make_user("ag.files", "agent", team="files")
    make_user("rev.files", "reviewer", covers=["files"])
    auth.login("rev.files", PASSWORD)
    return client


@pytest.fixture
def reviewer_token(cli, reviewer):
    return json.loads(cli("token", "create", "rev.files", "--json").stdout)["token"]


def secrets_of(instance_dir) -> list[bytes]:
    """Content a leak would show: the secret key, the start of the database, /etc/passwd."""
    found = [(instance_dir / "secret_key").read_bytes().strip(), b"SQLite format 3"]
    try:
        found.append(open("/etc/passwd", "rb").read().splitlines()[0])
    except OSError:
        pass
    return [s for s in found if s]


def assert_no_leak(response, instance_dir) -> None:
    assert response.status_code == 404
    assert not any(secret in response.data for secret in secrets_of(instance_dir))


def audio_of(client, external_id: str):
    from qa_app.services import conversations
    return client.get(f"/conversations/{conversations.by_external_id(external_id).id}/audio")


@pytest.mark.parametrize("key", RESERVED)
@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_record_naming_a_server_file_is_refused_through_the_api(reviewer, reviewer_token, key, payload):
    from qa_app.models import Conversation
    from qa_app.extensions import db
    resp = reviewer.post("/api/v1/conversations", data=json.dumps(record("leak-api", **{key: payload})),
                         headers={"Authorization": f"Bearer {reviewer_token}"}, content_type="application/json")
    result = resp.get_json()["results"][0]
    assert result["status"] == "error" and result["error"].startswith(f"{key}: reserved")
    assert db.session.scalar(db.select(Conversation).where(Conversation.external_id == "leak-api")) is None


@pytest.mark.parametrize("key", RESERVED)
@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_record_naming_a_server_file_is_refused_through_the_upload_form(reviewer, key, payload):
    from qa_app.models import Conversation
    from qa_app.extensions import db
    body = json.dumps(record("leak-up", **{key: payload})).encode()
    page = reviewer.post("/conversations/upload", content_type="multipart/form-data",
                         data={"files": [(io.BytesIO(body), "leak.json")]})
    assert page.status_code == 200
    assert f"leak.json:1: {key}: reserved" in page.get_data(as_text=True)
    assert db.session.scalar(db.select(Conversation).where(Conversation.external_id == "leak-up")) is None


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_stored_conversation_whose_metadata_names_a_file_serves_nothing(reviewer, instance_dir, payload):
    """As an instance from before the fix holds them: the metadata is ignored, only the hash counts."""
    from qa_app.extensions import db
    from qa_app.models import Conversation
    reviewer.post("/conversations/upload", content_type="multipart/form-data",
                  data={"files": [(io.BytesIO(json.dumps(record("old-leak")).encode()), "old.json")]})
    conv = db.session.scalar(db.select(Conversation).where(Conversation.external_id == "old-leak"))
    conv.meta = {**conv.meta, "audio_file": payload, "audio_sha256": payload}
    db.session.commit()
    assert_no_leak(audio_of(reviewer, "old-leak"), instance_dir)
    assert "call-audio" not in reviewer.get(f"/conversations/{conv.id}").get_data(as_text=True)


@pytest.mark.parametrize("payload", PAYLOADS + ["0" * 63 + "/", "0" * 64 + "/../../secret_key"])
def test_an_audio_hash_that_is_not_a_hash_serves_nothing(reviewer, instance_dir, payload):
    from qa_app.extensions import db
    from qa_app.models import Conversation
    if len(payload) > 64 and db.engine.dialect.name == "postgresql":
        pytest.skip("PostgreSQL refuses a stored hash longer than the column's 64 characters")
    reviewer.post("/conversations/upload", content_type="multipart/form-data",
                  data={"files": [(io.BytesIO(json.dumps(record("bad-hash")).encode()), "h.json")]})
    db.session.execute(db.update(Conversation).where(Conversation.external_id == "bad-hash")
                       .values(audio_sha256=payload))
    db.session.commit()
    assert_no_leak(audio_of(reviewer, "bad-hash"), instance_dir)


def test_a_link_in_the_audio_folder_pointing_outside_it_is_not_followed(reviewer, instance_dir):
    from qa_app.extensions import db
    from qa_app.models import Conversation
    sha = "a" * 64
    audio = instance_dir / "audio"
    audio.mkdir(exist_ok=True)
    (audio / f"{sha}.ogg").symlink_to(instance_dir / "secret_key")
    reviewer.post("/conversations/upload", content_type="multipart/form-data",
                  data={"files": [(io.BytesIO(json.dumps(record("linked")).encode()), "l.json")]})
    db.session.execute(db.update(Conversation).where(Conversation.external_id == "linked").values(audio_sha256=sha))
    db.session.commit()
    assert_no_leak(audio_of(reviewer, "linked"), instance_dir)


def test_a_recording_stored_under_its_hash_is_served(reviewer, instance_dir):
    """The check is not a wall: the product's own stored file is still played back."""
    from qa_app.extensions import db
    from qa_app.models import Conversation
    sha = "b" * 64
    (instance_dir / "audio").mkdir(exist_ok=True)
    (instance_dir / "audio" / f"{sha}.ogg").write_bytes(b"OggS fake recording")
    reviewer.post("/conversations/upload", content_type="multipart/form-data",
                  data={"files": [(io.BytesIO(json.dumps(record("kept")).encode()), "k.json")]})
    db.session.execute(db.update(Conversation).where(Conversation.external_id == "kept").values(audio_sha256=sha))
    db.session.commit()
    resp = audio_of(reviewer, "kept")
    assert resp.status_code == 200 and resp.data == b"OggS fake recording"


@pytest.mark.parametrize("payload", ["..%2Fsecret_key", "..%2F..%2Fetc%2Fpasswd", "%2E%2E/secret_key"])
def test_a_traversal_in_the_audio_url_itself_finds_no_route(reviewer, instance_dir, payload):
    assert_no_leak(reviewer.get(f"/conversations/{payload}/audio"), instance_dir)
    assert_no_leak(reviewer.get(f"/conversations/1/audio/{payload}"), instance_dir)


def test_the_cli_refuses_a_file_naming_a_server_file_too(cli, tmp_path):
    path = tmp_path / "leak.ndjson"
    path.write_text(json.dumps(record("leak-cli", audio_file="../secret_key")) + "\n")
    result = cli("ingest", str(path), "--create-agents", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["errors"] == [{"source": f"{path}:1", "error":
                                                    "audio_file: reserved: QA Desk names the recordings it "
                                                    "stores itself; remove this field"}]


@pytest.mark.parametrize("payload", ["../secret_key", "..%2Fsecret_key", "..%2F..%2Finstance%2Fsecret_key",
                                     "%2Fetc%2Fpasswd", "../../qadesk.db"])
def test_the_static_files_route_serves_nothing_outside_its_folder(reviewer, instance_dir, payload):
    assert_no_leak(reviewer.get(f"/static/{payload}", follow_redirects=True), instance_dir)
