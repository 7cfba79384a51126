"""Ingestion: parsed conversations become rows; duplicates and bad records are counted, never half-stored."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from qa_app.extensions import db
from qa_app.models import Conversation, Turn
from qa_app.services import users
from transcripts import canonical, model
from transcripts.errors import ParseError, RecordError, RecordInvalid
from transcripts.language import detect_language

BATCH = 500  # rows per flush/duplicate look-up: bounded memory, few round trips
SUFFIXES = (".json", ".ndjson", ".jsonl")


@dataclass
class IngestSummary:
    """What an ingest run did; `errors` lists {"source": "file:line", "error": "..."}."""

    ingested: int = 0
    duplicates: int = 0
    failed: int = 0
    errors: list[dict] = field(default_factory=list)
    conversation_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"ingested": self.ingested, "duplicates": self.duplicates, "failed": self.failed,
                "errors": self.errors}

    def fail(self, source: str, message: str) -> None:
        self.failed += 1
        self.errors.append({"source": source, "error": message})


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and the conversation files inside directories named (recursively, sorted)."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(sorted(f for f in p.rglob("*") if f.suffix.lower() in SUFFIXES))
        else:
            found.append(p)
    return found


def ingest_paths(paths: Iterable[str | Path], progress: Optional[Callable[[int], None]] = None,
                 source_label: Optional[str] = None) -> IngestSummary:
    """Ingest canonical JSON/NDJSON files; `progress(n)` is called as records are processed."""
    summary = IngestSummary()
    for path in expand_paths(paths):
        try:
            records = canonical.iter_records(path)
            _store_all(records, summary, source_label or str(path), progress)
        except (ParseError, OSError) as exc:
            db.session.rollback()
            summary.fail(getattr(exc, "source", str(path)), getattr(exc, "message", str(exc)))
    return summary


def ingest_text(text: str | bytes, filename: str) -> IngestSummary:
    """Ingest uploaded content (the web form); the file name decides the format.

    Raw bytes are best: a line that is not UTF-8 is then reported on its own line.
    """
    summary = IngestSummary()
    try:
        records = canonical.parse_text(text, filename, Path(filename).suffix.lower().lstrip("."))
        _store_all(records, summary, f"upload:{filename}", None)
    except ParseError as exc:
        db.session.rollback()
        summary.fail(exc.source, exc.message)
    return summary


def ingest_dicts(objects: Iterable[object], source: str) -> IngestSummary:
    """Ingest already-decoded canonical objects (e.g. generated data); errors cite `source#index`."""
    summary = IngestSummary()

    def parsed():
        for i, obj in enumerate(objects):
            try:
                yield canonical.conversation_from_dict(obj)
            except RecordInvalid as exc:
                yield RecordError(f"{source}#{i}", str(exc))
    _store_all(parsed(), summary, source, None)
    return summary


def _store_all(records: Iterator, summary: IngestSummary, source: str,
               progress: Optional[Callable[[int], None]]) -> None:
    batch: list[model.Conversation] = []
    for item in records:
        if isinstance(item, RecordError):
            summary.fail(item.source, item.message)
        else:
            batch.append(item)
        if len(batch) >= BATCH:
            _store_batch(batch, summary, source)
            if progress:
                progress(len(batch))
            batch = []
    _store_batch(batch, summary, source)
    if progress and batch:
        progress(len(batch))
    db.session.commit()


def _store_batch(batch: list[model.Conversation], summary: IngestSummary, source: str) -> None:
    if not batch:
        return
    ids = [c.external_id for c in batch]
    existing = set(db.session.scalars(db.select(Conversation.external_id)
                                      .where(Conversation.external_id.in_(ids))))
    for conv in batch:
        if conv.external_id in existing:
            summary.duplicates += 1
            continue
        existing.add(conv.external_id)
        row = _row(conv, source)
        db.session.add(row)
        db.session.flush()
        summary.ingested += 1
        summary.conversation_ids.append(row.id)


def _row(conv: model.Conversation, source: str) -> Conversation:
    agent = users.ensure_agent(conv.agent)
    language = conv.language or detect_language(t.text for t in conv.turns)
    row = Conversation(external_id=conv.external_id, channel=conv.channel, agent=agent,
                       started_at=conv.started_at or _first_time(conv), language=language,
                       queue=conv.queue, customer=conv.customer, csat=conv.csat, source=source,
                       meta=dict(conv.metadata))
    row.turns = [Turn(idx=i, speaker=t.speaker, text=t.text, at=t.at, start=t.start, end=t.end)
                 for i, t in enumerate(conv.turns)]
    return row


def _first_time(conv: model.Conversation):
    return next((t.at for t in conv.turns if t.at is not None), None)
