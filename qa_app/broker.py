"""The job interface's distributed back end (QADESK_BROKER_URL set): jobs go to Redis through RQ
by job id, and `qadesk worker` processes on any host run them against the same database.

RQ may deliver a job more than once (a retry, a sweep below, an operator's requeue); the job
row decides: perform() first claims the row (services.jobs.claim), so a delivery of a job that
is running or done does nothing. A failed run is retried by RQ after each delay of
QADESK_BROKER_RETRY_SECONDS, then stays failed with its reason (the Jobs page; RQ's failed-job
registry) while the queue goes on with the next job."""
from __future__ import annotations

import logging
import os
import uuid
from typing import Callable, Iterable, Optional

from flask import Flask

from qa_app.config import mask_url
from qa_app.services import ServiceError
from qa_app.settings import settings as instance_settings

log = logging.getLogger(__name__)

JOBS_QUEUE, SCORING_QUEUE, TRANSCRIPTION_QUEUE = "jobs", "scoring", "transcription"
# In order of priority: a worker on all three takes the short scheduled jobs first, and a bulk
# scoring run before the next recording (recordings come steadily; a scoring run is asked for).
QUEUES = (JOBS_QUEUE, SCORING_QUEUE, TRANSCRIPTION_QUEUE)
# A worker renews its claim (services.jobs.run_claimed); one that has not for jobs.LEASE_SECONDS
# died (kill -9, power loss), so the sweep hands its job to another worker. RQ finds such a job too,
# but only after the job's whole timeout; the lease brings it back within a minute.
SWEEP_SECONDS = 10
JOB_TIMEOUT = 6 * 3600  # an hours-long recording transcribes for a long time; RQ's default is 180 s
# kind -> (handler, queue). The owners of job kinds register them (qa_app.jobs registers every kind
# the product has when imported), so this back end knows no job kind itself and imports none.
_handlers: dict[str, tuple[Callable[[dict], dict], str]] = {}
_app: Optional[Flask] = None
_engine_pid: Optional[int] = None
RQ_ID_PREFIX = "qadesk-"


class BrokerUnavailable(ServiceError):
    """QADESK_BROKER_URL is empty or its Redis cannot be reached; the message names the setting."""


class JobFailed(Exception):
    """Raised to RQ after a run recorded 'failed', so RQ retries it; carries the recorded reason."""


def enabled(app: Flask) -> bool:
    return bool(instance_settings(app).broker_url)


def connection(app: Flask):
    """A Redis connection to QADESK_BROKER_URL that answered a PING; BrokerUnavailable otherwise."""
    from redis import Redis
    from redis.exceptions import RedisError
    url = instance_settings(app).broker_url
    if not url:
        raise BrokerUnavailable("QADESK_BROKER_URL is not set: distributed workers need a Redis URL "
                                "such as redis://localhost:6379/0 (docs/deployment.md, Distributed workers)")
    redis = Redis.from_url(url, socket_connect_timeout=5)
    try:
        redis.ping()
    except RedisError as exc:
        raise BrokerUnavailable(f"cannot reach Redis at QADESK_BROKER_URL={mask_url(url)}: {exc}") from None
    return redis


def queue_for(kind: str) -> str:
    """The queue jobs of `kind` go to, as registered (JOBS_QUEUE for a kind never registered)."""
    return _handlers.get(kind, (None, JOBS_QUEUE))[1]


def submit(app: Flask, job_ids: Iterable[int], queue: str) -> None:
    """Hand these job rows to the workers of `queue`, with the instance's retries."""
    from rq import Queue, Retry
    delays = list(instance_settings(app).broker_retry_seconds)
    retry = Retry(max=len(delays), interval=delays) if delays else None
    rq_queue = Queue(queue, connection=connection(app))
    for job_id in job_ids:
        rq_queue.enqueue(perform, job_id, retry=retry, job_timeout=JOB_TIMEOUT, job_id=_rq_id(job_id),
                         description=f"qadesk job {job_id}")


def register_handler(kind: str, handler: Callable[[dict], dict], queue: str = JOBS_QUEUE) -> None:
    """Workers run jobs of `kind` with `handler`; they are submitted to `queue` (one of QUEUES)."""
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}: one of {', '.join(QUEUES)}")
    _handlers[kind] = (handler, queue)


def handler_for(kind: str) -> Callable[[dict], dict]:
    """The registered handler of `kind`; for any other kind one that fails naming it."""
    if kind in _handlers:
        return _handlers[kind][0]

    def unknown(payload: dict) -> dict:
        raise LookupError(f"no worker handler for jobs of kind {kind!r}")
    return unknown


