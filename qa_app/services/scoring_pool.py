"""Scoring work without writes, here or in worker processes: `qadesk score` on every core.

`score_chunk` turns loaded conversations into what storing needs (Scored), in this process or in
a worker. For large runs, `run` spreads chunks of conversation ids over worker processes forked
from a fresh server process that has imported this module once (the "forkserver" start method;
"spawn" where there is none), so they inherit no database connection: each opens its own read-only
connection, builds the sentiment engines and reads the scorecards once, loads each chunk with
plain Core selects (tuples, no ORM objects), converts it with conversations.to_domain and scores
it with score_chunk. This process stores the chunks one at a time in id order as they come back,
so the rows stored are those of the one-process path; at most two chunks per worker are in
flight, which bounds memory whatever the run's size.
"""
from __future__ import annotations

import logging
import multiprocessing
import signal
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Callable, Iterable, Iterator, Mapping, Optional, Sequence

from sqlalchemy import create_engine, event, select

from qa_app.models import Conversation, Evaluation, Turn, User
from qa_app.services import ServiceError, conversations
from qa_app.services.evaluations import StoredResult, stored_result
from scoring.calibration import Calibration
from scoring.engine import evaluate, select_scorecard
from scoring.mood import customer_mood
from scoring.scorecard import Scorecard
from scoring.sentiment import DefaultSentiment
from transcripts.model import Conversation as DomainConversation

log = logging.getLogger(__name__)

# Starting the workers (imports, sentiment engines, phrase matchers) takes about two seconds, in
# which this process scores some 600 conversations; below this size one process is faster.
MIN_CONVERSATIONS = 1000


class ScoringFailed(ServiceError):
    """A worker process raised or died; the batches stored before it stay stored."""


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


def score_chunk(chunk, cards: Sequence[Scorecard], version_of: Mapping[str, int], done: set[tuple[int, int]],
                sentiment, dialect, progress: Optional[Callable[[int], None]] = None) -> tuple[list[Scored], int]:
    """What storing needs for each conversation of the chunk still to score, and how many had no
    matching scorecard. `chunk` holds conversation rows or anything with their attributes
    (workers pass plain rows); `version_of` maps a scorecard name to its version's id, `done`
    holds the (conversation, version) pairs already scored; criterion rows are made ready for the
    database `dialect`."""
    scored, skipped = [], 0
    for conv in chunk:
        domain = conversations.to_domain(conv)
        card = select_scorecard(domain, cards)
        if card is None:
            skipped += 1
        elif (conv.id, version_of[card.name]) not in done:
            result = evaluate(domain, card, sentiment)
            scored.append(Scored(conv.id, version_of[card.name], stored_result(result, dialect),
                                 *sentiment_rows(conv, domain, result.turn_sentiment)))
        if progress:
            progress(1)
    return scored, skipped


def sentiment_rows(conv, domain: DomainConversation,
                   polarity: Mapping[int, float]) -> tuple[tuple[tuple[int, float], ...], Optional[dict]]:
    """(turn id, polarity) of the conversation's scored turns, and its metadata with the customer's
    mood (scoring.mood: start, end, lowest and the end's label; None when no customer turn was scored)."""
    turns = tuple((turn.id, polarity[turn.idx]) for turn in conv.turns if turn.idx in polarity)
    mood = customer_mood(domain, polarity)
    if mood is None:
        return turns, None
    return turns, {**(conv.meta or {}), "sentiment": mood.as_meta()}


@dataclass(frozen=True)
class Setup:
    """What each worker builds its state from, once: no database rows, only values."""

    database_url: str
    cards: tuple[Scorecard, ...]
    version_of: Mapping[str, int]
    calibrations: Mapping[str, Calibration]
    rescore_all: bool


Keep = Callable[[list[int], list[Scored], int], None]


def run(setup: Setup, chunks: Iterable[list[int]], workers: int, keep: Keep,
        progress: Optional[Callable[[int], None]] = None) -> None:
    """Score the chunks of conversation ids in `workers` processes; `keep(ids, scored, skipped)`
    stores each chunk here, in order. `progress(n)` is called with each chunk's size as it comes
    back, before it is stored (it may raise KeyboardInterrupt: that chunk is not stored).
    A worker's exception or death raises ScoringFailed naming the chunk; chunks kept before stay."""
    context = _context()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start, initargs=(setup,))
    chunks, pending = iter(chunks), deque()
    try:
        with _ctrl_c_held():  # workers start with Ctrl-C blocked, then ignore it: it is this process's
            _fill(pool, pending, chunks, 2 * workers)
        while pending:
            ids, future = pending.popleft()
            scored, skipped = _outcome(ids, future)
            if progress:
                progress(len(ids))
            keep(ids, scored, skipped)
            _fill(pool, pending, chunks, 2 * workers)
    finally:  # on a stop, the chunks not started are dropped and the workers finish the one in hand
        pool.shutdown(wait=True, cancel_futures=True)


