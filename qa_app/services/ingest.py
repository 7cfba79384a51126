"""Ingestion use cases: files from the shell, uploads from the web page, records from the API.

Parsed conversations are redacted, measured and stored in bulk (services.conversation_store);
duplicates, conflicts and bad records are counted and reported per record, never half-stored.
Audio files become transcription jobs (services.transcription). Uploads and API requests are
stored and scored with one commit, so a failure leaves nothing behind.

Imports go one way: ingest -> bulk, transcription -> conversation_store.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from qa_app.extensions import db
from qa_app.services import ServiceError, bulk, scoring, transcription
from qa_app.services.conversation_store import (BATCH, Incoming, IngestOptions, IngestSummary,
                                                incoming, insert_many, store_batch, store_items)
from transcripts import formats, records
from transcripts.errors import ParseError, RecordError, RecordInvalid
from transcripts.fingerprint import content_hash

__all__ = ["AUDIO_SUFFIXES", "BATCH", "IngestOptions", "IngestSummary", "StoreFailed", "Upload",
           "expand_paths", "ingest_api_items", "ingest_dicts", "ingest_paths", "ingest_text",
           "ingest_upload", "ingest_uploads", "insert_many", "is_audio", "store_batch", "store_items"]

log = logging.getLogger(__name__)
AUDIO_SUFFIXES = transcription.AUDIO_SUFFIXES
TEXT_SUFFIXES = tuple(formats.EXTENSIONS)


class StoreFailed(ServiceError):
    """The database refused the write; the whole request was rolled back."""


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and the transcript and audio files inside directories named (recursively, sorted)."""
    wanted = TEXT_SUFFIXES + AUDIO_SUFFIXES
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in wanted))
        else:
            found.append(p)
    return found


def is_audio(path: Path, fmt: str = "auto") -> bool:
    return fmt == "audio" or (fmt == "auto" and path.suffix.lower() in AUDIO_SUFFIXES)


def ingest_paths(paths: Iterable[str | Path], options: IngestOptions = IngestOptions(),
                 progress: Optional[Callable[[int], None]] = None) -> IngestSummary:
    """Ingest transcript files (the shell); audio files are queued as transcription jobs.

    A long run: each batch is committed once stored, so a stopped run keeps what it finished
    and running it again counts that as duplicates. A file that cannot be read stores nothing.
    """
    summary = IngestSummary()
    for path in expand_paths(paths):
        if is_audio(path, options.fmt):
            transcription.queue_file(path, options, summary)
            continue
        try:
            if bulk.worth_parallel(path, options.fmt):
                bulk.ingest_ndjson(path, summary, options, progress)
                continue
            located = formats.parse_file_located(path, options.fmt, agent=options.agent, channel=options.channel,
                                                 options=options.format_options or None)
            store_items(incoming(located), summary, str(path), options, progress, after_batch=db.session.commit)
        except (ParseError, OSError) as exc:
            db.session.rollback()
            summary.fail(getattr(exc, "source", str(path)), getattr(exc, "message", str(exc)))
        db.session.commit()
    return summary


def ingest_text(text: str | bytes, filename: str, options: IngestOptions = IngestOptions()) -> IngestSummary:
    """Ingest one uploaded text file and commit (no scoring; see ingest_uploads for the web page).

    Raw bytes are best: a line that is not UTF-8 is then reported on its own line.
    """
    summary = _stage_text(text, filename, options)
    db.session.commit()
    return summary


def ingest_upload(data: bytes, filename: str, options: IngestOptions = IngestOptions()) -> IngestSummary:
    """One uploaded file, committed: a recording is queued for transcription, anything else ingested now."""
    if is_audio(Path(filename), options.fmt):
        summary = IngestSummary()
        transcription.queue_bytes(data, filename, options, summary)
        return summary
    return ingest_text(data, filename, options)


def ingest_dicts(objects: Iterable[object], source: str, options: IngestOptions = IngestOptions()) -> IngestSummary:
    """Ingest already-decoded canonical objects (e.g. generated data) and commit; errors cite `source#index`."""
    summary = IngestSummary()
    store_items(_from_dicts(objects, source), summary, source, options)
    db.session.commit()
    return summary


