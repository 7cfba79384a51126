"""Scoring work without writes, here or in worker processes: `qadesk score` on every core.

`score_chunk` turns loaded conversations into what storing needs (Scored), in this process or in
a worker. For large runs, `run` spreads chunks of conversation ids over worker processes forked
from a fresh server process that has imported this module once (the "forkserver" start method;
"spawn" where there is none), so they inherit no database connection: each opens its own read-only
connection, builds the sentiment engines and reads the scorecards once, loads each chunk with
plain Core selects (tuples, no ORM objects), converts it with conversations.domain_conversation
and scores it with score_loaded (score_chunk's loop). While the forkserver starts, this process scores the first chunk the same
way. It stores the chunks one at a time in id order as they come back, so the rows stored are
those of the one-process path; at most two chunks per worker are in flight, which bounds memory
whatever the run's size. Workers (and this process, during a run) collect garbage less often.
"""
from __future__ import annotations

import gc
import logging
import multiprocessing
import signal
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Mapping, NamedTuple, Optional, Sequence

from sqlalchemy import create_engine, event, select

from qa_app import orphans
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
    """Scoring a chunk raised (in a worker or, while they start, in this process) or a worker
    died; the batches stored before it stay stored."""


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


def score_chunk(chunk, cards: Sequence[Scorecard], version_of: Mapping[str, int], done: set[tuple[int, int]],
                sentiment, dialect, progress: Optional[Callable[[int], None]] = None) -> tuple[list[Scored], int]:
    """What storing needs for each conversation of the chunk still to score, and how many had no
    matching scorecard. `chunk` holds conversation rows with their turns and agent (or anything
    with their attributes); `version_of` maps a scorecard name to its version's id, `done`
    holds the (conversation, version) pairs already scored; criterion rows are made ready for the
    database `dialect`."""
    loaded = (Loaded(conv.id, conv.meta, conversations.to_domain(conv), tuple((t.id, t.idx) for t in conv.turns))
              for conv in chunk)
    return score_loaded(loaded, cards, version_of, done, sentiment, dialect, progress)