def perform(job_id: int) -> str:
    """The RQ task: claim the job row (a second delivery of a running or done job does nothing),
    run its handler while renewing the claim, and raise JobFailed when it failed so RQ retries."""
    from qa_app.services import jobs
    app = worker_app()
    with app.app_context():
        _own_connections()
        job = jobs.claim(job_id, include_failed=True)
        if job is None:
            return "skipped: running or done elsewhere"
        job = jobs.run_claimed(job_id, handler_for(job.kind))
        if job.status == "failed":
            raise JobFailed(job.error)
        return job.status


def worker_app() -> Flask:
    """The app of the worker's instance (set by `qadesk worker`; else built from QADESK_INSTANCE)."""
    global _app
    if _app is None:
        from qa_app import create_app
        _app = create_app()
    return _app


def _own_connections() -> None:
    """A forked worker must not share the parent's database connections: drop them, once per process."""
    global _engine_pid
    if _engine_pid != os.getpid():
        from qa_app.extensions import db
        db.engine.dispose(close=False)
        _engine_pid = os.getpid()



def requeue_stranded(app: Flask) -> list[int]:
    """Submit again the jobs whose worker died (lease passed) and those queued but never taken
    (older than STALE_QUEUED: Redis lost them, or was down when they were made), unless Redis
    still holds a delivery of theirs waiting to run, so a long queue is not doubled by the sweeps."""
    from qa_app import clock
    from qa_app.services import jobs
    with app.app_context():
        waiting, started = _deliveries(connection(app))
        lost = [j for j in jobs.lost() if j.id not in waiting]
        never_taken = [j for j in jobs.queued_before(clock.now() - jobs.STALE_QUEUED)
                       if j.id not in waiting | started]
        for job in lost + never_taken:
            submit(app, [job.id], queue_for(job.kind))
            log.warning("job %s (%s) was stranded; submitted again", job.id, job.key)
        return [j.id for j in lost + never_taken]


def _deliveries(redis) -> tuple[set[int], set[int]]:
    """Ids of the job rows with a delivery in Redis: (waiting in a queue or for a retry, started)."""
    from rq import Queue
    waiting, started = set(), set()
    for name in QUEUES:
        queue = Queue(name, connection=redis)
        waiting.update(row_id(i) for i in queue.get_job_ids())
        waiting.update(row_id(i) for i in queue.scheduled_job_registry.get_job_ids(cleanup=False))
        started.update(row_id(i) for i in queue.started_job_registry.get_job_ids(cleanup=False))
    return waiting - {None}, started - {None}


def _rq_id(job_id: int) -> str:
    """An RQ job id naming the job row, unique per delivery (a row may be delivered again)."""
    return f"{RQ_ID_PREFIX}{job_id}-{uuid.uuid4().hex[:12]}"


def row_id(rq_id: str) -> Optional[int]:
    """The job row an RQ job id of ours names; None for another application's job on this Redis."""
    if not rq_id.startswith(RQ_ID_PREFIX):
        return None  # not one of ours (another application on the same Redis database)
    return int(rq_id[len(RQ_ID_PREFIX):].split("-", 1)[0])


def serve(app: Flask, queues: Iterable[str], concurrency: int) -> None:
    """Run `concurrency` worker processes taking jobs from `queues` until SIGINT or SIGTERM (each
    then finishes its job in hand); a worker that dies is started again.

    Jobs run in the worker process itself (RQ's SimpleWorker, not a fork per job), so Whisper's
    model loads once per worker rather than once per recording."""
    from rq.worker import SimpleWorker
    from qa_app.extensions import db
    global _app
    queues = list(queues)
    unknown = [q for q in queues if q not in QUEUES]
    if unknown or not queues:
        raise BrokerUnavailable(f"unknown queue {', '.join(unknown) or '(none)'}; the queues are {', '.join(QUEUES)}")
    redis = connection(app)
    _app = app
    with app.app_context():  # the workers are forked from this process: none may inherit its connections
        db.engine.dispose()
    _pool_class()(app, queues, connection=redis, num_workers=concurrency, worker_class=SimpleWorker).start()


def _pool_class():
    from rq.worker_pool import WorkerPool

    class SweepingPool(WorkerPool):
        """RQ's pool, which also sweeps stranded jobs back to the queues every SWEEP_SECONDS."""

        def __init__(self, app: Flask, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._qadesk_app, self._beats = app, 0

        def check_workers(self, respawn: bool = True) -> None:  # called every second
            super().check_workers(respawn)
            self._beats += 1
            if self._beats % SWEEP_SECONDS == 0:
                try:
                    requeue_stranded(self._qadesk_app)
                except Exception:  # the database or Redis is away for now: the next sweep tries again
                    log.warning("could not sweep stranded jobs", exc_info=True)
    return SweepingPool
