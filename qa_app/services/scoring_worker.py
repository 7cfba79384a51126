"""The scoring worker processes' side of `qadesk score` (scoring_pool starts them): no Flask.

A worker is forked from the pool's forkserver, which imports this module once; it gets a Setup (values
only: the database URL, the scorecards, the sentiment calibrations and bare copies of the tables it
reads), opens its own read-only connection, builds the sentiment engines once, loads each chunk of
conversation ids with plain Core selects (tuples, no ORM objects), converts it with
scoring_rows.domain_conversation and scores it with score_loaded. Nothing here imports Flask, the
models or the services that need them (the forkserver imported them: about 0.8 CPU-s per run);
the architecture test checks it.
"""
from __future__ import annotations

import gc
import signal
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, NamedTuple, Optional, Sequence

from sqlalchemy import Table, create_engine, event, select

from qa_app import orphans
from qa_app.services.scoring_rows import StoredResult, domain_conversation, stored_result
from scoring.calibration import Calibration
from scoring.engine import evaluate, select_scorecard
from scoring.mood import customer_mood
from scoring.scorecard import Scorecard
from scoring.sentiment import DefaultSentiment
from transcripts.model import Conversation as DomainConversation


class Tables(NamedTuple):
    """The tables a worker reads, or whose column types convert what it sends (bare copies of the
    models' tables: columns and types, picklable without the models; scoring_pool.worker_tables)."""

    conversation: Table
    turn: Table
    user: Table
    evaluation: Table
    criterion_score: Table


@dataclass(frozen=True)
class Setup:
    """What each worker builds its state from, once: no database rows, only values."""

    database_url: str
    cards: tuple[Scorecard, ...]
    version_of: Mapping[str, int]
    calibrations: Mapping[str, Calibration]
    rescore_all: bool
    tables: Tables


@dataclass(frozen=True)
class Scored:
    """One conversation's automatic result and the sentiment it writes: (turn id, polarity) of
    the turns, and the conversation's metadata with its customer sentiment summary (None: no
    customer turn was scored, the metadata stays). Picklable: workers return these."""

    conversation_id: int
    version_id: int
    result: StoredResult
    turn_sentiment: tuple[tuple[int, float], ...]
    meta: Optional[dict]


class Loaded(NamedTuple):
    """A conversation ready to score: its id, stored metadata, domain view and the (turn id,
    index) of its turns in order (what its sentiment rows are keyed by)."""

    id: int
    meta: Optional[dict]
    domain: DomainConversation
    turn_keys: tuple[tuple[int, int], ...]


def score_loaded(chunk: Iterable[Loaded], cards: Sequence[Scorecard], version_of: Mapping[str, int],
                 done: set[tuple[int, int]], sentiment, stored: Callable,
                 progress: Optional[Callable[[int], None]] = None) -> tuple[list[Scored], int]:
    """What storing needs for each conversation of the chunk still to score, and how many had no
    matching scorecard. `version_of` maps a scorecard name to its version's id, `done` holds the
    (conversation, version) pairs already scored; `stored(result)` makes the StoredResult (for
    the database's dialect)."""
    scored, skipped = [], 0
    for conv in chunk:
        card = select_scorecard(conv.domain, cards)
        if card is None:
            skipped += 1
        elif (conv.id, version_of[card.name]) not in done:
            result = evaluate(conv.domain, card, sentiment)
            scored.append(Scored(conv.id, version_of[card.name], stored(result),
                                 *sentiment_rows(conv, result.turn_sentiment)))
        if progress:
            progress(1)
    return scored, skipped


def sentiment_rows(conv: Loaded,
                   polarity: Mapping[int, float]) -> tuple[tuple[tuple[int, float], ...], Optional[dict]]:
    """(turn id, polarity) of the conversation's scored turns, and its metadata with the customer's
    mood (scoring.mood: start, end, lowest and the end's label; None when no customer turn was scored)."""
    turns = tuple([(turn_id, polarity[idx]) for turn_id, idx in conv.turn_keys if idx in polarity])
    mood = customer_mood(conv.domain, polarity)
    if mood is None:
        return turns, None
    return turns, {**(conv.meta or {}), "sentiment": mood.as_meta()}


@contextmanager
def fewer_collections():
    """Python's cyclic garbage collector runs less often inside: scoring allocates many short-lived
    objects that reference counting frees, and the default threshold (a collection every 700
    allocations) cost about 15 % of a worker's time."""
    before = gc.get_threshold()
    gc.set_threshold(*FEWER)
    try:
        yield
    finally:
        gc.set_threshold(*before)


FEWER = (50_000, 20, 100)

_worker: Optional["Worker"] = None


def start_worker(setup: Setup) -> None:
    """Worker initializer: ignore Ctrl-C (the main process decides when to stop), build the state."""
    global _worker
    orphans.exit_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _worker = Worker(setup)
    gc.freeze()  # what the worker inherited and built stays: no collection needs to look at it again
    gc.set_threshold(*FEWER)


def score_ids(ids: list[int]) -> tuple[list[Scored], int]:
    """A worker's task: score these conversations (start_worker built the state)."""
    return _worker.score(ids)


class Worker:
    """A read-only connection, the sentiment engines and the scorecards, built once per process
    (the main process builds one too, for the chunk it scores while the workers start)."""

    def __init__(self, setup: Setup):
        self.setup = setup
        self.engine = create_engine(setup.database_url)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _read_only_sqlite)
        self.sentiment = DefaultSentiment(setup.calibrations)
        tables, dialect = setup.tables, self.engine.dialect
        self.stored = lambda result: stored_result(result, dialect, tables.evaluation, tables.criterion_score)

    def score(self, ids: list[int]) -> tuple[list[Scored], int]:
        ev = self.setup.tables.evaluation.c
        with self.engine.connect() as conn:
            chunk = _load(conn, self.setup.tables, ids)
            done = set() if self.setup.rescore_all else {(c, v) for c, v in conn.execute(
                select(ev.conversation_id, ev.scorecard_version_id).where(
                    ev.kind == "auto", ev.conversation_id.in_(ids)))}
        return score_loaded(chunk, self.setup.cards, self.setup.version_of, done, self.sentiment, self.stored)


def _read_only_sqlite(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in ("busy_timeout=10000", "query_only=ON"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _load(conn, tables: Tables, ids: list[int]) -> list[Loaded]:
    """The conversations with these ids, in id order, with their turns (in order) and agent login,
    read as plain tuples (one fetch per query) and made Loaded with scoring_rows.domain_conversation."""
    c, t, u = tables.conversation.c, tables.turn.c, tables.user.c
    turns: dict[int, tuple[list, list]] = {}
    for conversation_id, turn_id, idx, speaker, text, at, start, end in conn.execute(
            select(t.conversation_id, t.id, t.idx, t.speaker, t.text, t.at, t.start, t.end)
            .where(t.conversation_id.in_(ids)).order_by(t.conversation_id, t.idx)).all():
        values, keys = turns.get(conversation_id) or turns.setdefault(conversation_id, ([], []))
        values.append((speaker, text, at, start, end))
        keys.append((turn_id, idx))
    rows = conn.execute(select(c.id, c.external_id, c.channel, c.started_at, c.language, c.queue, c.customer,
                               c.csat, c.meta, u.login)
                        .join(tables.user, u.id == c.agent_id).where(c.id.in_(ids)).order_by(c.id)).all()
    loaded = []
    for row in rows:
        values, keys = turns.get(row.id, ((), ()))
        loaded.append(Loaded(row.id, row.meta, domain_conversation(row, row.login, values), tuple(keys)))
    return loaded
