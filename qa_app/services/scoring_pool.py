"""Scoring work without writes, here or in worker processes: `qadesk score` on every core.

`score_chunk` turns loaded conversations into what storing needs (Scored), in this process or in
a worker. For large runs, `run` spreads chunks of conversation ids over worker processes forked
from a fresh server process that has imported scoring_worker once (the "forkserver" start method;
"spawn" where there is none), so they inherit no database connection: each opens its own read-only
connection, builds the sentiment engines and reads the scorecards once, loads each chunk with
plain Core selects (tuples, no ORM objects) and scores it with scoring_worker.score_loaded
(score_chunk's loop). The workers import no Flask: scoring_worker says what they import.
While the forkserver starts, this process scores the first chunk the same way. It stores the
chunks one at a time in id order as they come back, so the rows stored are those of the
one-process path; at most two chunks per worker are in flight, which bounds memory
whatever the run's size. Workers (and this process, during a run) collect garbage less often.
"""
from __future__ import annotations

import logging
import multiprocessing
import signal
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, Mapping, Optional, Sequence

from sqlalchemy import Column, MetaData, Table

from qa_app.models import Conversation, CriterionScore, Evaluation, Turn, User
from qa_app.services import ServiceError, conversations
from qa_app.services.evaluations import stored_result
from qa_app.services.scoring_worker import (Loaded, Scored, Setup, Tables, Worker, fewer_collections, score_ids,
                                            score_loaded, start_worker)
from scoring.scorecard import Scorecard

log = logging.getLogger(__name__)

# Starting the workers (the forkserver's imports, about 0.6 CPU-s since they import no Flask, then
# each worker's sentiment engines and phrase matchers on its first chunk, about 0.5 CPU-s) takes
# about a second, in which this process scores some 300-600 conversations; below this size one
# process is faster (the threshold was set when start-up took about two seconds, not re-measured).
MIN_CONVERSATIONS = 1000


class ScoringFailed(ServiceError):
    """Scoring a chunk raised (in a worker or, while they start, in this process) or a worker
    died; the batches stored before it stay stored."""


def score_chunk(chunk, cards: Sequence[Scorecard], version_of: Mapping[str, int], done: set[tuple[int, int]],
                sentiment, dialect, progress: Optional[Callable[[int], None]] = None) -> tuple[list[Scored], int]:
    """What storing needs for each conversation of the chunk still to score, and how many had no
    matching scorecard. `chunk` holds conversation rows with their turns and agent (or anything
    with their attributes); `version_of` maps a scorecard name to its version's id, `done`
    holds the (conversation, version) pairs already scored; criterion rows are made ready for the
    database `dialect`."""
    loaded = (Loaded(conv.id, conv.meta, conversations.to_domain(conv), tuple((t.id, t.idx) for t in conv.turns))
              for conv in chunk)
    return score_loaded(loaded, cards, version_of, done, sentiment, lambda result: stored_result(result, dialect),
                        progress)


def worker_tables() -> Tables:
    """Bare copies of the tables the workers read (columns and their types, no defaults, keys or
    model classes), so a Setup pickles without the models and a worker needs none of them."""
    return Tables(*(_bare(model.__table__) for model in (Conversation, Turn, User, Evaluation, CriterionScore)))


def _bare(table: Table) -> Table:
    return Table(table.name, MetaData(), *(Column(c.name, c.type, key=c.key, primary_key=c.primary_key)
                                           for c in table.columns))


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
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=start_worker, initargs=(setup,))
    chunks, pending = iter(chunks), deque()  # (ids, future, scored by a worker) in id order
    here: Optional[Worker] = None
    try:
        with _ctrl_c_held():  # workers start with Ctrl-C blocked, then ignore it: it is this process's
            _start_server(context)
        with fewer_collections():
            first = next(chunks, None)
            if first is not None:
                here = Worker(setup)
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


def _scored_here(worker: Worker, ids: list[int]) -> Future:
    """A finished future holding this process's scoring of `ids` (or the exception it raised)."""
    future: Future = Future()
    try:
        future.set_result(worker.score(ids))
    except Exception as exc:
        future.set_exception(exc)
    return future


# What the forkserver imports before forking the workers: none of it imports Flask or the models
# (tests/unit/test_architecture.py checks it), which took the forkserver 0.7 of its 1.3 CPU-s.
PRELOAD = ("qa_app.services.scoring_worker", "scoring.sentiment", "vaderSentiment.vaderSentiment",
           "qa_app.services.scoring_warmup")


def _context():
    """Workers forked from a server process started clean (no connection, no thread of this
    process), which imports scoring_worker and the sentiment engines once for every worker: two
    spawned workers each paid that import, about a second of CPU."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    return context


def _fill(pool: ProcessPoolExecutor, pending: deque, chunks: Iterator[list[int]], limit: int) -> None:
    """Submit chunks until `limit` are in the workers' hands. A broken pool takes no more: the chunks in
    flight report it (or, with none left, this chunk does)."""
    while sum(remote for _, _, remote in pending) < limit:
        ids = next(chunks, None)
        if ids is None:
            return
        try:
            pending.append((ids, pool.submit(score_ids, ids), True))
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
