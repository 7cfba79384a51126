"""Storing parsed conversations: each record is checked (its agent, the uploader's coverage, its
id against what is stored), then the good ones are inserted in bulk. Nothing here commits: the
use case that called it (services.ingest, services.bulk, services.transcription) decides when.

This is the bottom of the ingest path: ingest -> bulk, transcription -> conversation_store.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Optional

from flask_babel import gettext as _

from qa_app.extensions import db
from qa_app.models import Conversation, Turn, User
from qa_app.services import conversations, users
from qa_app.settings import settings as instance_settings
from transcripts import model, preparation
from transcripts.errors import RecordError
from transcripts.fingerprint import content_hash
from transcripts.limits import check as check_limits
from transcripts.pii import DEFAULT as DEFAULT_REDACTION, RedactionConfig

BATCH = 1000  # conversations per bulk insert: bounded memory, few round trips


@dataclass(frozen=True)
class IngestOptions:
    """How to read and file records: format, the agent and channel for files that do not name
    them, the stereo channel map for calls, per-format parser options, PII redaction (None =
    off), whether unknown agent logins become new agents, and who is filing (None = the shell,
    which may file for any agent; a user files only for agents they cover)."""

    fmt: str = "auto"
    agent: Optional[str] = None
    channel: Optional[str] = None
    stereo_map: tuple[str, str] = ("agent", "customer")
    format_options: Mapping[str, object] = field(default_factory=dict)
    redaction: Optional[RedactionConfig] = DEFAULT_REDACTION
    create_agents: bool = False
    uploader_id: Optional[int] = None


@dataclass
class IngestSummary:
    """What an ingest run did; `errors` lists {"source": "file:line", "error": "...", "id": ...}
    (the id when the record had one); conflicts are records whose id is stored with other content."""

    ingested: int = 0
    duplicates: int = 0
    conflicts: int = 0
    failed: int = 0
    queued: int = 0
    errors: list[dict] = field(default_factory=list)
    conversation_ids: list[int] = field(default_factory=list)
    job_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.failed or self.conflicts)

    def as_dict(self) -> dict:
        doc = {"ingested": self.ingested, "duplicates": self.duplicates, "conflicts": self.conflicts,
               "failed": self.failed, "errors": self.errors}
        if self.queued:
            doc["transcription_jobs"] = self.queued
        return doc

    def fail(self, source: str, message: str, external_id: Optional[str] = None) -> None:
        self.failed += 1
        self.errors.append(_error(source, message, external_id))

    def conflict(self, source: str, external_id: str) -> None:
        self.conflicts += 1
        self.errors.append(_error(source, _("conflict: a different conversation with id %(id)r is already stored; "
                                            "this record was not stored", id=external_id), external_id))


def _error(source: str, message: str, external_id: Optional[str]) -> dict:
    doc = {"source": source, "error": message}
    if external_id is not None:
        doc["id"] = external_id
    return doc


@dataclass(frozen=True)
class Incoming:
    """One parsed record on its way in: where it starts, the conversation, its content hash,
    and whether it was already redacted and measured (bulk workers do that)."""

    where: str
    conv: model.Conversation
    sha: str
    prepared: bool = False


def incoming(located: Iterable[tuple[str, object]]):
    """Incoming records (and RecordErrors) from parser output of ("file:line", item) pairs."""
    for where, item in located:
        yield item if isinstance(item, RecordError) else Incoming(where, item, content_hash(item))


def store_items(items: Iterable, summary: IngestSummary, source: str, options: IngestOptions,
                progress: Optional[Callable[[int], None]] = None,
                after_batch: Optional[Callable[[], None]] = None) -> None:
    """Store Incoming records in batches and record RecordErrors; `after_batch` (e.g. a commit
    for a long run) is called after each stored batch. Does not commit."""
    batch: list[Incoming] = []
    agents = AgentResolver(options)
    for item in items:
        if isinstance(item, RecordError):
            summary.fail(item.source, item.message)
            continue
        batch.append(item)
        if len(batch) >= BATCH:
            _flush(batch, summary, source, options, agents, progress, after_batch)
            batch = []
    _flush(batch, summary, source, options, agents, progress, after_batch)


def _flush(batch, summary, source, options, agents, progress, after_batch) -> None:
    if batch:
        store_batch(batch, summary, source, options, agents)
        if after_batch:
            after_batch()
        if progress:
            progress(len(batch))


def store_batch(batch: list[Incoming], summary: IngestSummary, source: str, options: IngestOptions,
                agents: "AgentResolver", audio_sha256: Optional[str] = None) -> None:
    """Insert the batch's new conversations and their turns with two bulk statements.

    A stored id with the same content hash is a duplicate, with another one a conflict; a
    record whose agent is unknown (unless created on request) or not covered by the uploader
    fails. Nothing is committed."""
    ids = [i.conv.external_id for i in batch]
    stored = {ext: sha for ext, sha in db.session.execute(
        db.select(Conversation.external_id, Conversation.content_sha256).where(Conversation.external_id.in_(ids)))}
    fresh: list[tuple[Incoming, model.Conversation, int]] = []
    def ready(item: Incoming) -> model.Conversation:
        return item.conv if item.prepared else preparation.prepare(item.conv, options.redaction)

    limits = instance_settings().limits()
    for item in batch:
        ext = item.conv.external_id
        too_big = check_limits(item.conv, limits)
        if too_big is not None:  # before anything reads it: a year-9999 time fails on storage
            summary.fail(item.where, str(too_big), ext)
            continue
        if ext in stored:
            if _same(stored[ext], item, lambda: ready(item)):
                summary.duplicates += 1
            else:
                summary.conflict(item.where, ext)
            continue
        agent_id = agents.resolve(item.conv.agent)
        if isinstance(agent_id, str):
            summary.fail(item.where, agent_id, ext)
            continue
        stored[ext] = item.sha
        fresh.append((item, ready(item), agent_id))
    if fresh:
        _insert(fresh, summary, source, audio_sha256)


def _same(stored_sha: Optional[str], item: Incoming, prepared: Callable[[], model.Conversation]) -> bool:
    """Same content. Conversations stored before content hashes were kept (stored_sha None)
    compare by their stored turns against the record's turns as they would be stored."""
    if stored_sha is not None:
        return stored_sha == item.sha
    turns = db.session.execute(db.select(Turn.speaker, Turn.text).join(Conversation)
                               .where(Conversation.external_id == item.conv.external_id).order_by(Turn.idx)).all()
    return [tuple(t) for t in turns] == [(t.speaker, t.text) for t in prepared().turns]


