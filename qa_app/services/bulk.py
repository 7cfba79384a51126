"""Bulk NDJSON ingest on every core: worker processes parse and redact, this process stores in order."""
from __future__ import annotations

import multiprocessing
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Callable, Optional

from qa_app import orphans
from qa_app.extensions import db
from qa_app.services.conversation_store import AgentResolver, Incoming, store_batch
from qa_app.settings import settings as instance_settings
from transcripts import bulk as pure
from transcripts.canonical import numbered_lines
from transcripts.errors import ParseError

# Starting workers costs about a second; below this size one process is faster.
PARALLEL_MIN_BYTES: Optional[int] = None  # None: the QADESK_PARALLEL_MIN_BYTES setting (tests force a path)
CHUNK_LINES = 1000


def worth_parallel(path: Path, fmt: str) -> bool:
    """A large NDJSON file on a machine with more than one core."""
    ndjson = fmt in ("ndjson", "jsonl") or (fmt == "auto" and path.suffix.lower() in (".ndjson", ".jsonl"))
    try:
        big = path.stat().st_size >= (instance_settings().parallel_min_bytes if PARALLEL_MIN_BYTES is None
                                      else PARALLEL_MIN_BYTES)
    except OSError:
        return False
    return ndjson and big and (os.cpu_count() or 1) > 1


def ingest_ndjson(path: Path, summary, options, progress: Optional[Callable[[int], None]]) -> None:
    """Same result as the one-process path: records in file order, errors as file:line.

    Workers are spawned (not forked) so they never inherit this process's database connections;
    at most two chunks per worker are in flight, which bounds memory whatever the file size.
    A long run: each chunk is committed once stored, so a stopped run keeps what it finished
    (and running it again counts those as duplicates).
    """
    source, workers = str(path), max(1, (os.cpu_count() or 2))
    context = multiprocessing.get_context("spawn")
    agents = AgentResolver(options)
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise ParseError(source, f"cannot read file: {exc.strerror or exc}") from exc
    with stream, ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                     initializer=orphans.exit_with_parent) as pool:
        lines, pending = numbered_lines(stream), deque()
        while True:
            while len(pending) < 2 * workers:
                chunk = list(islice(lines, CHUNK_LINES))
                if not chunk:
                    break
                pending.append(pool.submit(pure.prepare_lines, chunk, source, options.redaction))
            if not pending:
                return
            batch = []
            for packed in pending.popleft().result():
                item = pure.unpack(packed)
                if packed[0] == "error":
                    summary.fail(item.source, item.message)
                else:
                    where, sha = pure.origin(packed)
                    batch.append(Incoming(where, item, sha, prepared=True))
            if batch:
                store_batch(batch, summary, source, options, agents)
                db.session.commit()
                if progress:
                    progress(len(batch))
