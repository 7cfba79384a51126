"""Automatic scoring stores a batch with a few statements, commits long runs batch by batch, and resumes.

The batched path is checked against the per-conversation path it replaced (publish_final and the
training rules one conversation at a time), row for row, on demo-composed conversations.
"""
from __future__ import annotations

import random
from datetime import date, datetime, timezone

import pytest
import time_machine

from qa_app.extensions import db
from qa_app.models import Assignment, AuditEntry, Conversation, CriterionScore, Evaluation, Turn
from qa_app.services import (conversations, evaluations, ingest, review, rule_runs, scorecards, scoring,
                             training, training_rules)
from scoring.engine import evaluate, select_scorecard
from scoring.mood import customer_mood
from tests.fakes import FakeSentiment

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)
LATER = datetime(2026, 11, 21, 10, 0, tzinfo=timezone.utc)


def demo_records(n: int = 60) -> list[dict]:
    """Realistic conversations (English and Chinese, chats and calls, some with forbidden phrases)."""
    from qa_app.demo.conversations import build_conversations
    from qa_app.demo.people import demo_agents
    built = build_conversations(demo_agents(), date(2026, 11, 15), random.Random(8))
    return [record for record, _, _ in built[:n]]


def ingest_demo(n: int = 60) -> None:
    summary = ingest.ingest_dicts(demo_records(n), "demo", ingest.IngestOptions(create_agents=True))
    assert summary.failed == 0, summary.errors


def score_one_by_one(sentiment, rescore_all: bool = False, now: datetime = NOW) -> None:
    """The per-conversation path scoring used before batching: publish_final for each
    conversation, sentiment through the ORM, the training rules one conversation at a time."""
    versions = scorecards.active_versions()
    cards, row_of = [card for _, card in versions], {card.name: row for row, card in versions}
    done = {(e.conversation_id, e.scorecard_version_id) for e in db.session.scalars(
        db.select(Evaluation).where(Evaluation.kind == "auto"))}
    for conv in db.session.scalars(db.select(Conversation).order_by(Conversation.id)).all():
        domain = conversations.to_domain(conv)
        card = select_scorecard(domain, cards)
        version = row_of[card.name]
        if not rescore_all and (conv.id, version.id) in done:
            continue
        result = evaluate(domain, card, sentiment)
        if db.session.scalar(db.select(Evaluation.id).where(Evaluation.conversation_id == conv.id,
                                                            Evaluation.kind == "human")):
            evaluations.new_evaluation(conv, version, result, kind="auto", now=now)
        else:
            evaluations.publish_final(conv, version, result, kind="auto", action="rescore", now=now,
                                      audit_first=False)
        polarity = result.turn_sentiment
        for turn in conv.turns:
            if turn.idx in polarity:
                turn.sentiment = polarity[turn.idx]
        mood = customer_mood(conversations.to_domain(conv), polarity)
        if mood is not None:
            conv.meta = {**(conv.meta or {}), "sentiment": mood.as_meta()}
        rule_runs.apply_rules([conv.id], now)
    db.session.commit()


def snapshot() -> dict:
    """Every row scoring writes, read through a fresh session (audit entries without their ids,
    whose order between the rescore and assignment entries of one batch is free)."""
    db.session.expire_all()
    def rows(model, exclude=()):
        cols = [c.name for c in model.__table__.columns if c.name not in exclude]
        return [tuple(getattr(r, c) for c in cols)
                for r in db.session.scalars(db.select(model).order_by(model.id))]
    audits = sorted(rows(AuditEntry, exclude=("id",)), key=repr)
    return {"evaluations": rows(Evaluation), "criteria": rows(CriterionScore), "assignments": rows(Assignment),
            "audit": audits, "turns": rows(Turn), "conversations": rows(Conversation)}


def human_review_of_first() -> None:
    """A reviewer's evaluation on the first conversation (so rescoring must not make the automatic one final)."""
    from qa_app.services import users
    reviewer, _ = users.add_user("rev.one", "reviewer", password="secret-pass-1")
    first = db.session.scalar(db.select(Conversation.id).order_by(Conversation.id))
    base = conversations.final_evaluation(first)
    review.submit_review(reviewer, first, {c.criterion_id: {"result": c.result, "comment": ""}
                                           for c in base.criteria}, based_on_id=base.id)


def windowed_rules() -> str:
    """The shipped rules plus tighter windowed ones (habits over the last few evaluations)."""
    from training import rule_files
    from training.rules import TrainingRule
    extra = []
    for lang in ("en", "zh"):
        extra += [TrainingRule(f"greeting-often-{lang}", "Greeting missed in 2 of the last 3", "criterion_failed",
                               f"etiquette-{lang}", 14, criterion_id="greeting", count=2, window=3, language=lang),
                  TrainingRule(f"csat-{lang}", "CSAT below 4 in 2 of the last 4", "csat_below",
                               f"empathy-{lang}", 14, threshold=4.0, count=2, window=4, language=lang),
                  TrainingRule(f"resolution-{lang}", "No resolution in 2 of the last 2", "criterion_failed",
                               f"complaints-{lang}", 7, criterion_id="resolution", count=2, window=2,
                               language=lang)]
    return rule_files.rules_yaml(rule_files.default_rules() + tuple(extra))


