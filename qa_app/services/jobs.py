"""The job table: idempotent enqueue by key, running a job with its status, and the scheduler lease."""
from __future__ import annotations

import logging
import threading
import traceback
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Callable, Iterator, Optional

from flask import current_app

from sqlalchemy.exc import IntegrityError

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Job, SchedulerLease
from qa_app.models.base import as_utc, utcnow
from qa_app.services import pagination

#: a job queued longer than this was lost by whoever queued it (a web worker that died, a Redis that
#: dropped it): the scheduler or a worker's sweep runs or submits it again
STALE_QUEUED = timedelta(minutes=2)
#: every claim is a lease: whoever runs a job renews it every RENEW_SECONDS, so one not renewed for
#: LEASE_SECONDS was stopped without finishing (kill -9, power loss) and the job is taken over, by a
#: distributed worker's sweep, the scheduler's beat, or the next `qadesk transcribe` / `ingest`
LEASE_SECONDS, RENEW_SECONDS = 30, 10

log = logging.getLogger(__name__)


def enqueue(kind: str, key: str, payload: Optional[dict] = None) -> tuple[Job, bool]:
    """(job, created): a job with this key is created once; enqueuing it again returns the first."""
    existing = db.session.scalar(db.select(Job).where(Job.key == key))
    if existing:
        return existing, False
    job = Job(kind=kind, key=key, payload=payload or {})
    db.session.add(job)
    try:
        db.session.commit()
    except IntegrityError:  # another process enqueued the same key first
        db.session.rollback()
        return db.session.scalar(db.select(Job).where(Job.key == key)), False
    return job, True


def run(job: Job, handler: Callable[[dict], dict]) -> Job:
    """Run a job now: status running -> done (with its result) or failed (with the reason)."""
    job.status, job.started_at, job.attempts = "running", utcnow(), job.attempts + 1
    db.session.commit()
    return finish(job.id, handler)


def recent(limit: int = 100) -> list[Job]:
    return list(db.session.scalars(db.select(Job).order_by(Job.created_at.desc(), Job.id.desc()).limit(limit)))


JOB_ORDER = (pagination.Key(Job.created_at), pagination.Key(Job.id))


def page(req: pagination.PageRequest, kind: Optional[str] = None, status: Optional[str] = None) -> pagination.Page:
    """A page (keyset) of the jobs, newest first, with the true number matching `kind` and `status`."""
    query = pagination.where_given(db.select(Job), (Job.kind, kind), (Job.status, status))
    return pagination.paginate_keyset(query, JOB_ORDER, req)


def kinds() -> list[str]:
    """The kinds of job stored, sorted (the jobs page's filter list)."""
    return list(db.session.scalars(db.select(Job.kind).distinct().order_by(Job.kind)))


def acquire_lease(name: str, holder: str, ttl_seconds: int, now: Optional[datetime] = None) -> bool:
    """True when `holder` holds the lease `name` until now + ttl (taken over only once expired).

    A single conditional UPDATE (or the INSERT of the first row) is atomic in every database,
    so two processes can never both believe they hold it.
    """
    now = clock.or_now(now)
    expires = now + timedelta(seconds=ttl_seconds)
    stmt = (db.update(SchedulerLease).where(SchedulerLease.name == name)
            .where((SchedulerLease.holder == holder) | (SchedulerLease.expires_at < now))
            .values(holder=holder, expires_at=expires))
    if db.session.execute(stmt).rowcount == 1:
        db.session.commit()
        return True
    db.session.rollback()
    if db.session.get(SchedulerLease, name) is not None:
        return False
    db.session.add(SchedulerLease(name=name, holder=holder, expires_at=expires))
    try:
        db.session.commit()
        return True
    except IntegrityError:
        db.session.rollback()
        return False


def release_lease(name: str, holder: str) -> None:
    db.session.execute(db.delete(SchedulerLease).where(SchedulerLease.name == name,
                                                       SchedulerLease.holder == holder))
    db.session.commit()


def lease_holder(name: str) -> Optional[tuple[str, datetime]]:
    row = db.session.get(SchedulerLease, name)
    return (row.holder, as_utc(row.expires_at)) if row else None


