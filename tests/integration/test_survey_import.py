"""Importing survey files (services.surveys): idempotent, whole rows or nothing, matched, redacted, csat kept right."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from qa_app.extensions import db
from qa_app.models import AuditEntry, Conversation, Survey
from qa_app.services import ServiceError, ingest, surveys, users
from tests.databases import refuse

HEADER = "survey_id,conversation_id,customer,agent,kind,rating,comment,responded_at\n"
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)


def _record(external_id: str, agent: str, started: datetime, customer: str, language: str = "en",
            csat: int | None = None) -> dict:
    lines = [("customer", "Hello, where is my order?"), ("agent", "Let me check that for you.")]
    record = {"id": external_id, "agent": agent, "language": language, "customer": customer,
              "started_at": started.isoformat(),
              "turns": [{"speaker": s, "text": t, "at": (started + timedelta(seconds=30 * i)).isoformat()}
                        for i, (s, t) in enumerate(lines)]}
    if csat is not None:
        record["csat"] = csat
    return record


@pytest.fixture
def stored(app, fake_sentiment):
    """ann (en) has c-1 (31 Oct, csat 2 from ingest) and two chats with Bo Li a day apart; wu (zh) has z-1."""
    start = datetime(2026, 10, 31, 22, 0, tzinfo=timezone.utc)
    records = [_record("c-1", "ann", start, "Dora", csat=2),
               _record("c-2", "ann", datetime(2026, 11, 10, 9, tzinfo=timezone.utc), "Bo Li"),
               _record("c-3", "ann", datetime(2026, 11, 14, 9, tzinfo=timezone.utc), "Bo Li"),
               _record("z-1", "wu", datetime(2026, 11, 12, 2, tzinfo=timezone.utc), "王先生", language="zh")]
    ingest.ingest_dicts(records, "test", ingest.IngestOptions(create_agents=True))
    return {c.external_id: c.id for c in db.session.scalars(db.select(Conversation))}


def _import(body: str, **kw):
    return surveys.import_text(HEADER + body, "answers.csv", now=NOW, **kw)


def _count(*where) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Survey).where(*where))


def _csat(external_id: str):
    db.session.expire_all()
    return db.session.scalar(db.select(Conversation.csat).where(Conversation.external_id == external_id))


FILE = ("S1,c-1,,,csat,5,Thank you so much,2026-11-02T08:00:00Z\n"
        "S2,c-1,,,nps,9,,2026-11-02T08:00:00Z\n"
        "S3,c-9,,,csat,4,,2026-11-02\n"
        ",,Bo Li,ann,csat,4,,2026-11-11\n")


def test_importing_the_same_file_again_stores_nothing_twice_and_says_already_imported(stored):
    first = _import(FILE)
    assert (len(first.imported), len(first.already), [b.line for b in first.bad]) == (3, 0, [4])
    again = _import(FILE)
    assert (len(again.imported), len(again.already), [b.line for b in again.bad]) == (0, 3, [4])
    assert {a["reason"] for a in again.already} == {"already imported"}
    assert _count() == 3


def test_a_survey_id_imported_before_with_other_values_is_a_bad_row_and_the_stored_answer_stays(stored):
    _import("S1,c-1,,,csat,5,,2026-11-02T08:00:00Z\n")
    report = _import("S1,c-1,,,csat,1,,2026-11-02T08:00:00Z\n")
    assert [b.reason for b in report.bad] == ["survey_id 'S1' was imported before with other values; "
                                              "the stored answer is kept"]
    assert db.session.scalar(db.select(Survey.rating)) == 5 and _csat("c-1") == 5


def test_when_the_database_refuses_one_row_nothing_of_the_file_is_stored(stored):
    refuse("refuse_three", "survey", "INSERT", "NEW.rating = 3", "refused")
    with pytest.raises(surveys.StoreFailed, match="nothing was stored"):
        _import("S1,c-1,,,csat,5,,2026-11-02T08:00:00Z\nS2,z-1,,,csat,3,,2026-11-13\n")
    assert _count() == 0 and _csat("c-1") == 2
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "import_surveys")) == 0


def test_customer_agent_and_date_pick_the_one_conversation_of_the_72_hours_before_the_answer(stored):
    report = _import(",,bo li,ann,csat,3,,2026-11-15T12:00:00Z\n"   # c-3 (a day before); c-2 is 5 days before
                     ",,Bo Li,ann,csat,3,,2026-11-09\n"              # before both
                     ",,Bo Li,ann,csat,3,,2026-11-12T10:00:00Z\n")  # c-2 only (c-3 is after the answer)
    assert [r["conversation"] for r in report.imported] == ["c-3", "c-2"]
    assert [b.line for b in report.bad] == [3] and report.bad[0].reason.startswith("no conversation of agent ann")


def test_two_conversations_in_the_window_make_the_row_bad_naming_both(stored):
    one = _import(",,Bo Li,ann,nps,7,,2026-11-14T10:00:00Z\n")  # c-2 (4 days before) is outside, c-3 inside
    assert [r["conversation"] for r in one.imported] == ["c-3"]
    ingest.ingest_dicts([_record("c-4", "ann", datetime(2026, 11, 14, 11, tzinfo=timezone.utc), "Bo Li")], "test")
    both = _import(",,Bo Li,ann,csat,2,,2026-11-15\n")
    assert both.imported == [] and both.bad[0].reason.startswith("2 conversations of agent ann")
    assert "(c-3, c-4); give the conversation_id" in both.bad[0].reason


def test_a_csat_answer_sets_the_conversation_s_csat_and_the_latest_answer_wins(stored):
    assert _csat("c-1") == 2
    first = _import("S1,c-1,,,csat,4,,2026-11-03T08:00:00Z\n")
    assert first.csat_updated == 1 and _csat("c-1") == 4
    _import("S0,c-1,,,csat,1,,2026-11-01T08:00:00Z\n")  # an older answer imported later does not win
    assert _csat("c-1") == 4
    _import("S2,c-1,,,csat,5,,2026-11-05T08:00:00Z\nN1,c-1,,,nps,0,,2026-11-06T08:00:00Z\n")
    assert _csat("c-1") == 5  # NPS answers leave csat alone


def test_comments_are_redacted_before_storage_and_get_sentiment_like_customer_turns(stored):
    _import('S1,c-1,,,csat,5,"Thank you! Call me on 07911 123456 or ann@example.com",2026-11-02\n'
            "S2,z-1,,,csat,1,太差了，我要投诉,2026-11-13\n"
            "S3,z-1,,,nps,5,,2026-11-13\n")
    rows = {s.source_key: s for s in db.session.scalars(db.select(Survey))}
    assert rows["id:S1"].comment == "Thank you! Call me on [PHONE] or [EMAIL]"
    assert (rows["id:S1"].comment_sentiment, rows["id:S2"].comment_sentiment) == (0.6, -0.6)
    assert rows["id:S3"].comment is None and rows["id:S3"].comment_sentiment is None


def test_ratings_and_comment_sentiment_count_in_the_period_of_the_conversation_s_start(stored):
    ann, wu = users.get_user("ann").id, users.get_user("wu").id
    _import("S1,c-1,,,csat,5,Thank you,2026-11-02T08:00:00Z\n"  # c-1 started on 31 October
            "S2,c-2,,,csat,3,,2026-11-11\nS3,z-1,,,csat,2,太差,2026-11-13\nS4,z-1,,,nps,8,,2026-11-13\n")
    assert surveys.ratings_by_agent("2026-10", "csat") == {ann: [5]}
    assert surveys.ratings_by_agent("2026-11", "csat") == {ann: [3], wu: [2]}
    assert surveys.ratings_by_agent("2026-Q4", "nps") == {wu: [8]}
    assert surveys.comment_sentiment_by_agent("2026-10") == {ann: [0.6]}
    assert surveys.comment_sentiment_by_agent("2026") == {ann: [0.6], wu: [-0.6]}
    with pytest.raises(ServiceError, match="csat or nps"):
        surveys.ratings_by_agent("2026-11", "ces")
    with pytest.raises(ServiceError, match="expected a month"):
        surveys.ratings_by_agent("November", "csat")


def test_an_import_is_audited_with_its_counts_and_who_imported(stored):
    admin = users.get_user("admin")
    _import("S1,c-1,,,csat,5,,2026-11-02\nS2,c-9,,,csat,5,,2026-11-02\n", actor=admin)
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "import_surveys"))
    assert entry.user_id == admin.id
    assert entry.after == {"file": "answers.csv", "imported": 1, "already_imported": 0, "bad": 1, "csat_updated": 1}
    assert db.session.scalar(db.select(Survey.imported_by_id)) == admin.id


def test_a_file_that_is_not_a_survey_file_is_refused_naming_it_and_stores_nothing(stored):
    with pytest.raises(ServiceError, match=r"^notes\.csv: not a survey file: no column kind"):
        surveys.import_text("id,text\n1,hello\n", "notes.csv", now=NOW)
    assert _count() == 0