def scenario(score, rules_text: str | None = None) -> dict:
    """Score new conversations, review one, add more, rescore everything: the rows at the end."""
    with time_machine.travel(NOW, tick=False):
        if rules_text is not None:
            training_rules.save(rules_text, actor=None, source="windowed.yaml")
        ingest_demo(40)
        score(rescore_all=False, now=NOW)
        human_review_of_first()
    with time_machine.travel(LATER, tick=False):
        ingest.ingest_dicts(demo_records(60)[40:], "demo-2", ingest.IngestOptions(create_agents=True))
        score(rescore_all=False, now=LATER)
        score(rescore_all=True, now=LATER)
    return snapshot()


@pytest.mark.parametrize("rules", ["shipped", "windowed"])
def test_batched_scoring_writes_the_same_rows_as_scoring_one_conversation_at_a_time(app, new_instance,
                                                                                     tmp_path, rules):
    sentiment = FakeSentiment()
    text = windowed_rules() if rules == "windowed" else None
    batched = scenario(lambda rescore_all, now: scoring.score_pending(
        rescore_all=rescore_all, sentiment=sentiment, now=now, batch_size=7, commit_batches=True), text)
    from qa_app import create_app
    other = tmp_path / "reference-instance"
    new_instance(other)
    reference_app = create_app({"TESTING": True}, instance_path=str(other))
    with reference_app.app_context():
        reference = scenario(lambda rescore_all, now: score_one_by_one(sentiment, rescore_all, now), text)
        db.session.remove()
        db.engine.dispose()
    if rules == "windowed":  # the windowed rules did assign, so the comparison covers them
        windowed = [a for a in batched["assignments"] if any(
            str(v).startswith(("greeting-often-", "csat-", "resolution-")) for v in a)]
        assert windowed, "no windowed rule fired: the comparison would not cover them"
    assert len(batched["evaluations"]) == 40 + 1 + 20 + 60  # first scores, a review, new ones, rescores
    assert any(a[2] == "rescore" for a in batched["audit"]) and batched["assignments"]
    for table in batched:
        assert batched[table] == reference[table], table


def test_a_stopped_run_keeps_its_finished_batches_and_the_next_run_scores_only_the_rest(app, fake_sentiment):
    ingest_demo(30)
    seen = []

    def stop_after_twelve(n: int) -> None:
        seen.append(n)
        if len(seen) == 12:
            raise KeyboardInterrupt

    summary = scoring.ScoreSummary()
    with pytest.raises(KeyboardInterrupt):
        scoring.score_pending(progress=stop_after_twelve, commit_batches=True, batch_size=5, summary=summary)
    assert summary.scored == 10
    db.session.remove()  # what another process would see
    assert db.session.scalar(db.select(db.func.count(Evaluation.id))) == 10
    assert db.session.scalar(db.select(db.func.count(Evaluation.id)).where(Evaluation.is_final.is_(True))) == 10

    assert scoring.score_pending(commit_batches=True, batch_size=5).scored == 20
    db.session.remove()
    per_conversation = db.session.execute(db.select(Evaluation.conversation_id, db.func.count()).group_by(
        Evaluation.conversation_id)).all()
    assert len(per_conversation) == 30 and {n for _, n in per_conversation} == {1}
    assert scoring.score_pending(commit_batches=True).scored == 0


def test_without_batch_commits_a_stopped_run_keeps_nothing(app, fake_sentiment):
    ingest_demo(12)

    seen = []

    def stop_late(n: int) -> None:
        seen.append(n)
        if len(seen) == 11:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        scoring.score_pending(progress=stop_late, batch_size=5)
    db.session.remove()
    assert db.session.scalar(db.select(db.func.count(Evaluation.id))) == 0


def test_a_batch_takes_the_same_statements_for_5_or_50_conversations_plus_at_most_one_per_new_assignment(
        app, fake_sentiment):
    from sqlalchemy import event
    ingest_demo(60)
    statements: list[list[str]] = []

    def record(_conn, _cursor, statement, *_args):
        statements[-1].append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        for ids in ([1, 2, 3, 4, 5], list(range(6, 56))):
            statements.append([])
            scoring.score_pending(conversation_ids=ids, sentiment=fake_sentiment, batch_size=100)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assignments = [db.session.scalar(db.select(db.func.count(Assignment.id)).where(
        Assignment.conversation_id.in_(ids))) for ids in ([1, 2, 3, 4, 5], list(range(6, 56)))]
    others = [[s for s in batch if not s.startswith("INSERT INTO assignment")] for batch in statements]
    # one INSERT per new assignment on SQLite; PostgreSQL's driver sends them as one (insertmanyvalues)
    inserts = [len(batch) - len(other) for batch, other in zip(statements, others)]
    assert all(1 <= n <= made for n, made in zip(inserts, assignments)), (inserts, assignments)
    assert assignments[1] > 0 and len(others[1]) <= len(others[0]) + 2, (len(others[0]), len(others[1]))