def _context():
    """Workers forked from a server process started clean (no connection, no thread of this
    process), which imports this module and the sentiment engines once for every worker: two
    spawned workers each paid that import, about a second of CPU."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, "scoring.sentiment", "vaderSentiment.vaderSentiment"])
    return context


def _fill(pool: ProcessPoolExecutor, pending: deque, chunks: Iterator[list[int]], limit: int) -> None:
    """Submit chunks until `limit` are in flight. A broken pool takes no more: the chunks in
    flight report it (or, with none left, this chunk does)."""
    while len(pending) < limit:
        ids = next(chunks, None)
        if ids is None:
            return
        try:
            pending.append((ids, pool.submit(_score_ids, ids)))
        except BrokenProcessPool as exc:
            if not pending:
                raise _died(ids, exc) from exc
            return


def _outcome(ids: list[int], future: Future) -> tuple[list[Scored], int]:
    where = f"conversations {ids[0]} to {ids[-1]}"
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise _died(ids, exc) from exc
    except Exception as exc:
        log.error("scoring worker failed on %s", where, exc_info=exc)
        raise ScoringFailed(f"scoring {where} failed in a worker process: {type(exc).__name__}: {exc}") from exc


def _died(ids: list[int], exc: BaseException) -> ScoringFailed:
    where = f"conversations {ids[0]} to {ids[-1]}"
    log.error("scoring worker died while scoring %s", where, exc_info=exc)
    return ScoringFailed(f"a scoring worker process stopped unexpectedly while scoring {where}")


@contextmanager
def _ctrl_c_held():
    """Block SIGINT while workers are spawned (they inherit the mask), so a Ctrl-C during their
    start-up reaches only this process, once unblocked, and never kills a worker half-started."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


# --- in the worker processes ---

_worker: Optional["_Worker"] = None


def _start(setup: Setup) -> None:
    """Worker initializer: ignore Ctrl-C (the main process decides when to stop), build the state."""
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _worker = _Worker(setup)


def _score_ids(ids: list[int]) -> tuple[list[Scored], int]:
    return _worker.score(ids)


class _Worker:
    """A read-only connection, the sentiment engines and the scorecards, built once per process."""

    def __init__(self, setup: Setup):
        self.setup = setup
        self.engine = create_engine(setup.database_url)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _read_only_sqlite)
        self.sentiment = DefaultSentiment(setup.calibrations)

    def score(self, ids: list[int]) -> tuple[list[Scored], int]:
        with self.engine.connect() as conn:
            chunk = _load(conn, ids)
            done = set() if self.setup.rescore_all else set(conn.execute(
                select(Evaluation.conversation_id, Evaluation.scorecard_version_id).where(
                    Evaluation.kind == "auto", Evaluation.conversation_id.in_(ids))).tuples())
        return score_chunk(chunk, self.setup.cards, self.setup.version_of, done, self.sentiment,
                           self.engine.dialect)


def _read_only_sqlite(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in ("busy_timeout=10000", "query_only=ON"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _load(conn, ids: list[int]) -> list[SimpleNamespace]:
    """The conversations with these ids, in id order, with their turns (in order) and agent login:
    plain rows with the attributes conversations.to_domain and sentiment_rows read."""
    c, t = Conversation.__table__.c, Turn.__table__.c
    turns: dict[int, list] = {}
    for row in conn.execute(select(t.id, t.conversation_id, t.idx, t.speaker, t.text, t.at, t.start, t.end)
                            .where(t.conversation_id.in_(ids)).order_by(t.conversation_id, t.idx)):
        turns.setdefault(row.conversation_id, []).append(row)
    rows = conn.execute(select(c.id, c.external_id, c.channel, c.started_at, c.language, c.queue, c.customer,
                               c.csat, c.meta, User.__table__.c.login)
                        .join(User.__table__, User.__table__.c.id == c.agent_id)
                        .where(c.id.in_(ids)).order_by(c.id))
    return [SimpleNamespace(**row._mapping, agent=SimpleNamespace(login=row.login), turns=turns.get(row.id, []))
            for row in rows]