def claim(job_id: int, include_failed: bool = False, lease_seconds: int = LEASE_SECONDS) -> Optional[Job]:
    """Atomically move a queued (or failed, when asked) job to running; None if another process has it.

    The claim lasts `lease_seconds` unless renewed (run_claimed renews it), and a running job whose
    lease has passed is claimed again: whoever ran it died. A claim made before leases (none
    recorded) is never taken over."""
    now = clock.now()
    states = ("queued", "failed") if include_failed else ("queued",)
    claimable = Job.status.in_(states) | ((Job.status == "running") & (Job.lease_until < now))
    lease = now + timedelta(seconds=lease_seconds)
    stmt = (db.update(Job).where(Job.id == job_id, claimable)
            .values(status="running", started_at=now, attempts=Job.attempts + 1, lease_until=lease))
    if db.session.execute(stmt).rowcount != 1:
        db.session.rollback()
        return None
    db.session.commit()
    return db.session.get(Job, job_id)


def renew_lease(job_id: int, lease_seconds: int = LEASE_SECONDS) -> bool:
    """Extend a running job's lease by `lease_seconds` from now; False when it is no longer running."""
    stmt = (db.update(Job).where(Job.id == job_id, Job.status == "running", Job.lease_until.is_not(None))
            .values(lease_until=clock.now() + timedelta(seconds=lease_seconds)))
    renewed = db.session.execute(stmt).rowcount == 1
    db.session.commit()
    return renewed


def lost(now: Optional[datetime] = None) -> list[Job]:
    """Running jobs whose lease has passed: the worker that claimed them stopped without finishing."""
    now = clock.or_now(now)
    return list(db.session.scalars(db.select(Job).where(Job.status == "running", Job.lease_until < now)
                                   .order_by(Job.id)))


def run_claimed(job_id: int, handler: Callable[[dict], dict]) -> Job:
    """Run a job this process has claimed (finish), renewing its lease meanwhile."""
    with _renewing(job_id):
        return finish(job_id, handler)


@contextmanager
def _renewing(job_id: int) -> Iterator[None]:
    """Renew the job's lease every RENEW_SECONDS in a thread (its own app context and session)
    until the block ends."""
    app, stop = current_app._get_current_object(), threading.Event()

    def beat() -> None:
        with app.app_context():
            while not stop.wait(RENEW_SECONDS):
                try:
                    renew_lease(job_id)
                except Exception:  # a missed beat is logged; the lease outlasts two of them
                    log.warning("could not renew the lease of job %s", job_id, exc_info=True)

    thread = threading.Thread(target=beat, name=f"qadesk-lease-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def finish(job_id: int, handler: Callable[[dict], dict]) -> Job:
    """Run a claimed job's handler and record done (with its result) or failed (with the reason)."""
    job = db.session.get(Job, job_id)
    try:
        result = handler(dict(job.payload or {}))
    except Exception as exc:  # a failed job must record why, whatever went wrong
        db.session.rollback()
        job = db.session.get(Job, job_id)
        job.status, job.error = "failed", _reason(exc)
        log.error("job %s failed\n%s", job.key, traceback.format_exc())
    else:
        job = db.session.get(Job, job_id)
        job.status, job.result, job.error = "done", result, None
    job.finished_at, job.lease_until = utcnow(), None
    db.session.commit()
    return job


def _reason(exc: Exception) -> str:
    if getattr(exc, "reason", None):  # domain errors carry a plain-English reason
        return str(exc.reason)
    message = str(exc)
    return message if isinstance(exc, (ValueError, OSError, LookupError)) and message else f"{type(exc).__name__}: {exc}"


def queued_before(cutoff: datetime) -> list[Job]:
    """Jobs still queued that were made before `cutoff`."""
    return list(db.session.scalars(db.select(Job).where(Job.status == "queued", Job.created_at < cutoff)
                                   .order_by(Job.id)))


def by_kind(kind: str, statuses: tuple[str, ...]) -> list[Job]:
    return list(db.session.scalars(db.select(Job).where(Job.kind == kind, Job.status.in_(statuses)).order_by(Job.id)))
