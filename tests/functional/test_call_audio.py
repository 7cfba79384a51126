"""Call recordings through `qadesk ingest`: real Whisper (base detects the language, tiny.en
transcribes English) on the committed stereo fixture,
speakers by channel, duplicates by content, bad audio failing its job with a reason, and playback
only for those who may see the conversation."""
from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES, PASSWORD

AUDIO = FIXTURES / "audio"
pytestmark = pytest.mark.slow


def _ingest(cli, *args):
    result = cli("ingest", *args, "--create-agents", "--json")
    return result, json.loads(result.stdout)


def test_a_stereo_call_is_transcribed_with_each_line_on_its_speaker(cli):
    result, summary = _ingest(cli, str(AUDIO / "call_stereo.ogg"), "--agent", "ann.call")
    assert result.exit_code == 0, result.output
    assert summary["ingested"] == 1 and summary["transcription_jobs"] == 1
    shown = json.loads(cli("show", "call_stereo", "--json").stdout)
    assert shown["channel"] == "call" and shown["agent"] == "ann.call"
    turns = [(t["speaker"], t["text"].lower()) for t in shown["turns"]]
    assert turns[0][0] == "agent" and "help" in turns[0][1]
    assert any(s == "customer" and "refund" in text for s, text in turns)
    assert any(s == "customer" and "jacket" in text for s, text in turns)
    assert all(t["start"] is not None and t["end"] >= t["start"] for t in shown["turns"])
    assert shown["metadata"]["metrics"]["kind"] == "call"
    assert shown["evaluations"], "a transcribed call is scored at once"


def test_the_language_of_a_call_is_detected_from_its_sound_and_stored_on_the_conversation(cli):
    # WHISPER_LANGUAGE is auto: the multilingual base model detects the language, the English
    # model then transcribes the English call
    _ingest(cli, str(AUDIO / "call_stereo.ogg"), "--agent", "ann.call")
    shown = json.loads(cli("show", "call_stereo", "--json").stdout)
    assert shown["language"] == "en"
    agent, customer = shown["metadata"]["audio"]["channels"]
    assert agent["language"] == "en" and agent["language_probability"] >= 0.5 and agent["model"] == "tiny.en"
    assert customer["language"] == "en" and customer["language_probability"] is None


def test_the_same_recording_again_is_a_duplicate(cli):
    _ingest(cli, str(AUDIO / "call_stereo.ogg"), "--agent", "ann.call")
    result, summary = _ingest(cli, str(AUDIO / "call_stereo.ogg"), "--agent", "ann.call")
    assert result.exit_code == 0 and summary["duplicates"] == 1 and summary["ingested"] == 0


def test_a_mono_recording_has_unknown_speakers_and_is_flagged(cli):
    _ingest(cli, str(AUDIO / "call_mono.ogg"), "--agent", "ann.call")
    shown = json.loads(cli("show", "call_mono", "--json").stdout)
    assert {t["speaker"] for t in shown["turns"]} == {"unknown"}
    assert shown["metadata"]["audio"]["mono"] is True


def test_a_truncated_recording_fails_its_job_with_a_reason_and_stores_nothing(cli, tmp_path):
    broken = tmp_path / "broken.ogg"
    broken.write_bytes((AUDIO / "call_stereo.ogg").read_bytes()[:3000])
    result, summary = _ingest(cli, str(broken), "--agent", "ann.call")
    assert result.exit_code == 1 and summary["failed"] == 1
    assert summary["errors"][0]["source"] == str(broken) and summary["errors"][0]["error"]
    assert cli("show", "broken", "--json").exit_code == 1
    retry = cli("transcribe", "--retry-failed", "--json")
    assert retry.exit_code == 1 and json.loads(retry.stdout)["jobs"] == 1


def test_a_recording_without_an_agent_fails_with_that_reason(cli):
    result, summary = _ingest(cli, str(AUDIO / "call_mono.ogg"))
    assert result.exit_code == 1 and "agent" in summary["errors"][0]["error"]


def test_playback_is_served_to_a_reviewer_and_hidden_from_other_agents(cli, client, auth, make_user):
    _ingest(cli, str(AUDIO / "call_stereo.ogg"), "--agent", "ann.call")
    from qa_app.services import conversations
    conv = conversations.by_external_id("call_stereo")
    make_user("rev.audio", "reviewer")
    make_user("other.agent", "agent")
    auth.login("rev.audio", PASSWORD)
    page = client.get(f"/conversations/{conv.id}")
    assert b"call-audio" in page.data
    audio = client.get(f"/conversations/{conv.id}/audio")
    assert audio.status_code == 200 and audio.data[:4] == b"OggS"
    auth.logout()
    auth.login("other.agent", PASSWORD)
    assert client.get(f"/conversations/{conv.id}/audio").status_code == 404
    auth.logout()
    assert client.get(f"/conversations/{conv.id}/audio").status_code == 302  # to the login page


