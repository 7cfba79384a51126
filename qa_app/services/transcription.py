"""Call audio: queue a transcription job per recording, run jobs (CLI, worker pool or scheduler),
store the transcript like any other conversation, and keep or delete the audio per retention.

Recordings are stored under the instance's audio folder by content hash; a conversation names
its recording only by that hash (never by a file name taken from input)."""
from __future__ import annotations

import hashlib
import os
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Optional

from flask import current_app
from flask_babel import gettext as _

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Conversation, Job
from qa_app.services import jobs, scoring
from qa_app.services.conversation_store import AgentResolver, Incoming, IngestOptions, IngestSummary, store_batch
from qa_app.settings import settings as instance_settings
from transcripts.fingerprint import content_hash
from transcripts.pii import DEFAULT as DEFAULT_REDACTION, RedactionConfig

KIND = "transcribe"
AUDIO_SUFFIXES = (".wav", ".mp3", ".m4a", ".ogg", ".flac")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_transcriber = None  # one per process: the Whisper model loads once


def default_stereo_map() -> tuple[str, str]:
    """The instance's stereo channel map (QADESK_STEREO_MAP, "agent,customer" by default)."""
    return tuple(instance_settings().stereo_map)


def redaction_config() -> Optional[RedactionConfig]:
    """PII redaction of the instance (QADESK_REDACTION: on by default; None when off)."""
    return DEFAULT_REDACTION if instance_settings().redaction else None


def audio_dir() -> Path:
    folder = Path(current_app.instance_path) / "audio"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stored_audio(name: str) -> Optional[Path]:
    """The stored recording file `name` if it exists inside the audio folder, else None
    (whatever `name` holds: "..", an absolute path or a link never leads out of the folder)."""
    folder = audio_dir().resolve()
    path = (folder / name).resolve()
    return path if path.is_relative_to(folder) and path.is_file() else None


def queue_file(path: Path, options, summary) -> Optional[Job]:
    """Queue one recording file. The same audio (by content hash) is a duplicate, never a second job."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        summary.fail(str(path), f"cannot read audio file: {exc.strerror or exc}")
        return None
    return queue_bytes(data, str(path), options, summary)


def queue_bytes(data: bytes, source: str, options, summary) -> Optional[Job]:
    """Queue recorded audio given as bytes (an upload); `source` is its file name or path.

    The agent is checked now (known, or to be created on request; covered by the uploader), so
    a recording that could not be filed is refused before it is stored."""
    if not data:
        summary.fail(source, _("the audio file is empty"))
        return None
    if not options.agent:
        summary.fail(source, _("no agent login given for this recording (use --agent)"))
        return None
    refusal = AgentResolver(options).check(options.agent)
    if refusal:
        summary.fail(source, refusal)
        return None
    sha = hashlib.sha256(data).hexdigest()
    if _known_audio(sha):
        summary.duplicates += 1
        return None
    suffix = Path(source).suffix.lower()
    stored = audio_dir() / f"{sha}{suffix if suffix in AUDIO_SUFFIXES else ''}"
    if not stored.exists():
        stored.write_bytes(data)
        _stamp(stored)
    payload = {"audio": stored.name, "source": source, "external_id": Path(source).stem, "sha256": sha,
               "agent": options.agent, "stereo_map": list(options.stereo_map),
               "redact": options.redaction is not None, "create_agents": options.create_agents}
    job, created = jobs.enqueue(KIND, f"{KIND}:{sha}", payload)
    summary.queued += 1
    summary.job_ids.append(job.id)
    return job


def recent_jobs(limit: int = 20) -> list[Job]:
    """The latest transcription jobs with their status, for the upload page."""
    return list(db.session.scalars(db.select(Job).where(Job.kind == KIND)
                                   .order_by(Job.created_at.desc(), Job.id.desc()).limit(limit)))


def _known_audio(sha: str) -> bool:
    done = db.session.scalar(db.select(Job.id).where(Job.key == f"{KIND}:{sha}", Job.status == "done"))
    return done is not None


def pending_job_ids(include_failed: bool = False) -> list[int]:
    """Queued jobs (and failed ones when asked), and running ones whose lease has passed: the
    process that ran them stopped (kill -9, power loss) without finishing."""
    states = ("queued", "failed") if include_failed else ("queued",)
    lost = [j.id for j in jobs.lost() if j.kind == KIND]
    return sorted({j.id for j in jobs.by_kind(KIND, states)} | set(lost))


def run_jobs(job_ids: list[int], summary, progress: Optional[Callable[[int], None]] = None,
             transcriber=None) -> None:
    """Run the jobs one after another (each claimed first, so no two workers run one job)."""
    for job_id in job_ids:
        job = jobs.claim(job_id, include_failed=True)
        if job is not None:
            job = jobs.run_claimed(job_id, lambda payload: transcribe_job(payload, transcriber))
            _count(job, summary)
        else:
            _not_claimed(job_id, summary)
        if progress:
            progress(1)


def _not_claimed(job_id: int, summary) -> None:
    """Another process has the job: done meanwhile (a duplicate), or running under its lease (said,
    so the recording is not taken for transcribed)."""
    job = db.session.get(Job, job_id)
    if job.status == "done":
        summary.duplicates += 1
    elif job.status == "running":
        until = job.lease_until.strftime("%H:%M:%S UTC") if job.lease_until else "?"
        summary.fail(job.payload.get("source", job.key),
                     _("being transcribed by another process (its claim lasts until %(until)s unless renewed); "
                       "if that process has stopped, run `qadesk transcribe` after then", until=until))


def _count(job: Job, summary) -> None:
    if job.status == "done":
        if job.result.get("duplicate"):
            summary.duplicates += 1
        else:
            summary.ingested += 1
            summary.conversation_ids.append(job.result["conversation"])
    else:
        summary.fail(job.payload.get("source", job.key), job.error or "transcription failed")


def transcriber():
    """The process's Whisper transcriber built from the instance settings (loaded on first use)."""
    global _transcriber
    if _transcriber is None:
        from transcripts.audio import FasterWhisperTranscriber
        _transcriber = FasterWhisperTranscriber(instance_settings().whisper())
    return _transcriber


