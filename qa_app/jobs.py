"""Scheduled jobs as one table of definitions, and the single scheduler that runs them."""
from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

from flask import Flask

from qa_app import clock
from qa_app.settings import settings as instance_settings

log = logging.getLogger(__name__)
LEASE = "scheduler"


@dataclass(frozen=True)
class JobDefinition:
    """A recurring job: `key(now)` names one run, so a run happens once however often we tick."""

    kind: str
    description: str
    key: Callable[[datetime], str]
    handler: Callable[[dict], dict]


def _mark_overdue(payload: dict) -> dict:
    from qa_app.services import training
    return {"marked_overdue": training.mark_overdue()}


def _training_rules(payload: dict) -> dict:
    from qa_app.services import rule_runs
    return rule_runs.apply_rules_nightly()


def _training_reminders(payload: dict) -> dict:
    from qa_app.services import reminders
    return reminders.send_due()


def _coaching_follow_ups(payload: dict) -> dict:
    from qa_app.services import coaching_reminders
    return coaching_reminders.send_due()


def _certificate_renewals(payload: dict) -> dict:
    from qa_app.services import certificates
    return certificates.renew_due()


def _purge_audio(payload: dict) -> dict:
    from qa_app.services import transcription
    return {"deleted": transcription.purge_audio()}


def _purge_transcripts(payload: dict) -> dict:
    from qa_app.services import erasure
    return erasure.purge_transcripts()


def _previous_week_key(now: datetime) -> str:
    from scoring.sampling import week_of
    return f"sample:{week_of(now.date() - timedelta(days=7))}"


def _sample_week(payload: dict) -> dict:
    """Sample the week named by the running sample job's key (the week just ended when it was due)."""
    from qa_app.services import jobs, sampling
    week = jobs.by_kind("sample", ("running",))[-1].key.split(":", 1)[1]
    result = sampling.sample_week(week)
    return {"week": week, "picks": len(result.picks), "created": result.created}


def _close_calibration(payload: dict) -> dict:
    from qa_app.services import calibration_sessions
    return {"closed": calibration_sessions.close_overdue()}


def _previous_month_key(now: datetime) -> str:
    from training.periods import period_of
    return f"appraisal_drafts:{period_of(period_of(now).start - timedelta(days=1)).label}"


def _appraisal_drafts(payload: dict) -> dict:
    """Draft the periods closed since the last run (the month of this run's key and any missed before)."""
    from qa_app.services import appraisals, jobs
    month = jobs.by_kind("appraisal_drafts", ("running",))[-1].key.split(":", 1)[1]
    return appraisals.draft_closed_periods(month)


DEFINITIONS: tuple[JobDefinition, ...] = (
    JobDefinition("mark_overdue", "Mark training assignments past their due date as overdue (daily)",
                  lambda now: f"mark_overdue:{now.date().isoformat()}", _mark_overdue),
    JobDefinition("training_rules", "Apply the training rules in force to every agent's newest final evaluations, "
                  "so a changed rule takes effect (daily; scoring runs and reviews apply them at once)",
                  lambda now: f"training_rules:{now.date().isoformat()}", _training_rules),
    JobDefinition("training_reminders", "Remind agents of courses due soon, today or overdue, and tell their "
                  "leads of overdue ones (hourly; a later run catches up on missed ones)",
                  lambda now: f"training_reminders:{now:%Y-%m-%dT%H}", _training_reminders),
    JobDefinition("coaching_follow_ups", "Remind owners of coaching actions due soon, today or overdue, and tell "
                  "the coach of overdue ones (hourly; a later run catches up on missed ones)",
                  lambda now: f"coaching_follow_ups:{now:%Y-%m-%dT%H}", _coaching_follow_ups),
    JobDefinition("certificate_renewals", "Assign the course again to holders of certificates that expire "
                  "within QADESK_CERTIFICATE_RENEW_DAYS (daily)",
                  lambda now: f"certificate_renewals:{now.date().isoformat()}", _certificate_renewals),
    JobDefinition("purge_audio", "Delete call recordings older than the retention period (daily)",
                  lambda now: f"purge_audio:{now.date().isoformat()}", _purge_audio),
    JobDefinition("purge_transcripts", "Erase the text, customer and survey comments of conversations older than "
                  "QADESK_TRANSCRIPT_RETENTION_DAYS, keeping their scores (daily; 0 keeps them)",
                  lambda now: f"purge_transcripts:{now.date().isoformat()}", _purge_transcripts),
    JobDefinition("sample", "Build reviewer queues from the week just ended (weekly, first tick of the week)",
                  _previous_week_key, _sample_week),
    JobDefinition("close_calibration", "Store the closure of calibration sessions past their deadline (daily)",
                  lambda now: f"close_calibration:{now.date().isoformat()}", _close_calibration),
    JobDefinition("appraisal_drafts", "Draft every agent's appraisal for the month, quarter and year just closed "
                  "(monthly, first tick of the month; catches up on months missed)",
                  _previous_month_key, _appraisal_drafts),
)
STALE_QUEUED = timedelta(minutes=2)

def _transcribe(payload: dict) -> dict:
    from qa_app.services import transcription
    return transcription.transcribe_job(payload)


def _score_run(payload: dict) -> dict:
    from qa_app.services import scoring_jobs
    return scoring_jobs.run(payload)


