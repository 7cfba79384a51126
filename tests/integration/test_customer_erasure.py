"""Erasing one customer's data (services.erasure): text, recordings, survey comments and exemplars
go, scores stay, one audit entry without the customer's id; the transcript retention job does the
same for old conversations, once."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from qa_app.extensions import db
from qa_app.models import AuditEntry, Conversation, CourseModule, Evaluation, Exemplar, Survey, Turn
from qa_app.services import NotFound, erasure, ingest, scoring, surveys, transcription

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)
SHA = "ab" * 32


def _record(external_id: str, customer: str, started: datetime) -> dict:
    return {"id": external_id, "agent": "ann", "language": "en", "customer": customer,
            "started_at": started.isoformat(), "turns": [
                {"speaker": "customer", "text": f"Hello, I am {customer}, where is my order?", "at": started.isoformat()},
                {"speaker": "agent", "text": "Let me check that for you.",
                 "at": (started + timedelta(seconds=20)).isoformat()}]}


@pytest.fixture
def stored(app, fake_sentiment):
    """Dora has d-1 (a call with a stored recording, a survey comment, pinned as an exemplar) and
    d-2; Bo Li has b-1. All scored."""
    summary = ingest.ingest_dicts([_record("d-1", "Dora", NOW - timedelta(days=40)),
                         _record("d-2", "Dora", NOW - timedelta(days=2)),
                         _record("b-1", "Bo Li", NOW - timedelta(days=40))],
                        "test", ingest.IngestOptions(create_agents=True))
    assert summary.ok, summary.errors
    ids = {c.external_id: c.id for c in db.session.scalars(db.select(Conversation))}
    scoring.score_pending()
    recording = transcription.audio_dir() / f"{SHA}.ogg"
    recording.write_bytes(b"a recording of Dora")
    db.session.get(Conversation, ids["d-1"]).audio_sha256 = SHA
    module = db.session.scalars(db.select(CourseModule)).first()
    db.session.add(Exemplar(module_id=module.id, conversation_id=ids["d-1"], kind="good", note="calm", pinned_at=NOW))
    db.session.commit()
    surveys.import_text("survey_id,conversation_id,customer,agent,kind,rating,comment,responded_at\n"
                        "S1,d-1,,,csat,5,Dora says thanks,2026-11-02\nS2,b-1,,,csat,4,Bo says ok,2026-11-02\n",
                        "answers.csv", now=NOW)
    return {**ids, "recording": recording}


def _texts(conv_id: int) -> list[str]:
    return list(db.session.scalars(db.select(Turn.text).where(Turn.conversation_id == conv_id).order_by(Turn.idx)))


def test_a_dry_run_reports_what_would_be_erased_and_changes_nothing(stored):
    report = erasure.erase_customer("Dora", dry_run=True)
    assert report.as_dict() == {"conversations": ["d-1", "d-2"], "turns": 4, "audio_files": 1,
                                "survey_comments": 1, "exemplars": 1, "dry_run": True}
    db.session.expire_all()
    assert "Hello, I am Dora, where is my order?" in _texts(stored["d-1"]) and stored["recording"].exists()


def test_erasing_a_customer_removes_text_recording_comments_and_exemplars_but_keeps_scores(stored):
    finals = db.session.scalar(db.select(db.func.count(Evaluation.id)))
    report = erasure.erase_customer("Dora")
    assert (report.conversations, report.turns, report.audio_files, report.exemplars) == (["d-1", "d-2"], 4, 1, 1)
    db.session.expire_all()
    for key in ("d-1", "d-2"):
        conv = db.session.get(Conversation, stored[key])
        assert conv.customer is None and conv.source is None and conv.audio_sha256 is None
        assert _texts(conv.id) == [erasure.ERASED_TEXT] * 2
    assert not stored["recording"].exists()
    assert db.session.scalar(db.select(db.func.count(Exemplar.id))) == 0
    comments = dict(db.session.execute(db.select(Survey.conversation_id, Survey.comment)).all())
    assert comments == {stored["d-1"]: None, stored["b-1"]: "Bo says ok"}  # ratings kept, other customers untouched
    assert db.session.scalar(db.select(db.func.count(Evaluation.id))) == finals
    assert "Bo Li" in _texts(stored["b-1"])[0]


def test_an_erasure_has_its_own_audit_entry_that_does_not_hold_the_customers_id(stored):
    erasure.erase_customer("Dora")
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "erase_customer")).one()
    assert entry.after["conversation_ids"] == sorted([stored["d-1"], stored["d-2"]])
    assert entry.after["turns"] == 4 and "Dora" not in str(entry.after)
    assert entry.after["customer_sha256"] == erasure._customer_hash("Dora")


def test_erasing_an_unknown_or_already_erased_customer_says_nothing_is_stored(stored):
    erasure.erase_customer("Dora")
    with pytest.raises(NotFound, match="no conversation of customer 'Dora'"):
        erasure.erase_customer("Dora")


def test_transcript_retention_is_off_by_default(stored):
    assert erasure.purge_transcripts(NOW) == {"erased": 0}
    assert "Dora" in _texts(stored["d-1"])[0]


def test_the_retention_job_erases_conversations_older_than_the_setting_once(stored, instance_dir):
    from qa_app import create_app
    app = create_app({"TESTING": True, "QADESK_TRANSCRIPT_RETENTION_DAYS": "30"}, instance_path=str(instance_dir))
    with app.app_context():
        assert erasure.purge_transcripts(NOW) == {"erased": 2}  # d-1 and b-1 started 40 days ago
        assert erasure.purge_transcripts(NOW) == {"erased": 0}
        db.session.expire_all()
        assert _texts(stored["d-1"]) == _texts(stored["b-1"]) == [erasure.ERASED_TEXT] * 2
        assert "Dora" in _texts(stored["d-2"])[0]
        entries = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "purge_transcripts")).all()
        assert [e.after["conversations"] for e in entries] == [2]
        db.session.remove()