def transcribe_job(payload: dict, engine=None) -> dict:
    """Transcribe one recording, then store and score it with one commit (score_pending's), so
    a failure at any step stores nothing and the job can run again; raises with a clear reason
    when the audio is bad or the conversation cannot be filed."""
    from transcripts.audio import PipelineOptions, to_conversation, transcribe_call  # loads Whisper's stack
    path = stored_audio(payload["audio"])
    if path is None:
        raise ValueError("the recording is no longer stored (purged by the retention period)")
    if not payload.get("agent"):
        raise ValueError("no agent login given for this recording (use --agent)")
    transcript = transcribe_call(path, engine or transcriber(),
                                 PipelineOptions(stereo_map=tuple(payload["stereo_map"])))
    conversation = to_conversation(transcript, payload["external_id"], payload["agent"])
    options = IngestOptions(redaction=redaction_config() if payload.get("redact", True) else None,
                            create_agents=bool(payload.get("create_agents")))
    summary = IngestSummary()
    store_batch([Incoming(payload["source"], conversation, content_hash(conversation))], summary,
                payload["source"], options, AgentResolver(options), audio_sha256=payload["sha256"])
    if summary.errors:
        raise ValueError(summary.errors[0]["error"])
    if summary.duplicates:
        db.session.commit()
        return {"duplicate": True}
    scoring.score_pending(conversation_ids=summary.conversation_ids)  # commits the conversation too
    _apply_retention(path)
    return {"conversation": summary.conversation_ids[0], "turns": len(conversation.turns)}


def _stamp(path: Path) -> None:
    """Date a stored recording by the product's clock, not the file system's: retention
    (purge_audio) then counts days on the same clock as everything else."""
    moment = clock.now().timestamp()
    os.utime(path, (moment, moment))


def _apply_retention(path: Path) -> None:
    """Retention 0 days deletes the audio once transcribed; otherwise purge_audio removes it later."""
    if instance_settings().audio_retention_days == 0:
        path.unlink(missing_ok=True)


def purge_audio(now: Optional[datetime] = None) -> int:
    """Delete stored recordings older than the retention period; returns how many were deleted."""
    days = instance_settings().audio_retention_days
    cutoff = clock.or_now(now) - timedelta(days=days)
    deleted = 0
    for f in audio_dir().iterdir():
        if datetime.fromtimestamp(f.stat().st_mtime, timezone.utc) < cutoff:
            f.unlink(missing_ok=True)
            deleted += 1
    return deleted


def audio_path_for(conv: Conversation) -> Optional[Path]:
    """The stored recording of a call, if it is still kept: found by the conversation's audio
    hash, inside the audio folder only."""
    sha = conv.audio_sha256
    if not sha or not _SHA256.fullmatch(sha):
        return None
    return next(filter(None, (stored_audio(f"{sha}{suffix}") for suffix in AUDIO_SUFFIXES + ("",))), None)
