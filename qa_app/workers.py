"""The job interface: queued jobs run off the request thread, by default in this process's worker
pool; with QADESK_BROKER_URL set, by the distributed workers (qa_app.broker)."""
from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Optional

from flask import Flask

log = logging.getLogger(__name__)
_pool: Optional[ThreadPoolExecutor] = None


def _executor() -> ThreadPoolExecutor:
    """One worker thread per process: Whisper already uses every core it is given."""
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qadesk-worker")
    return _pool


def submit_transcriptions(app: Flask, job_ids: list[int]) -> Optional[Future]:
    """Run these transcription jobs in the background; their status is on the Jobs page.

    With a broker they go to its workers (None is returned); if Redis cannot be reached the jobs
    stay queued and the scheduler's sweep submits them later, so the upload still succeeds. Without
    one, under QADESK_SCHEDULER=external web processes run no jobs: they stay queued for
    `qadesk scheduler` (None)."""
    from qa_app import broker
    from qa_app.jobs import external
    if broker.enabled(app):
        try:
            broker.submit(app, job_ids, broker.TRANSCRIPTION_QUEUE)
        except broker.BrokerUnavailable as exc:
            log.error("transcription jobs %s stay queued: %s", job_ids, exc)
        return None
    if external(app):
        return None
    def work() -> None:
        from qa_app.services import ingest, transcription
        with app.app_context():
            transcription.run_jobs(job_ids, ingest.IngestSummary())
    future = _executor().submit(work)
    future.add_done_callback(lambda f: f.exception() and log.error("worker failed: %s", f.exception()))
    return future
