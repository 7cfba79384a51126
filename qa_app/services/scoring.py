"""Automatic scoring: evaluate conversations against the active scorecards and keep the final flags right."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterable, Optional

from sqlalchemy import bindparam
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from qa_app.extensions import db
from qa_app.models import Conversation, Evaluation, ScorecardVersion, Turn
from qa_app.services import conversations, evaluations, scorecards, training
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
    """What a run stored; with batch commits, only what is committed is counted (a stopped run's
    summary says what it kept)."""

    scored: int = 0
    no_scorecard: int = 0

    def as_dict(self) -> dict:
        return {"scored": self.scored, "no_scorecard": self.no_scorecard}


BATCH = 500  # conversations stored (and, for long jobs, committed) together


def score_pending(rescore_all: bool = False, sentiment=None,
                  progress: Optional[Callable[[int], None]] = None,
                  conversation_ids: Optional[Iterable[int]] = None,
                  now: Optional[datetime] = None, commit_batches: bool = False,
                  summary: Optional[ScoreSummary] = None, batch_size: int = BATCH) -> ScoreSummary:
    """Auto-score conversations lacking an automatic evaluation under their active scorecard.

    With `rescore_all`, every conversation gets a new automatic evaluation (old ones are kept).
    Conversations are scored `batch_size` at a time: their evaluations, criteria, sentiment and
    training rules are stored with a few statements per batch. By default everything is committed
    once at the end (callers that store the conversations in the same use case rely on it); with
    `commit_batches` (long jobs) each batch is committed as soon as it is stored, so the write lock
    is held for a moment per batch and a stopped run keeps what it finished (the next run skips
    it). `progress(n)` is called as conversations are looked at (it may raise KeyboardInterrupt to
    stop the run); `summary`, when given, is filled in as batches are stored (committed, with
    `commit_batches`). `now` dates the evaluations and assignments (the demo loader
    replays history with it).
    """
    sentiment = sentiment or default_sentiment()
    versions = scorecards.active_versions()
    cards, row_of = [card for _, card in versions], {card.name: row for row, card in versions}
    summary = summary if summary is not None else ScoreSummary()
    try:
        for chunk in _chunks(conversation_ids, batch_size):
            done = set() if rescore_all else _auto_pairs([conv.id for conv in chunk])
            scored, skipped = _score_chunk(chunk, cards, row_of, done, sentiment, progress)
            _store_chunk(scored, now)
            if commit_batches:
                db.session.commit()
            summary.scored += len(scored)
            summary.no_scorecard += skipped
        db.session.commit()
    except BaseException:
        if commit_batches:  # the unfinished batch; otherwise the transaction is the caller's
            db.session.rollback()
        raise
    return summary


def _score_chunk(chunk, cards, row_of, done, sentiment, progress):
    """(conversation, version, result) for each conversation of the chunk to score (pure work,
    no writes), and how many had no matching scorecard."""
    scored, skipped = [], 0
    for conv in chunk:
        domain = conversations.to_domain(conv)
        card = select_scorecard(domain, cards)
        if card is None:
            skipped += 1
        elif (conv.id, row_of[card.name].id) not in done:
            scored.append((conv, row_of[card.name], evaluate(domain, card, sentiment)))
        if progress:
            progress(1)
    return scored, skipped


def _store_chunk(scored, now: Optional[datetime]) -> None:
    if not scored:
        return
    evaluations.store_automatic(scored, now)
    store_sentiments([(conv, result.turn_sentiment) for conv, _, result in scored])
    training.apply_rules([conv.id for conv, _, _ in scored], now)


def count_conversations(conversation_ids: Optional[Iterable[int]] = None) -> int:
    """How many conversations a run would look at (for a progress bar)."""
    if conversation_ids is not None:
        return len(set(conversation_ids))
    return db.session.scalar(db.select(db.func.count(Conversation.id)))


def store_sentiments(items: list[tuple[Conversation, dict[int, float]]]) -> None:
    """Per-turn polarity on the turns; start, end and lowest customer sentiment on the conversation.

    Written with one executemany per table; the loaded objects get the same values as committed
    state, so nothing in the session is left stale or dirty.
    """
    turn_rows, conv_rows = [], []
    for conv, polarity in items:
        for turn in conv.turns:
            if turn.idx in polarity:
                turn_rows.append({"row_id": turn.id, "value": polarity[turn.idx]})
                set_committed_value(turn, "sentiment", polarity[turn.idx])
        customer = [polarity[t.idx] for t in conv.turns if t.speaker == "customer" and t.idx in polarity]
        if customer:
            meta = {**(conv.meta or {}), "sentiment": {"start": customer[0], "end": customer[-1],
                                                       "min": min(customer)}}
            conv_rows.append({"row_id": conv.id, "value": meta})
            set_committed_value(conv, "meta", meta)
    for table, column, rows in ((Turn.__table__, "sentiment", turn_rows), (Conversation.__table__, "meta", conv_rows)):
        if rows:
            db.session.execute(table.update().where(table.c.id == bindparam("row_id"))
                               .values({column: bindparam("value")}), rows)


def store_sentiment(conv: Conversation, polarity: dict[int, float]) -> None:
    """store_sentiments for one conversation."""
    store_sentiments([(conv, polarity)])


def _auto_pairs(ids: list[int]) -> set[tuple[int, int]]:
    """(conversation, scorecard version) of the automatic evaluations of these conversations."""
    rows = db.session.execute(db.select(Evaluation.conversation_id, Evaluation.scorecard_version_id)
                              .where(Evaluation.kind == "auto", Evaluation.conversation_id.in_(ids)))
    return {(c, v) for c, v in rows}


def _chunks(ids: Optional[Iterable[int]], size: int):
    """Lists of conversations with their turns and agent, in id order, `size` at a time: one query
    per chunk for each relationship, and memory bounded by the chunk whatever the run's size
    (the next chunk starts after the last id seen, so no list of every id is held either)."""
    wanted = sorted(set(ids)) if ids is not None else None
    last, offset = 0, 0
    while True:
        query = db.select(Conversation).order_by(Conversation.id).options(
            selectinload(Conversation.turns), selectinload(Conversation.agent))
        if wanted is None:
            query = query.where(Conversation.id > last).limit(size)
        else:
            batch = wanted[offset:offset + size]
            if not batch:
                return
            query, offset = query.where(Conversation.id.in_(batch)), offset + size
        chunk = list(db.session.scalars(query))
        if wanted is None and not chunk:
            return
        if chunk:
            last = chunk[-1].id
            yield chunk


def store_auto(conv: Conversation, version: ScorecardVersion, result: EvaluationResult,
               now: Optional[datetime] = None) -> None:
    """Store one automatic result (see evaluations.store_automatic): final unless a human
    evaluation exists; replacing a final evaluation is audited as a rescore."""
    evaluations.store_automatic([(conv, version, result)], now)