def _register_with_broker() -> None:
    """Every job kind the product has, with its handler and queue, for the distributed workers:
    the scheduled definitions, transcriptions and bulk scoring runs (which have queues of their own)."""
    from qa_app import broker
    from qa_app.services.scoring_jobs import KIND as SCORING_KIND
    from qa_app.services.transcription import KIND as TRANSCRIPTION_KIND
    for definition in DEFINITIONS:
        broker.register_handler(definition.kind, definition.handler)
    broker.register_handler(TRANSCRIPTION_KIND, _transcribe, broker.TRANSCRIPTION_QUEUE)
    broker.register_handler(SCORING_KIND, _score_run, broker.SCORING_QUEUE)


_register_with_broker()
  # queued longer than this: its web worker died, the scheduler runs it


def run_due(now: datetime | None = None, submit: Callable[[int], None] | None = None) -> list[str]:
    """Enqueue and run every definition whose run for `now` has not happened yet; returns their keys.

    With `submit` (the distributed workers) a new run is handed to it by job id instead of run here."""
    from qa_app.services import jobs
    now = clock.or_now(now)
    ran = []
    for definition in DEFINITIONS:
        job, created = jobs.enqueue(definition.kind, definition.key(now))
        if submit is not None:  # handed over once; a stranded run comes back through the sweep
            if created:
                submit(job.id)
                ran.append(job.key)
        # claimed, not just run: a scheduler that lost the lease mid-beat may still be here
        elif job.status != "done" and jobs.claim(job.id) is not None:  # queued, or its runner died
            jobs.run_claimed(job.id, definition.handler)
            ran.append(job.key)
    return ran


def external(app: Flask | None = None) -> bool:
    """True when QADESK_SCHEDULER=external: web processes neither start a scheduler nor run jobs."""
    return instance_settings(app).scheduler == "external"


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def tick(app: Flask, holder: str) -> bool:
    """One scheduler beat: run due jobs only if this process holds the lease. True when it did."""
    from qa_app.services import jobs
    ttl = 3 * instance_settings(app).scheduler_tick_seconds
    with app.app_context():
        if not jobs.acquire_lease(LEASE, holder, ttl):
            return False
        _run_or_submit_jobs(app)
        deliver_notifications()
        seal_audit()
        return True


def _run_or_submit_jobs(app: Flask) -> None:
    """Without a broker the scheduler runs the due jobs itself; with one it hands them to the
    distributed workers and sends back the jobs stranded by a dead worker or a lost queue."""
    from qa_app import broker
    if not broker.enabled(app):
        run_due()
        run_stale_transcriptions()
        return
    try:
        run_due(submit=lambda job_id: broker.submit(app, [job_id], broker.JOBS_QUEUE))
        broker.requeue_stranded(app)
    except broker.BrokerUnavailable as exc:  # the runs stay queued; a later beat's sweep submits them
        log.error("scheduled jobs not submitted: %s", exc)


def seal_audit() -> int:
    """Chain the audit entries written since the last beat (services.audit.seal)."""
    from qa_app.services import audit
    return audit.seal()


def deliver_notifications() -> dict:
    """E-mail copies of notifications still to send, on every beat (nothing when SMTP is not set)."""
    from qa_app.services import notifications
    return notifications.deliver_pending(base_url=instance_settings().base_url)


def run_stale_transcriptions(now: datetime | None = None) -> int:
    """Transcription jobs left queued (their web process stopped) or running under a lease that has
    passed (whoever ran them died) are run by the scheduler; under an external scheduler web
    processes run none, so every queued one is the scheduler's at once."""
    from qa_app.services import ingest, jobs, transcription
    now = clock.or_now(now)
    since = now if external() else now - jobs.STALE_QUEUED
    stale = [j.id for j in jobs.by_kind(transcription.KIND, ("queued",)) if j.created_at <= since]
    stale += [j.id for j in jobs.lost(now) if j.kind == transcription.KIND]  # their runner died
    if stale:
        transcription.run_jobs(stale, ingest.IngestSummary())
    return len(stale)


def start_scheduler(app: Flask, blocking: bool = False):
    """Start APScheduler ticking every QADESK_SCHEDULER_TICK_SECONDS; jobs run only under the lease.

    Every process may start a scheduler, yet only the lease holder runs jobs, so exactly one
    scheduler is active however many web workers there are. Web processes call it only when
    QADESK_SCHEDULER=embedded (`qadesk serve`); the WSGI entry (qa_app.wsgi) never does.
    """
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler
    holder = holder_id()
    scheduler = (BlockingScheduler if blocking else BackgroundScheduler)(timezone=timezone.utc)
    scheduler.add_job(tick, "interval", seconds=instance_settings(app).scheduler_tick_seconds,
                      args=(app, holder), next_run_time=clock.now(),
                      max_instances=1, coalesce=True, id="qadesk-tick")
    log.info("scheduler %s starting", holder)
    _release_on_terminate(app, scheduler, holder)
    scheduler.start()
    return scheduler


def _release_on_terminate(app: Flask, scheduler, holder: str) -> None:
    """On SIGTERM (systemd stop, kill) stop ticking and give the lease up before exiting, so another
    scheduler takes over at once and `qadesk restore` does not see the stopped one as still serving.
    Only the main thread may install signal handlers; a scheduler started elsewhere keeps the lease
    until it runs out (three beats)."""
    if threading.current_thread() is not threading.main_thread():
        return

    def stop(signum, frame):
        from qa_app.services import jobs
        scheduler.shutdown(wait=False)
        with app.app_context():
            jobs.release_lease(LEASE, holder)
        log.info("scheduler %s stopped; lease released", holder)
        raise SystemExit(0)
    signal.signal(signal.SIGTERM, stop)
