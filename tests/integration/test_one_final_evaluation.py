"""At most one final evaluation per conversation, enforced by the database; a save the database
refuses or cannot do in time is a conflict that stores nothing, never a bare error."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from qa_app.extensions import db, migration_config
from qa_app.models import AuditEntry, Evaluation
from qa_app.services import conversations, ingest, review, scoring
from tests.conftest import FIXTURES
from tests.databases import refuse, short_lock_wait, writer_holding


@pytest.fixture
def scored(app, fake_sentiment, make_user):
    make_user("sam.new", "agent")
    ingest.ingest_paths([FIXTURES / "new_agent.ndjson"])
    scoring.score_pending()
    return {"rev": make_user("rev", "reviewer"), "conv": conversations.by_external_id("t-good-1").id}


def _counts(conversation_id: int) -> tuple[int, int, int]:
    """(evaluations, final evaluations, audit entries) in a fresh read."""
    db.session.expire_all()
    rows = db.session.scalars(db.select(Evaluation).where(Evaluation.conversation_id == conversation_id)).all()
    return len(rows), sum(e.is_final for e in rows), db.session.scalar(
        db.select(db.func.count()).select_from(AuditEntry))


def test_the_database_refuses_a_second_final_evaluation_of_a_conversation(scored):
    final = conversations.final_evaluation(scored["conv"])
    columns = "conversation_id, scorecard_version_id, kind, score, auto_fail, fail_reasons, section_scores, " \
              "is_final, created_at, source"
    with pytest.raises(IntegrityError, match="evaluation.conversation_id|uq_evaluation_one_final"):
        db.session.execute(db.text(
            f"INSERT INTO evaluation ({columns}) SELECT {columns.replace('is_final', 'true')} "
            f"FROM evaluation WHERE id = :id"), {"id": final.id})
    db.session.rollback()
    assert _counts(scored["conv"])[:2] == (1, 1)


def test_a_review_the_database_refuses_as_a_second_final_is_a_conflict_and_stores_nothing(scored):
    """What a racing save that got its final evaluation in first looks like from ours (as on
    PostgreSQL, where the unique index is what stops the second): the trigger refuses our final."""
    before = _counts(scored["conv"])
    refuse("refuse_final", "evaluation", "UPDATE OF is_final", "NEW.is_final",
           "UNIQUE constraint failed: evaluation.conversation_id", unique=True)
    based_on = conversations.final_evaluation(scored["conv"]).id
    with pytest.raises(review.Conflict, match="saved a review of this conversation"):
        review.submit_review(scored["rev"], scored["conv"], {}, based_on_id=based_on)
    assert _counts(scored["conv"]) == before


def test_a_review_that_waits_past_the_busy_timeout_is_refused_as_busy_and_stores_nothing(scored):
    before = _counts(scored["conv"])
    based_on = conversations.final_evaluation(scored["conv"]).id
    short_lock_wait()  # this session's connection gives up fast
    with writer_holding("evaluation"):  # another writer (a long scoring run) holds the write lock
        with pytest.raises(review.Busy, match="the database was busy and nothing was saved"):
            review.submit_review(scored["rev"], scored["conv"], {"greeting": {"comment": "ok"}},
                                 based_on_id=based_on)
    assert _counts(scored["conv"]) == before
    saved = review.submit_review(scored["rev"], scored["conv"], {}, based_on_id=based_on)
    assert conversations.final_evaluation(scored["conv"]).id == saved.id


def test_upgrading_an_instance_with_two_finals_keeps_the_newest_final(tmp_path, fake_sentiment):
    from flask_migrate import downgrade, upgrade
    from qa_app import create_app
    from qa_app.services import instance
    app = create_app({"TESTING": True}, instance_path=str(tmp_path / "old"))
    directory = migration_config(app).directory
    with app.app_context():
        instance.init_instance(admin_password="secret-pass-1")
        ingest.ingest_paths([FIXTURES / "new_agent.ndjson"], ingest.IngestOptions(create_agents=True))
        scoring.score_pending()
        conv = conversations.by_external_id("t-good-1").id
        first = conversations.final_evaluation(conv).id
        db.session.commit()
        # Back to before the unique index (the services above need today's schema, so they ran first).
        downgrade(directory=directory, revision="a7c3e9d41b20")
        db.session.execute(db.text(
            "INSERT INTO evaluation (conversation_id, scorecard_version_id, kind, score, auto_fail, fail_reasons, "
            "section_scores, is_final, created_at, source) SELECT conversation_id, scorecard_version_id, 'human', "
            "score, auto_fail, fail_reasons, section_scores, 1, created_at, 'review' FROM evaluation WHERE id = :id"),
            {"id": first})
        db.session.commit()
        upgrade(directory=directory)
        finals = db.session.scalars(db.select(Evaluation.id).where(
            Evaluation.conversation_id == conv, Evaluation.is_final.is_(True))).all()
        assert len(finals) == 1 and finals[0] > first
        db.session.remove()
        db.engine.dispose()