def _insert(fresh, summary: IngestSummary, source: str, audio_sha256: Optional[str]) -> None:
    rows = [_conversation_row(conv, source, agent_id, item.sha, audio_sha256) for item, conv, agent_id in fresh]
    # Core inserts on the tables (not ORM objects): one executemany each, which keeps bulk
    # ingest fast; RETURNING in parameter order gives the new ids for the turns.
    conv_table, turn_table = Conversation.__table__, Turn.__table__
    result = db.session.execute(conv_table.insert().returning(conv_table.c.id, sort_by_parameter_order=True), rows)
    new_ids = [r[0] for r in result]
    turns = [{"conversation_id": cid, "idx": i, "speaker": t.speaker, "text": t.text, "at": t.at,
              "start": t.start, "end": t.end} for cid, (_item, c, _a) in zip(new_ids, fresh)
             for i, t in enumerate(c.turns)]
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


def _conversation_row(c: model.Conversation, source: str, agent_id: int, sha: str,
                      audio_sha256: Optional[str]) -> dict:
    started = c.started_at or next((t.at for t in c.turns if t.at is not None), None)
    return {"external_id": c.external_id, "channel": c.channel, "agent_id": agent_id, "started_at": started,
            "language": c.language, "queue": c.queue, "customer": c.customer, "csat": c.csat,
            "source": source, "meta": dict(c.metadata), "content_sha256": sha, "audio_sha256": audio_sha256}


class AgentResolver:
    """Agent logins to user ids for one run, or the reason a login may not be filed for."""

    def __init__(self, options: IngestOptions):
        self.create = options.create_agents
        self.uploader = db.session.get(User, options.uploader_id) if options.uploader_id else None
        self._cache: dict[str, int | str] = {}

    def resolve(self, login: str) -> int | str:
        """The agent's user id, or a message saying why no conversation may be filed for them."""
        if login not in self._cache:
            self._cache[login] = self._resolve(login)
        return self._cache[login]

    def check(self, login: str) -> Optional[str]:
        """None when conversations may be filed for `login` (creating nobody yet), else why not."""
        user = users.find_user(login)
        if user is None:
            return None if self.create else self._unknown(login)
        return self._refusal(user)

    def _resolve(self, login: str) -> int | str:
        user = users.find_user(login)
        if user is None:
            if not self.create:
                return self._unknown(login)
            user = users.ensure_agent(login)
        return self._refusal(user) or user.id

    def _refusal(self, user: User) -> Optional[str]:
        if user.role != "agent":
            return _("agent: %(login)r has the %(role)s role; conversations are filed only for agents",
                     login=user.login, role=user.role)
        if self.uploader is not None and not conversations.covers_agent(self.uploader, user):
            return _("agent: you do not cover the team of %(login)r; ask a lead or admin who covers it", login=user.login)
        return None

    def _unknown(self, login: str) -> str:
        close = difflib.get_close_matches(login, self._known_agents(), n=3, cutoff=0.6)
        if close:
            return _("agent: unknown login %(login)r; did you mean %(matches)s? New agents are created only when "
                     "asked (--create-agents, the upload page's checkbox, or create_agents in the API)",
                     login=login, matches=_(" or ").join(repr(c) for c in close))
        return _("agent: unknown login %(login)r. New agents are created only when asked (--create-agents, the "
                 "upload page's checkbox, or create_agents in the API)", login=login)

    def _known_agents(self) -> list[str]:
        agents = db.session.scalars(db.select(User).where(User.role == "agent"))
        return [a.login for a in agents if self.uploader is None or conversations.covers_agent(self.uploader, a)]