def test_with_zero_retention_the_recording_is_deleted_once_transcribed(cli, instance_dir, monkeypatch):
    monkeypatch.setenv("QADESK_AUDIO_RETENTION_DAYS", "0")
    result, summary = _ingest(cli, str(AUDIO / "call_mono.ogg"), "--agent", "ann.call")
    assert summary["ingested"] == 1
    assert list((instance_dir / "audio").iterdir()) == []


def test_the_daily_purge_removes_recordings_past_retention(app):
    import os
    from qa_app import clock
    from qa_app.services import transcription
    folder = transcription.audio_dir()
    old, new = folder / "old.ogg", folder / "new.ogg"
    old.write_bytes(b"x")
    new.write_bytes(b"y")
    now = clock.now().timestamp()  # file times on the product's clock, as stored recordings get them
    os.utime(old, (now - 40 * 86400, now - 40 * 86400))
    os.utime(new, (now, now))
    assert transcription.purge_audio() == 1  # default retention is 30 days
    assert not old.exists() and new.exists()


def test_a_stored_recording_is_dated_by_the_products_clock_so_retention_uses_it(app, frozen_clock):
    import os
    from datetime import datetime, timezone
    from qa_app.services import ingest, transcription
    frozen_clock.move_to(datetime(2026, 10, 1, 12, 0, tzinfo=timezone.utc))
    summary = ingest.IngestSummary()
    options = ingest.IngestOptions(agent="emma.jones", create_agents=True)
    transcription.queue_bytes(b"not really audio", "call.ogg", options, summary)
    stored = next(transcription.audio_dir().iterdir())
    assert int(os.stat(stored).st_mtime) == int(datetime(2026, 10, 1, 12, 0, tzinfo=timezone.utc).timestamp())
    frozen_clock.move_to(datetime(2026, 10, 20, tzinfo=timezone.utc))
    assert transcription.purge_audio() == 0
    frozen_clock.move_to(datetime(2026, 11, 1, tzinfo=timezone.utc))
    assert transcription.purge_audio() == 1 and not stored.exists()


def test_card_and_email_read_out_in_a_call_are_redacted_before_storage(cli):
    _ingest(cli, str(AUDIO / "pii_call.ogg"), "--agent", "ann.call")
    shown = json.loads(cli("show", "pii_call", "--json").stdout)
    text = " ".join(t["text"] for t in shown["turns"])
    assert "[CARD]" in text
    assert "4539" not in text and "0343" not in text
    assert shown["metadata"]["pii"]["CARD"] == 1


def test_the_upload_page_lists_transcription_jobs_in_its_body_not_its_title(cli, client, auth, make_user):
    import re
    _ingest(cli, str(AUDIO / "call_mono.ogg"), "--agent", "ann.call")
    make_user("rev.jobs", "reviewer")
    auth.login("rev.jobs", PASSWORD)
    page = client.get("/conversations/upload").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "call_mono.ogg" not in title and "call_mono.ogg" in page
    assert "done" in page


def test_a_recording_uploaded_in_the_browser_is_transcribed_in_the_background(app, client, auth, make_user):
    import time
    from qa_app.services import conversations, jobs
    make_user("rev.upload", "reviewer")
    auth.login("rev.upload", PASSWORD)
    with open(AUDIO / "call_stereo.ogg", "rb") as fh:
        page = client.post("/conversations/upload", data={"files": [(fh, "call_stereo.ogg")], "agent": "ann.web",
                                                         "create_agents": "y"},
                           content_type="multipart/form-data")
    assert page.status_code == 200 and b"call_stereo.ogg" in page.data
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        from qa_app.extensions import db
        db.session.expire_all()
        states = [j.status for j in jobs.recent() if j.kind == "transcribe"]
        if states and states[0] in ("done", "failed"):
            break
        time.sleep(0.5)
    assert states == ["done"]
    conv = conversations.by_external_id("call_stereo")
    assert conv.agent.login == "ann.web" and {t.speaker for t in conv.turns} == {"agent", "customer"}
    listing = client.get("/conversations/upload").get_data(as_text=True)
    assert "open the conversation" in listing
