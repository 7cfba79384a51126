"""Call audio: queue a transcription job per recording, run jobs (CLI, worker pool or scheduler),
store the transcript like any other conversation, and keep or delete the audio per retention."""
from __future__ import annotations

import hashlib
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Optional

from flask import current_app

from qa_app.extensions import db
from qa_app.models import Conversation, Job
from qa_app.services import jobs
from qa_app.settings import settings as instance_settings

KIND = "transcribe"
_transcriber = None  # one per process: the Whisper model loads once


def default_stereo_map() -> tuple[str, str]:
    """The instance's stereo channel map (QADESK_STEREO_MAP, "agent,customer" by default)."""
    return instance_settings().stereo_map


def redaction_config():
    """PII redaction of the instance: everything (the default), or None when QADESK_REDACTION is off."""
    from transcripts.pii import DEFAULT
    return DEFAULT if instance_settings().redaction else None


def audio_dir() -> Path:
    folder = Path(current_app.instance_path) / "audio"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def queue_file(path: Path, options, summary) -> Optional[Job]:
    """Queue one recording file. The same audio (by content hash) is a duplicate, never a second job."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        summary.fail(str(path), f"cannot read audio file: {exc.strerror or exc}")
        return None
    return queue_bytes(data, str(path), options, summary)


def queue_bytes(data: bytes, source: str, options, summary) -> Optional[Job]:
    """Queue recorded audio given as bytes (an upload); `source` is its file name or path."""
    if not data:
        summary.fail(source, "the audio file is empty")
        return None
    sha = hashlib.sha256(data).hexdigest()
    if _known_audio(sha):
        summary.duplicates += 1
        return None
    stored = audio_dir() / f"{sha}{Path(source).suffix.lower()}"
    if not stored.exists():
        stored.write_bytes(data)
    payload = {"audio": stored.name, "source": source, "external_id": Path(source).stem, "sha256": sha,
               "agent": options.agent, "stereo_map": list(options.stereo_map),
               "redact": options.redaction is not None}
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
    states = ("queued", "failed") if include_failed else ("queued",)
    return [j.id for j in jobs.by_kind(KIND, states)]


def run_jobs(job_ids: list[int], summary, progress: Optional[Callable[[int], None]] = None,
             transcriber=None) -> None:
    """Run the jobs one after another (each claimed first, so no two workers run one job)."""
    for job_id in job_ids:
        job = jobs.claim(job_id, include_failed=True)
        if job is not None:
            job = jobs.finish(job_id, lambda payload: transcribe_job(payload, transcriber))
            _count(job, summary)
        if progress:
            progress(1)


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
    """Transcribe one recording and store it; raises with a clear reason when the audio is bad."""
    from qa_app.services import ingest
    from transcripts.audio import PipelineOptions, to_conversation, transcribe_call
    path = audio_dir() / payload["audio"]
    if not payload.get("agent"):
        raise ValueError("no agent login given for this recording (use --agent)")
    transcript = transcribe_call(path, engine or transcriber(),
                                 PipelineOptions(stereo_map=tuple(payload["stereo_map"])))
    conversation = to_conversation(transcript, payload["external_id"], payload["agent"],
                                   metadata={"audio_file": payload["audio"], "audio_sha256": payload["sha256"]})
    options = ingest.IngestOptions(redaction=redaction_config() if payload.get("redact", True) else None)
    summary = ingest.IngestSummary()
    ingest.store_items([conversation], summary, payload["source"], options, None)
    _apply_retention(path)
    if summary.duplicates:
        return {"duplicate": True}
    from qa_app.services import scoring
    scoring.score_pending(conversation_ids=summary.conversation_ids)
    return {"conversation": summary.conversation_ids[0], "turns": len(conversation.turns)}


def _apply_retention(path: Path) -> None:
    """Retention 0 days deletes the audio once transcribed; otherwise purge_audio removes it later."""
    if instance_settings().audio_retention_days == 0:
        path.unlink(missing_ok=True)


def purge_audio(now: Optional[datetime] = None) -> int:
    """Delete stored recordings older than the retention period; returns how many were deleted."""
    days = instance_settings().audio_retention_days
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=days)
    deleted = 0
    for f in audio_dir().iterdir():
        if datetime.fromtimestamp(f.stat().st_mtime, timezone.utc) < cutoff:
            f.unlink(missing_ok=True)
            deleted += 1
    return deleted


def audio_path_for(conv: Conversation) -> Optional[Path]:
    """The stored recording of a call, if it is still kept."""
    name = (conv.meta or {}).get("audio_file")
    path = audio_dir() / name if name else None
    return path if path and path.exists() else None
