"""Ingestion: parsed conversations are redacted, measured and stored in bulk; duplicates and bad
records are counted and never half-stored. Audio files become transcription jobs."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Optional

from qa_app.extensions import db
from qa_app.models import Conversation, Turn
from qa_app.services import users
from transcripts import formats, model, preparation, records
from transcripts.errors import ParseError, RecordError, RecordInvalid
from transcripts.pii import DEFAULT as DEFAULT_REDACTION, RedactionConfig

BATCH = 1000  # conversations per bulk insert: bounded memory, few round trips
AUDIO_SUFFIXES = (".wav", ".mp3", ".m4a", ".ogg", ".flac")
TEXT_SUFFIXES = tuple(formats.EXTENSIONS)


@dataclass(frozen=True)
class IngestOptions:
    """How to read files: format, the agent and channel for files that do not name them,
    the stereo channel map for calls, per-format parser options, and PII redaction (None = off)."""

    fmt: str = "auto"
    agent: Optional[str] = None
    channel: Optional[str] = None
    stereo_map: tuple[str, str] = ("agent", "customer")
    format_options: Mapping[str, object] = field(default_factory=dict)
    redaction: Optional[RedactionConfig] = DEFAULT_REDACTION


@dataclass
class IngestSummary:
    """What an ingest run did; `errors` lists {"source": "file:line", "error": "..."}."""

    ingested: int = 0
    duplicates: int = 0
    failed: int = 0
    queued: int = 0
    errors: list[dict] = field(default_factory=list)
    conversation_ids: list[int] = field(default_factory=list)
    job_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        doc = {"ingested": self.ingested, "duplicates": self.duplicates, "failed": self.failed,
               "errors": self.errors}
        if self.queued:
            doc["transcription_jobs"] = self.queued
        return doc

    def fail(self, source: str, message: str) -> None:
        self.failed += 1
        self.errors.append({"source": source, "error": message})


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
    """Ingest transcript files; audio files are queued as transcription jobs (see services.transcription)."""
    from qa_app.services import bulk, transcription
    summary = IngestSummary()
    for path in expand_paths(paths):
        if is_audio(path, options.fmt):
            transcription.queue_file(path, options, summary)
            continue
        try:
            if bulk.worth_parallel(path, options.fmt):
                bulk.ingest_ndjson(path, summary, options, progress)
                continue
            items = formats.parse_file(path, options.fmt, agent=options.agent, channel=options.channel,
                                       options=options.format_options or None)
            store_items(items, summary, str(path), options, progress)
        except (ParseError, OSError) as exc:
            db.session.rollback()
            summary.fail(getattr(exc, "source", str(path)), getattr(exc, "message", str(exc)))
    return summary


def ingest_text(text: str | bytes, filename: str, options: IngestOptions = IngestOptions()) -> IngestSummary:
    """Ingest uploaded content (the web form); the file name decides the format unless options.fmt does.

    Raw bytes are best: a line that is not UTF-8 is then reported on its own line.
    """
    summary = IngestSummary()
    try:
        items = formats.parse_text_as(text, filename, options.fmt, agent=options.agent,
                                      channel=options.channel, options=options.format_options or None)
        store_items(items, summary, f"upload:{filename}", options, None)
    except ParseError as exc:
        db.session.rollback()
        summary.fail(exc.source, exc.message)
    return summary


def ingest_upload(data: bytes, filename: str, options: IngestOptions = IngestOptions()) -> IngestSummary:
    """One uploaded file: a recording is queued for transcription, anything else ingested now."""
    if is_audio(Path(filename), options.fmt):
        from qa_app.services import transcription
        summary = IngestSummary()
        transcription.queue_bytes(data, filename, options, summary)
        return summary
    return ingest_text(data, filename, options)


def ingest_dicts(objects: Iterable[object], source: str, options: IngestOptions = IngestOptions()) -> IngestSummary:
    """Ingest already-decoded canonical objects (e.g. generated data); errors cite `source#index`."""
    summary = IngestSummary()
    store_items(_from_dicts(objects, source), summary, source, options, None)
    return summary


def ingest_api_items(items: list, options: IngestOptions = IngestOptions()) -> list[dict]:
    """One result per item of an API request: {"index", "id", "status": ingested|duplicate|error, ...}."""
    results = []
    for i, obj in enumerate(items):
        summary = IngestSummary()
        store_items(_from_dicts([obj], f"item[{i}]"), summary, "api", options, None)
        ext = obj.get("id") if isinstance(obj, dict) else None
        if summary.failed:
            results.append({"index": i, "id": ext, "status": "error", "error": summary.errors[0]["error"]})
        elif summary.duplicates:
            results.append({"index": i, "id": ext, "status": "duplicate"})
        else:
            results.append({"index": i, "id": ext, "status": "ingested", "conversation": summary.conversation_ids[0]})
    return results


def _from_dicts(objects: Iterable[object], source: str) -> Iterator:
    for i, obj in enumerate(objects):
        try:
            yield records.conversation_from_dict(obj)
        except RecordInvalid as exc:
            yield RecordError(f"{source}#{i}" if not source.startswith("item[") else source, str(exc))


def store_items(items: Iterable, summary: IngestSummary, source: str, options: IngestOptions,
                progress: Optional[Callable[[int], None]]) -> None:
    """Store good conversations in batches and record bad ones; commits each batch."""
    batch: list[model.Conversation] = []
    agents: dict[str, int] = {}
    for item in items:
        if isinstance(item, RecordError):
            summary.fail(item.source, item.message)
            continue
        batch.append(item)
        if len(batch) >= BATCH:
            _flush(batch, summary, source, options, agents, progress)
            batch = []
    _flush(batch, summary, source, options, agents, progress)


def _flush(batch, summary, source, options, agents, progress) -> None:
    if batch:
        store_batch(batch, summary, source, options, agents)
        db.session.commit()
        if progress:
            progress(len(batch))


def prepare(conv: model.Conversation, options: IngestOptions) -> model.Conversation:
    """Redact PII (the original never reaches the database), detect the language, add metrics."""
    return preparation.prepare(conv, options.redaction)


def store_batch(batch: list[model.Conversation], summary: IngestSummary, source: str,
                options: IngestOptions, agents: dict[str, int], prepared: bool = False) -> None:
    """Insert the batch's new conversations and their turns with two bulk statements.

    `prepared` says the conversations were already redacted and measured (by bulk workers)."""
    ids = [c.external_id for c in batch]
    existing = set(db.session.scalars(db.select(Conversation.external_id).where(Conversation.external_id.in_(ids))))
    fresh: list[model.Conversation] = []
    for conv in batch:
        if conv.external_id in existing:
            summary.duplicates += 1
        else:
            existing.add(conv.external_id)
            fresh.append(conv if prepared else prepare(conv, options))
    if not fresh:
        return
    rows = [_conversation_row(c, source, _agent_id(c.agent, agents)) for c in fresh]
    # Core inserts on the tables (not ORM objects): one executemany each, which keeps bulk
    # ingest fast; RETURNING in parameter order gives the new ids for the turns.
    conv_table, turn_table = Conversation.__table__, Turn.__table__
    stored = db.session.execute(conv_table.insert().returning(conv_table.c.id, sort_by_parameter_order=True), rows)
    new_ids = [r[0] for r in stored]
    turns = [{"conversation_id": cid, "idx": i, "speaker": t.speaker, "text": t.text, "at": t.at,
              "start": t.start, "end": t.end} for cid, c in zip(new_ids, fresh) for i, t in enumerate(c.turns)]
    if turns:
        insert_many(turn_table, turns)
    summary.ingested += len(new_ids)
    summary.conversation_ids.extend(new_ids)


def insert_many(table, rows: list[dict]) -> None:
    """INSERT many rows through the driver's executemany, with SQLAlchemy's own type conversions.

    Turns are the bulk of an ingest (20 rows a conversation); SQLAlchemy's per-row statement
    handling costs more than the database itself there, so the column values are converted with
    the columns' bind processors once and passed to the driver in one call.
    """
    connection = db.session.connection()
    dialect = connection.dialect
    compiled = table.insert().values({c: None for c in rows[0]}).compile(dialect=dialect)
    names = compiled.positiontup if compiled.positional else list(compiled.params)
    convert = {name: table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names}
    if compiled.positional:
        params = [tuple(_bound(convert[n], row[n]) for n in names) for row in rows]
    else:
        params = [{n: _bound(convert[n], row[n]) for n in names} for row in rows]
    connection.exec_driver_sql(str(compiled), params)


def _bound(processor, value):
    return processor(value) if processor is not None and value is not None else value


def _agent_id(login: str, cache: dict[str, int]) -> int:
    if login not in cache:
        cache[login] = users.ensure_agent(login).id
    return cache[login]


def _conversation_row(c: model.Conversation, source: str, agent_id: int) -> dict:
    started = c.started_at or next((t.at for t in c.turns if t.at is not None), None)
    return {"external_id": c.external_id, "channel": c.channel, "agent_id": agent_id, "started_at": started,
            "language": c.language, "queue": c.queue, "customer": c.customer, "csat": c.csat,
            "source": source, "meta": dict(c.metadata)}