def score_loaded(chunk: Iterable[Loaded], cards: Sequence[Scorecard], version_of: Mapping[str, int],
                 done: set[tuple[int, int]], sentiment, dialect,
                 progress: Optional[Callable[[int], None]] = None) -> tuple[list[Scored], int]:
    """score_chunk for conversations already made Loaded (the workers load them so)."""
    scored, skipped = [], 0
    for conv in chunk:
        card = select_scorecard(conv.domain, cards)
        if card is None:
            skipped += 1
        elif (conv.id, version_of[card.name]) not in done:
            result = evaluate(conv.domain, card, sentiment)
            scored.append(Scored(conv.id, version_of[card.name], stored_result(result, dialect),
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
    A failing chunk or a worker's death raises ScoringFailed naming the chunk; chunks kept before stay.
    The first chunk is scored here, with the same code as a worker, while the forkserver starts
    in its own process (importing and warming up takes about as long): otherwise this process
    would wait for it with nothing to do. Later chunks are left to the workers, which would
    otherwise wait for this process to hand them more."""
    context = _context()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start, initargs=(setup,))
    chunks, pending = iter(chunks), deque()  # (ids, future, scored by a worker) in id order
    here: Optional[_Worker] = None
    try:
        with _ctrl_c_held():  # workers start with Ctrl-C blocked, then ignore it: it is this process's
            _start_server(context)
        with fewer_collections():
            first = next(chunks, None)
            if first is not None:
                here = _Worker(setup)
                pending.append((first, _scored_here(here, first), False))
            with _ctrl_c_held():
                _fill(pool, pending, chunks, 2 * workers)
            while pending:
                ids, future, _remote = pending.popleft()
                scored, skipped = _outcome(ids, future)
                if progress:
                    progress(len(ids))
                keep(ids, scored, skipped)
                _fill(pool, pending, chunks, 2 * workers)
    finally:  # on a stop, the chunks not started are dropped and the workers finish the one in hand
        pool.shutdown(wait=True, cancel_futures=True)
        if here is not None:
            here.engine.dispose()


def _start_server(context) -> None:
    """Launch the forkserver now (it imports and warms up in its own process) rather than at the
    first submit, which would wait for it."""
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver
        forkserver.ensure_running()


def _scored_here(worker: "_Worker", ids: list[int]) -> Future:
    """A finished future holding this process's scoring of `ids` (or the exception it raised)."""
    future: Future = Future()
    try:
        future.set_result(worker.score(ids))
    except Exception as exc:
        future.set_exception(exc)
    return future


@contextmanager
def fewer_collections():
    """Python's cyclic garbage collector runs less often inside: scoring allocates many short-lived
    objects that reference counting frees, and the default threshold (a collection every 700
    allocations) cost about 15 % of a worker's time."""
    before = gc.get_threshold()
    gc.set_threshold(*_FEWER)
    try:
        yield
    finally:
        gc.set_threshold(*before)


_FEWER = (50_000, 20, 100)


def _context():
    """Workers forked from a server process started clean (no connection, no thread of this
    process), which imports this module and the sentiment engines once for every worker: two
    spawned workers each paid that import, about a second of CPU."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, "scoring.sentiment", "vaderSentiment.vaderSentiment",
                                    "qa_app.services.scoring_warmup"])
    return context


def _fill(pool: ProcessPoolExecutor, pending: deque, chunks: Iterator[list[int]], limit: int) -> None:
    """Submit chunks until `limit` are in the workers' hands. A broken pool takes no more: the chunks in
    flight report it (or, with none left, this chunk does)."""
    while sum(remote for _, _, remote in pending) < limit:
        ids = next(chunks, None)
        if ids is None:
            return
        try:
            pending.append((ids, pool.submit(_score_ids, ids), True))
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
        log.error("scoring failed on %s", where, exc_info=exc)
        raise ScoringFailed(f"scoring {where} failed: {type(exc).__name__}: {exc}") from exc


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
    orphans.exit_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _worker = _Worker(setup)
    gc.freeze()  # what the worker inherited and built stays: no collection needs to look at it again
    gc.set_threshold(*_FEWER)


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
            done = set() if self.setup.rescore_all else {(c, v) for c, v in conn.execute(
                select(Evaluation.conversation_id, Evaluation.scorecard_version_id).where(
                    Evaluation.kind == "auto", Evaluation.conversation_id.in_(ids)))}
        return score_loaded(chunk, self.setup.cards, self.setup.version_of, done, self.sentiment,
                           self.engine.dialect)


def _read_only_sqlite(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in ("busy_timeout=10000", "query_only=ON"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _load(conn, ids: list[int]) -> list[Loaded]:
    """The conversations with these ids, in id order, with their turns (in order) and agent login,
    read as plain tuples (one fetch per query) and made Loaded with conversations.domain_conversation."""
    c, t, u = Conversation.__table__.c, Turn.__table__.c, User.__table__.c
    turns: dict[int, tuple[list, list]] = {}
    for conversation_id, turn_id, idx, speaker, text, at, start, end in conn.execute(
            select(t.conversation_id, t.id, t.idx, t.speaker, t.text, t.at, t.start, t.end)
            .where(t.conversation_id.in_(ids)).order_by(t.conversation_id, t.idx)).all():
        values, keys = turns.get(conversation_id) or turns.setdefault(conversation_id, ([], []))
        values.append((speaker, text, at, start, end))
        keys.append((turn_id, idx))
    rows = conn.execute(select(c.id, c.external_id, c.channel, c.started_at, c.language, c.queue, c.customer,
                               c.csat, c.meta, u.login)
                        .join(User.__table__, u.id == c.agent_id).where(c.id.in_(ids)).order_by(c.id)).all()
    loaded = []
    for row in rows:
        values, keys = turns.get(row.id, ((), ()))
        loaded.append(Loaded(row.id, row.meta, conversations.domain_conversation(row, row.login, values), tuple(keys)))
    return loaded
