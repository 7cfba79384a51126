"""Automatic scoring: evaluate conversations against the active scorecards and keep the final flags right."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterable, Optional

from qa_app.extensions import db
from qa_app.models import Conversation, CriterionScore, Evaluation, ScorecardVersion
from qa_app.services import audit, conversations, scorecards, training
from scoring.engine import evaluate, select_scorecard
from scoring.result import EvaluationResult

_default_sentiment = None
_stamp = None


def default_sentiment():
    """One analyser per process (its engines load once), rebuilt when the instance's stored
    calibration changes, so `qadesk sentiment fit` takes effect without a restart."""
    global _default_sentiment, _stamp
    from qa_app.services import sentiment
    stamp = sentiment.calibration_stamp()
    if _default_sentiment is None or stamp != _stamp:
        _default_sentiment, _stamp = sentiment.product_sentiment(), stamp
    return _default_sentiment


@dataclass
class ScoreSummary:
    scored: int = 0
    no_scorecard: int = 0

    def as_dict(self) -> dict:
        return {"scored": self.scored, "no_scorecard": self.no_scorecard}


def score_pending(rescore_all: bool = False, sentiment=None,
                  progress: Optional[Callable[[int], None]] = None,
                  conversation_ids: Optional[Iterable[int]] = None,
                  now: Optional[datetime] = None) -> ScoreSummary:
    """Auto-score conversations lacking an automatic evaluation under their active scorecard.

    With `rescore_all`, every conversation gets a new automatic evaluation (old ones are kept).
    Training rules run on the scored conversations before the single commit. `now` dates the
    evaluations and assignments (the demo loader replays history with it).
    """
    sentiment = sentiment or default_sentiment()
    versions = scorecards.active_versions()
    cards = [card for _, card in versions]
    row_of = {card.name: row for row, card in versions}
    done = set() if rescore_all else _auto_pairs()
    summary, scored_ids = ScoreSummary(), []
    for conv in _conversations(conversation_ids):
        domain = conversations.to_domain(conv)
        card = select_scorecard(domain, cards)
        if card is None:
            summary.no_scorecard += 1
            continue
        version = row_of[card.name]
        if (conv.id, version.id) in done:
            continue
        result = evaluate(domain, card, sentiment)
        store_auto(conv, version, result, now)
        store_sentiment(conv, result.turn_sentiment)
        scored_ids.append(conv.id)
        summary.scored += 1
        if progress:
            progress(1)
    training.apply_rules(scored_ids, now)
    db.session.commit()
    return summary


def store_sentiment(conv: Conversation, polarity: dict[int, float]) -> None:
    """Per-turn polarity on the turns; start, end and lowest customer sentiment on the conversation."""
    for turn in conv.turns:
        if turn.idx in polarity:
            turn.sentiment = polarity[turn.idx]
    customer = [polarity[t.idx] for t in conv.turns if t.speaker == "customer" and t.idx in polarity]
    if customer:
        conv.meta = {**(conv.meta or {}), "sentiment": {"start": customer[0], "end": customer[-1],
                                                         "min": min(customer)}}


def _auto_pairs() -> set[tuple[int, int]]:
    rows = db.session.execute(db.select(Evaluation.conversation_id, Evaluation.scorecard_version_id)
                              .where(Evaluation.kind == "auto"))
    return {(c, v) for c, v in rows}


CHUNK = 500


def _conversations(ids: Optional[Iterable[int]]):
    """Conversations with their turns and agent, loaded a chunk at a time: one query per chunk
    for each relationship instead of one per conversation, and bounded memory for large runs."""
    from sqlalchemy.orm import selectinload
    query = db.select(Conversation.id).order_by(Conversation.id)
    if ids is not None:
        query = query.where(Conversation.id.in_(list(ids)))
    all_ids = list(db.session.scalars(query))
    for start in range(0, len(all_ids), CHUNK):
        chunk = all_ids[start:start + CHUNK]
        yield from db.session.scalars(
            db.select(Conversation).where(Conversation.id.in_(chunk)).order_by(Conversation.id)
            .options(selectinload(Conversation.turns), selectinload(Conversation.agent)))


def store_auto(conv: Conversation, version: ScorecardVersion, result: EvaluationResult,
               now: Optional[datetime] = None) -> Evaluation:
    """Add the automatic evaluation; it becomes final unless a human evaluation exists."""
    ev = new_evaluation(conv, version, result, kind="auto", now=now)
    has_human = db.session.scalar(db.select(Evaluation.id).where(
        Evaluation.conversation_id == conv.id, Evaluation.kind == "human"))
    if not has_human:
        previous = conversations.final_evaluation(conv.id)
        make_final(ev)
        if previous is not None:  # a rescore changed the final score: audit it like any change
            audit.record(None, "rescore", "conversation", conv.id,
                         before={"evaluation": previous.id, "score": previous.score, "auto_fail": previous.auto_fail},
                         after={"evaluation": ev.id, "score": ev.score, "auto_fail": ev.auto_fail})
    return ev


def new_evaluation(conv: Conversation, version: ScorecardVersion, result: EvaluationResult,
                   kind: str, reviewer=None, based_on: Optional[Evaluation] = None,
                   now: Optional[datetime] = None) -> Evaluation:
    """Rows for one EvaluationResult (added to the session, not committed)."""
    ev = Evaluation(conversation=conv, scorecard_version=version, kind=kind, score=result.score,
                    auto_fail=result.auto_fail, fail_reasons=list(result.fail_reasons),
                    section_scores=dict(result.section_scores), reviewer=reviewer,
                    based_on_id=based_on.id if based_on else None,
                    created_at=now or datetime.now(timezone.utc))
    ev.criteria = [CriterionScore(
        position=i, criterion_id=c.criterion_id, section_id=c.section_id, result=c.result,
        score=c.score, weight=c.weight, critical=c.critical,
        evidence=[{"turn": e.turn, "text": e.text} for e in c.evidence],
        explanation=c.explanation, comment=c.comment) for i, c in enumerate(result.criteria)]
    db.session.add(ev)
    db.session.flush()
    return ev


def make_final(ev: Evaluation) -> None:
    """Mark `ev` as its conversation's final evaluation and unmark the previous one."""
    db.session.execute(db.update(Evaluation).where(
        Evaluation.conversation_id == ev.conversation_id, Evaluation.id != ev.id,
        Evaluation.is_final.is_(True)).values(is_final=False))
    ev.is_final = True
