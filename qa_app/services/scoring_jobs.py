"""Bulk scoring as a job: `qadesk score --queue` hands the run to the distributed workers
(QADESK_BROKER_URL) instead of scoring in the command's own process."""
from __future__ import annotations

from flask import Flask

from qa_app import clock
from qa_app.models import Job
from qa_app.services import jobs, scoring

KIND = "score"


def queue_run(app: Flask, rescore_all: bool = False) -> tuple[Job, bool]:
    """(job, created): queue one scoring run for the workers and submit it; the same request in
    the same second is the same job. BrokerUnavailable (naming QADESK_BROKER_URL) when no broker
    is set or Redis cannot be reached, before anything is queued."""
    from qa_app import broker
    broker.connection(app)  # refuse now rather than leave a job no worker will hear of
    key = f"{KIND}:{'all' if rescore_all else 'pending'}:{clock.now():%Y-%m-%dT%H:%M:%S}"
    job, created = jobs.enqueue(KIND, key, {"rescore_all": rescore_all})
    if created:
        broker.submit(app, [job.id], broker.SCORING_QUEUE)
    return job, created


def run(payload: dict) -> dict:
    """The job's handler: score as `qadesk score` does, committing batch by batch, so a run redone
    after its worker died skips what the first one stored (unless it rescores everything)."""
    summary = scoring.score_pending(rescore_all=bool(payload.get("rescore_all")), commit_batches=True)
    return summary.as_dict()
