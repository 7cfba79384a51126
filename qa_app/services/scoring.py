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
from qa_app.services import evaluations, rule_runs, scorecards, scoring_pool
from qa_app.services import sentiment as sentiment_service
from qa_app.services.scoring_pool import ScoringFailed, score_chunk  # noqa: F401 (ScoringFailed: for callers)
from qa_app.services.scoring_worker import Scored
from qa_app.settings import settings as instance_settings
from scoring.result import EvaluationResult
from scoring.sentiment import DefaultSentiment

_default_sentiment = None
_stamp = None


def default_sentiment():
    """One analyser per process (its engines load once), rebuilt when the instance's stored
    calibration changes, so `qadesk sentiment fit` takes effect without a restart."""
    global _default_sentiment, _stamp
    stamp = sentiment_service.calibration_stamp()
    if _default_sentiment is None or stamp != _stamp:
        _default_sentiment, _stamp = sentiment_service.product_sentiment(), stamp
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
                  summary: Optional[ScoreSummary] = None, batch_size: int = BATCH,
                  workers: Optional[int] = None, total: Optional[int] = None) -> ScoreSummary:
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

    Large runs with `commit_batches` are scored by worker processes (scoring_pool; the rows stored
    are the same): `workers` None follows the QADESK_SCORING_WORKERS setting for runs of at least
    scoring_pool.MIN_CONVERSATIONS, 0 scores in this process, n > 0 uses n workers whatever the
    size. Workers read through their own connections, so what this transaction holds is committed
    first; without `commit_batches` (the caller's rows are not committed yet, and must not be until
    they are scored) this process scores. A given `sentiment` (or a replaced default one) is always
    used in this process. `total` is count_conversations(conversation_ids) when the caller has it
    already (for its progress bar), so the run does not count again.
    """
    ids = None if conversation_ids is None else sorted(set(conversation_ids))
    versions = scorecards.active_versions()
    cards, version_of = tuple(card for _, card in versions), {card.name: row.id for row, card in versions}
    summary = summary if summary is not None else ScoreSummary()
    pool_size = _pool_size(workers, sentiment, ids, total) if commit_batches else 0
    sentiment = sentiment or default_sentiment()

    def keep(chunk_ids: list[int], scored: list[Scored], skipped: int) -> None:
        if pool_size:  # scored in a worker: unless another run stored some of them meanwhile
            done = _auto_pairs(chunk_ids, rescore_all)
            scored = [s for s in scored if (s.conversation_id, s.version_id) not in done]
        _keep(scored, skipped, now, commit_batches, summary)

    try:
        if pool_size:
            db.session.commit()  # the workers see only committed rows
            setup = scoring_pool.Setup(db.engine.url.render_as_string(hide_password=False), cards, version_of,
                                       sentiment_service.load_calibrations(), rescore_all, scoring_pool.worker_tables())
            scoring_pool.run(setup, _id_chunks(ids, batch_size), pool_size, keep, progress)
        else:
            for chunk in _chunks(ids, batch_size):
                chunk_ids = [conv.id for conv in chunk]
                scored, skipped = score_chunk(chunk, cards, version_of, _auto_pairs(chunk_ids, rescore_all),
                                              sentiment, db.session.connection().dialect, progress)
                keep(chunk_ids, scored, skipped)
                if not commit_batches:  # a batch commit expired them: syncing would reload each one
                    _sync_loaded(chunk, scored)
        db.session.commit()
    except BaseException:
        if commit_batches:  # the unfinished batch; otherwise the transaction is the caller's
            db.session.rollback()
        raise
    return summary


def _pool_size(workers: Optional[int], sentiment, ids: Optional[list[int]], total: Optional[int] = None) -> int:
    """How many worker processes this run uses (0: this process scores)."""
    if sentiment is not None or type(default_sentiment()) is not DefaultSentiment:
        return 0  # an analyser given or swapped in exists only in this process
    if workers is not None:
        return workers
    chosen = instance_settings().scoring_workers
    if chosen and (count_conversations(ids) if total is None else total) >= scoring_pool.MIN_CONVERSATIONS:
        return chosen
    return 0


def _keep(scored: list[Scored], skipped: int, now: Optional[datetime], commit: bool,
          summary: ScoreSummary) -> None:
    """Store one batch (and commit it, for long jobs), then count it."""
    if scored:
        evaluations.store_automatic([(s.conversation_id, s.version_id, s.result) for s in scored], now)
        _write_sentiments(scored)
        rule_runs.apply_rules([s.conversation_id for s in scored], now)
    if commit:
        db.session.commit()
    summary.scored += len(scored)
    summary.no_scorecard += skipped


def count_conversations(conversation_ids: Optional[Iterable[int]] = None) -> int:
    """How many conversations a run would look at (for a progress bar)."""
    if conversation_ids is not None:
        return len(set(conversation_ids))
    return db.session.scalar(db.select(db.func.count(Conversation.id)))


def _set_by_id(table, column: str):
    """UPDATE `table` SET `column` = :value WHERE id = :row_id (built once: execute_rows compiles it once)."""
    return (table.update().where(table.c.id == bindparam("row_id"))
            .values({column: bindparam("value", type_=table.c[column].type)}))


_SET_TURN_SENTIMENT = _set_by_id(Turn.__table__, "sentiment")
_SET_CONVERSATION_META = _set_by_id(Conversation.__table__, "meta")


def _write_sentiments(scored: list[Scored]) -> None:
    """Per-turn polarity on the turns and the sentiment summary on the conversations: one
    executemany per table."""
    for statement, rows in (
            (_SET_TURN_SENTIMENT, [(v, t) for s in scored for t, v in s.turn_sentiment]),
            (_SET_CONVERSATION_META, [(s.meta, s.conversation_id) for s in scored if s.meta is not None])):
        evaluations.execute_rows(statement, ("value", "row_id"), rows)


def _sync_loaded(chunk: list[Conversation], scored: list[Scored]) -> None:
    """The loaded objects get the stored sentiment as committed state, so nothing in the session
    is left stale or dirty (callers that stored the conversations keep using them)."""
    by_id = {s.conversation_id: s for s in scored}
    for conv in chunk:
        done = by_id.get(conv.id)
        if done is None:
            continue
        polarity = dict(done.turn_sentiment)
        for turn in conv.turns:
            if turn.id in polarity:
                set_committed_value(turn, "sentiment", polarity[turn.id])
        if done.meta is not None:
            set_committed_value(conv, "meta", done.meta)


def _auto_pairs(ids: list[int], rescore_all: bool = False) -> set[tuple[int, int]]:
    """(conversation, scorecard version) of the automatic evaluations of these conversations
    (none with `rescore_all`: everything is scored again)."""
    if rescore_all:
        return set()
    return {(c, v) for c, v in db.session.execute(_AUTO_PAIRS, {"ids": ids})}


# Built once, with the ids as an expanding parameter: an IN list built per chunk costs a coercion per id.
_AUTO_PAIRS = (db.select(Evaluation.conversation_id, Evaluation.scorecard_version_id)
               .where(Evaluation.kind == "auto", Evaluation.conversation_id.in_(bindparam("ids", expanding=True))))


def _id_chunks(ids: Optional[Iterable[int]], size: int):
    """The conversation ids of a run, in order, `size` at a time (ids only: the workers load the rows)."""
    if ids is not None:
        wanted = sorted(set(ids))
        yield from (wanted[i:i + size] for i in range(0, len(wanted), size))
        return
    last = 0
    while True:
        chunk = list(db.session.scalars(db.select(Conversation.id).where(Conversation.id > last)
                                        .order_by(Conversation.id).limit(size)))
        if not chunk:
            return
        last = chunk[-1]
        yield chunk


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
    stored = evaluations.stored_result(result, db.session.connection().dialect)
    evaluations.store_automatic([(conv.id, version.id, stored)], now)
