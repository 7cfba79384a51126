"""The trust page's agreement and the agent score's trusted re-scoring, counted in SQL, give what
pairing and re-scoring the loaded rows in Python gives (the way they were computed before)."""
from __future__ import annotations

from collections import Counter

from qa_app.extensions import db
from qa_app.models import Conversation, Evaluation
from qa_app.services import scoring, trust
from tests.integration.test_trust_and_agent_scores import (ANGRY, DISAGREE_ON_SENTIMENT, HAPPY, REVIEWED, chat_card,
                                                           people, record, review_all, seed)
from scoring.trust import criterion_agreement, is_trusted
from training.periods import parse_period

__all__ = ["people"]  # the fixture, used by name below
UNREVIEWED = [record("u-fast", 10, HAPPY), record("u-slow", 90, ANGRY), record("u-unanswered", None, HAPPY),
              record("u-late", 45, HAPPY)]


def python_counted(period) -> list[tuple]:
    """counted_evaluations as it was computed from loaded evaluations and their criterion rows."""
    rows = db.session.execute(db.select(Conversation.agent_id, Conversation.started_at, Evaluation)
                              .join(Evaluation, Evaluation.conversation_id == Conversation.id)
                              .where(Evaluation.is_final.is_(True), Conversation.started_at >= period.start,
                                     Conversation.started_at < period.end)).all()
    trusted = {}
    for version_id in {ev.scorecard_version_id for _, _, ev in rows}:
        min_kappa, min_reviews = trust.settings()
        trusted[version_id] = frozenset(
            c for c, found in trust.paired_results(version_id).items()
            if is_trusted(criterion_agreement(found.values()), min_kappa, min_reviews).trusted)
    out = []
    for agent_id, started_at, ev in rows:
        scored = (ev.score, ev.auto_fail) if ev.kind == "human" else trust.trusted_score(ev, trusted[ev.scorecard_version_id])
        if scored is not None:
            out.append((agent_id, started_at, ev.id, scored[0], scored[1]))
    return sorted(out, key=lambda row: row[2])


def test_the_agreement_counted_in_sql_is_the_count_of_the_python_pairs(app, people):
    _, rev = people
    ids = seed(*REVIEWED, *UNREVIEWED)
    review_all(rev, ids, DISAGREE_ON_SENTIMENT)
    scoring.score_pending(rescore_all=True)  # a second automatic evaluation: the latest one is paired
    version = chat_card().version_id
    expected = {criterion: dict(Counter(pairs.values())) for criterion, pairs in trust.paired_results(version).items()}
    assert trust.agreement_counts(version) == expected
    assert sum(expected["customer_sentiment_end"].values()) == 4


def test_the_agent_score_rows_summed_in_sql_are_the_python_rescoring(app, people):
    _, rev = people
    ids = seed(*REVIEWED, *UNREVIEWED)
    review_all(rev, ids, DISAGREE_ON_SENTIMENT)
    period = parse_period("2026-11")
    for min_reviews in (30, 4):  # nothing trusted yet, then first_response trusted
        app.config.update(QADESK_TRUST_MIN_REVIEWS=min_reviews)
        assert trust.counted_evaluations(period) == python_counted(period)
    assert len(trust.counted_evaluations(period)) == 4 + 3  # u-unanswered: first_response N/A, left out


def test_a_trusted_critical_failure_summed_in_sql_scores_zero_as_in_python(app, people):
    _, rev = people
    ids = seed(*REVIEWED, *UNREVIEWED)
    review_all(rev, ids, {})
    app.config.update(QADESK_TRUST_MIN_REVIEWS=4, QADESK_TRUST_MIN_KAPPA=0.0)
    period = parse_period("2026-11")
    from qa_app.models import CriterionScore
    # make the unreviewed chats' first_response a failed critical criterion, as a stricter card would
    waiting = db.session.scalars(db.select(Evaluation.id).where(Evaluation.kind == "auto", Evaluation.is_final.is_(True)))
    db.session.execute(db.update(CriterionScore).where(CriterionScore.evaluation_id.in_(list(waiting)),
                                                       CriterionScore.criterion_id == "first_response")
                       .values(critical=True))
    db.session.commit()
    counted = trust.counted_evaluations(period)
    assert counted == python_counted(period)
    assert (0.0, True) in {(score, failed) for *_, score, failed in counted}
