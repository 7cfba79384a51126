"""Every text format is ingested with PII redacted before storage, language detected and metrics kept."""
from __future__ import annotations

from qa_app.extensions import db
from qa_app.models import Turn
from qa_app.services import conversations, ingest
from tests.conftest import FIXTURES

FORMATS = FIXTURES / "formats"


def _all_text() -> str:
    return " ".join(db.session.scalars(db.select(Turn.text)))


def test_a_chinese_plain_text_call_is_stored_redacted_with_its_language(app):
    summary = ingest.ingest_paths([FORMATS / "refund_call.txt"], ingest.IngestOptions(agent="li.txt", create_agents=True))
    assert summary.as_dict() == {"ingested": 1, "duplicates": 0, "conflicts": 0, "failed": 0, "errors": []}
    row = conversations.by_external_id("refund_call")
    assert row.language == "zh" and row.agent.login == "li.txt"
    assert [t.speaker for t in row.turns] == ["customer", "agent", "customer", "agent", "customer"]
    text = _all_text()
    assert "[PHONE]" in text and "[CARD]" in text
    assert "13812345678" not in text and "4111 1111 1111 1111" not in text
    assert "20261102-58831" in text  # order numbers stay
    assert row.meta["pii"] == {"CARD": 1, "PHONE": 1}


def test_a_csv_export_stores_good_conversations_and_reports_the_bad_row(app):
    summary = ingest.ingest_paths([FORMATS / "chats.csv"], ingest.IngestOptions(create_agents=True))
    assert summary.ingested == 1 and summary.failed == 1
    assert summary.errors[0]["source"].endswith("chats.csv:7")
    assert "speaker" in summary.errors[0]["error"]
    row = conversations.by_external_id("csv-1")
    assert "[EMAIL]" in row.turns[1].text and row.meta["pii"] == {"EMAIL": 1}
    assert row.meta["metrics"]["first_response_time"] == 20


def test_webvtt_subtitles_become_a_call_with_times(app):
    summary = ingest.ingest_paths([FORMATS / "support.vtt"], ingest.IngestOptions(agent="sam.vtt", create_agents=True))
    assert summary.ingested == 1
    row = conversations.by_external_id("support")
    assert row.channel == "call" and row.turns[1].start == 3.5 and row.turns[1].speaker == "agent"
    metrics = row.meta["metrics"]
    assert metrics["kind"] == "call" and metrics["talk_time"]["agent"] == 3.5


def test_a_transcript_without_an_agent_is_refused_by_name(app):
    summary = ingest.ingest_paths([FORMATS / "support.vtt"])
    assert summary.failed == 1 and "agent" in summary.errors[0]["error"]
    assert summary.ingested == 0


def test_redaction_can_be_switched_off(app):
    ingest.ingest_paths([FORMATS / "refund_call.txt"], ingest.IngestOptions(agent="li.txt", redaction=None, create_agents=True))
    assert "13812345678" in _all_text()


def test_an_unsupported_file_is_reported_not_crashed_on(app, tmp_path):
    bad = tmp_path / "notes.docx"
    bad.write_bytes(b"PK\x03\x04")
    summary = ingest.ingest_paths([bad])
    assert summary.failed == 1 and "unsupported file type" in summary.errors[0]["error"]