@dataclass
class Upload:
    """What the upload page shows: each file's summary and the scoring of the new conversations."""

    files: list[tuple[str, IngestSummary]]
    scored: Optional[scoring.ScoreSummary]

    @property
    def errors(self) -> list[dict]:
        return [e for _name, summary in self.files for e in summary.errors]

    @property
    def job_ids(self) -> list[int]:
        return [j for _name, summary in self.files for j in summary.job_ids]


def ingest_uploads(files: list[tuple[str, bytes]], options: IngestOptions) -> Upload:
    """The upload page's use case: every transcript file is stored and the new conversations
    scored with one commit; then each recording is queued (its own unit: a job per recording).

    Raises StoreFailed (nothing stored) when the database refuses the write.
    """
    def stage():
        return [(name, None if is_audio(Path(name), options.fmt) else _stage_text(data, name, options))
                for name, data in files]
    staged, scored = _atomically(stage)
    results = []
    for (name, summary), (_name, data) in zip(staged, files):
        if summary is None:
            summary = IngestSummary()
            transcription.queue_bytes(data, name, options, summary)
        results.append((name, summary))
    return Upload(results, scored)


def ingest_api_items(items: list, options: IngestOptions = IngestOptions()) -> list[dict]:
    """The API's use case: one result per item {"index", "id", "status": ingested | duplicate |
    conflict | error, ...}; what was stored is scored, all with one commit.

    Raises StoreFailed (nothing stored) when the database refuses the write."""
    results, _scored = _atomically(lambda: [_api_item(i, obj, options) for i, obj in enumerate(items)])
    return [doc for doc, _summary in results]


def _api_item(i: int, obj: object, options: IngestOptions) -> tuple[dict, IngestSummary]:
    summary = IngestSummary()
    store_items(_from_dicts([obj], f"item[{i}]"), summary, "api", options)
    ext = obj.get("id") if isinstance(obj, dict) else None
    ext = ext if isinstance(ext, str) else None  # the answer's id is a string or null (openapi.json)
    doc = {"index": i, "id": ext}
    if summary.failed or summary.conflicts:
        doc.update(status="conflict" if summary.conflicts else "error", error=summary.errors[0]["error"],
                   code="conflict" if summary.conflicts else "invalid_record")
    elif summary.duplicates:
        doc.update(status="duplicate")
    else:
        doc.update(status="ingested", conversation=summary.conversation_ids[0])
    return doc, summary


def _atomically(stage: Callable[[], list[tuple[object, Optional[IngestSummary]]]]):
    """(stage's results, the scoring of what they stored): the staged rows and their evaluations
    are committed together by score_pending's single commit; on any error nothing is kept (a
    busy database's OperationalError goes on to the app's retry page, others become StoreFailed)."""
    try:
        results = stage()
        new_ids = [cid for _r, summary in results if summary for cid in summary.conversation_ids]
        scored = scoring.score_pending(conversation_ids=new_ids) if new_ids else None
        db.session.commit()
    except OperationalError:  # busy or locked: the app's busy page (views.errors) says to retry
        db.session.rollback()
        raise
    except SQLAlchemyError as exc:
        db.session.rollback()
        log.exception("ingest rolled back")
        raise StoreFailed(_("the conversations could not be stored (database error: %(error)s); nothing was "
                            "stored, try again", error=type(getattr(exc, "orig", exc)).__name__)) from exc
    except Exception:
        db.session.rollback()
        raise
    return results, scored


def _stage_text(text: str | bytes, filename: str, options: IngestOptions) -> IngestSummary:
    """Parse one uploaded file whole, then store its records (no commit). A file that cannot be
    parsed at all stores none of its records."""
    summary = IngestSummary()
    try:
        items = list(incoming(formats.parse_text_located(
            text, filename, options.fmt, agent=options.agent, channel=options.channel,
            options=options.format_options or None)))
    except ParseError as exc:
        summary.fail(exc.source, exc.message)
        return summary
    store_items(items, summary, f"upload:{filename}", options)
    return summary


def _from_dicts(objects: Iterable[object], source: str) -> Iterator[Incoming | RecordError]:
    for i, obj in enumerate(objects):
        where = source if source.startswith("item[") else f"{source}#{i}"
        try:
            conv = records.conversation_from_dict(obj)
        except RecordInvalid as exc:
            yield RecordError(where, str(exc))
        else:
            yield Incoming(where, conv, content_hash(conv))
