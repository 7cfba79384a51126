"""Customer surveys: import a CSAT/NPS file (one transaction), read ratings per agent, list what a user may see.

The pure core (scoring.surveys) reads and checks the file and matches rows; this module loads the
candidate conversations, scores comment sentiment like customer turns, stores the matched rows
and keeps Conversation.csat to the latest CSAT answer. Rules: docs/surveys.md.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterable, Optional, Sequence, Union

from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import selectinload

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Conversation, Survey, User
from qa_app.permissions import can
from qa_app.services import ServiceError, audit, conversations, pagination, rollups, scoring, transcription
from scoring import surveys as core
from training import periods

log = logging.getLogger(__name__)
CHUNK = 500  # ids per IN (...) list


class StoreFailed(ServiceError):
    """The database refused the write; nothing of the file was stored."""


@dataclass
class ImportReport:
    """What an import did: rows stored, rows already stored before (or repeated in the file), bad rows."""

    source: str
    imported: list[dict] = field(default_factory=list)  # {"line", "conversation", "kind", "rating"}
    already: list[dict] = field(default_factory=list)  # {"line", "reason"}
    bad: list[core.BadRow] = field(default_factory=list)
    csat_updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.bad

    def as_dict(self) -> dict:
        return {"file": self.source, "imported": len(self.imported), "already_imported": len(self.already),
                "bad": len(self.bad), "csat_updated": self.csat_updated, "rows": self.imported,
                "already": self.already, "errors": [{"line": b.line, "reason": b.reason} for b in self.bad]}


def import_path(path: Union[str, Path], actor: Optional[User] = None, now: Optional[datetime] = None,
                sentiment=None) -> ImportReport:
    """Import a survey file from disk (the command line); ServiceError names a file that cannot be read."""
    try:
        content = Path(path).read_bytes()
    except OSError as exc:
        raise ServiceError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    return import_text(content, str(path), actor, now, sentiment)


def import_text(content: Union[str, bytes], source: str, actor: Optional[User] = None,
                now: Optional[datetime] = None, sentiment=None) -> ImportReport:
    """The import use case: parse, match, store every good row and commit once.

    A row is stored whole (answer, redacted comment, its sentiment, the conversation's csat) or not at
    all; bad rows are reported with their line and reason and do not stop the good ones. A row whose
    key is already stored with the same values is reported as already imported (re-import is
    idempotent); with other values it is a bad row and the stored answer is kept. Raises
    ServiceError naming `source` for a file that is not a survey CSV (nothing stored), StoreFailed
    when the database refuses the write (nothing stored).
    """
    now = clock.or_now(now)
    try:
        parsed = core.parse_surveys(content, source, now, transcription.redaction_config())
    except core.SurveyFileError as exc:
        raise ServiceError(str(exc)) from None
    report = ImportReport(source, bad=list(parsed.bad))
    report.already = [{"line": line, "reason": f"repeats line {first}"} for line, first in parsed.repeated]
    try:
        _store(parsed, report, actor, now, sentiment)
        db.session.commit()
    except OperationalError:  # busy or locked: the caller's retry page or message
        db.session.rollback()
        raise
    except SQLAlchemyError as exc:
        db.session.rollback()
        log.exception("survey import rolled back")
        raise StoreFailed(f"{source}: the surveys could not be stored (database error: "
                          f"{type(getattr(exc, 'orig', exc)).__name__}); nothing was stored, try again") from exc
    report.bad.sort(key=lambda b: b.line)
    report.already.sort(key=lambda a: a["line"])
    return report


def _store(parsed: core.SurveyFile, report: ImportReport, actor, now: datetime, sentiment) -> None:
    fresh = _not_stored_yet(parsed.rows, report)
    matched, bad = core.match_rows(fresh, *_candidates(fresh))
    report.bad.extend(bad)
    polarity = _sentiments(matched, sentiment)
    rows = [Survey(conversation_id=m.conversation.id, kind=m.row.kind, rating=m.row.rating, comment=m.row.comment,
                   comment_sentiment=polarity.get(m.row.line), responded_at=m.row.responded_at,
                   source_key=m.row.source_key, source=Path(parsed.source).name[:255], imported_at=now,
                   imported_by_id=actor.id if actor else None) for m in matched]
    db.session.add_all(rows)
    db.session.flush()
    report.imported = [{"line": m.row.line, "conversation": m.conversation.external_id, "kind": m.row.kind,
                        "rating": m.row.rating} for m in matched]
    report.csat_updated = refresh_csat({m.conversation.id for m in matched if m.row.kind == "csat"})
    audit.record(actor, "import_surveys", "survey_file", None, after={
        "file": Path(parsed.source).name, "imported": len(rows), "already_imported": len(report.already),
        "bad": len(report.bad), "csat_updated": report.csat_updated})


def _not_stored_yet(rows: Sequence[core.SurveyRow], report: ImportReport) -> list[core.SurveyRow]:
    """The rows whose key is not stored; the others go to the report as already imported or as bad."""
    stored: dict[str, tuple] = {}
    select = db.select(Survey.source_key, Survey.kind, Survey.rating, Survey.responded_at, Survey.comment,
                       Conversation.external_id).join(Conversation, Survey.conversation_id == Conversation.id)
    for chunk in _chunks([r.source_key for r in rows]):
        stored.update((key, rest) for key, *rest in db.session.execute(select.where(Survey.source_key.in_(chunk))))
    fresh = []
    for row in rows:
        before = stored.get(row.source_key)
        if before is None:
            fresh.append(row)
        elif _same(before, row):
            report.already.append({"line": row.line, "reason": "already imported"})
        else:
            report.bad.append(core.BadRow(row.line, f"survey_id {row.survey_id!r} was imported before with other "
                                                    "values; the stored answer is kept"))
    return fresh


def _same(stored: tuple, row: core.SurveyRow) -> bool:
    """Whether a stored answer (kind, rating, responded_at, comment, conversation's external id) is the row's."""
    kind, rating, responded_at, comment, external_id = stored
    return (kind, rating, responded_at, comment) == (row.kind, row.rating, row.responded_at, row.comment) and (
        row.conversation_id is None or row.conversation_id == external_id)


def _candidates(rows: Sequence[core.SurveyRow]):
    """(conversations by external id, conversations by agent login) that the rows may be about."""
    select = db.select(Conversation.id, Conversation.external_id, User.login, Conversation.customer,
                       Conversation.started_at, Conversation.language).join(User, Conversation.agent_id == User.id)
    by_id: dict[str, core.Candidate] = {}
    for chunk in _chunks(sorted({r.conversation_id for r in rows if r.conversation_id})):
        by_id.update((c.external_id, c) for c in _read(select.where(Conversation.external_id.in_(chunk))))
    by_agent: dict[str, list[core.Candidate]] = {}
    unnamed = [r for r in rows if not r.conversation_id]
    for login in sorted({r.agent for r in unnamed}):
        mine = [r for r in unnamed if r.agent == login]
        since = min(r.responded_at for r in mine) - core.MATCH_WINDOW
        until = max(r.latest_response for r in mine)
        by_agent[login] = _read(select.where(User.login == login, Conversation.started_at >= since,
                                             Conversation.started_at <= until))
    return by_id, by_agent


def _read(query) -> list[core.Candidate]:
    return [core.Candidate(*row) for row in db.session.execute(query)]


def _sentiments(matched: Sequence[core.Match], sentiment) -> dict[int, float]:
    """Line -> polarity of the (redacted) comment, read like customer turns, one call per language."""
    by_language: dict[str, list[core.Match]] = {}
    for m in matched:
        if m.row.comment:
            by_language.setdefault(core.comment_language(m.row.comment, m.conversation.language), []).append(m)
    if not by_language:
        return {}
    analyzer = sentiment or scoring.default_sentiment()
    out: dict[int, float] = {}
    for language, group in sorted(by_language.items()):
        values = analyzer.polarity([m.row.comment for m in group], language)
        out.update((m.row.line, max(-1.0, min(1.0, float(v)))) for m, v in zip(group, values) if v == v)
    return out


def refresh_csat(conversation_ids: Iterable[int]) -> int:
    """Set each conversation's csat to its latest CSAT answer (by responded_at, then the later import);
    returns how many changed. A conversation without a CSAT survey keeps the csat it was ingested with."""
    changed = 0
    for chunk in _chunks(sorted(conversation_ids)):
        latest: dict[int, int] = {}
        for conv_id, rating in db.session.execute(
                db.select(Survey.conversation_id, Survey.rating).where(
                    Survey.kind == "csat", Survey.conversation_id.in_(chunk)).order_by(Survey.responded_at, Survey.id)):
            latest[conv_id] = rating
        for conv in db.session.scalars(db.select(Conversation).where(Conversation.id.in_(list(latest)))):
            if conv.csat != latest[conv.id]:
                conv.csat, changed = latest[conv.id], changed + 1
                rollups.mark([conv])  # the dashboards' CSAT of its day is summed again at commit
    return changed


def _chunks(values: Sequence) -> Iterable[list]:
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def _period(period: Union[str, periods.Period]) -> periods.Period:
    if isinstance(period, periods.Period):
        return period
    try:
        return periods.parse_period(period)
    except periods.PeriodError as exc:
        raise ServiceError(str(exc)) from exc


def ratings_by_agent(period: Union[str, periods.Period], kind: str) -> dict[int, list[int]]:
    """{agent id: ratings} of the `kind` ("csat" or "nps") surveys about conversations that started in
    `period` (a Period or a label such as 2026-11, 2026-Q4, 2026), whenever the answer came: everything
    counts in the period of its conversation (docs/reports.md). Every survey counts, several per
    conversation too; ratings are in order of conversation start, then answer. Agents without any
    are absent. ServiceError for an unknown kind or a bad period label."""
    if kind not in core.KINDS:
        raise ServiceError(f"kind: must be csat or nps, got {kind!r}")
    span = _period(period)
    rows = db.session.execute(
        db.select(Conversation.agent_id, Survey.rating).join(Conversation, Survey.conversation_id == Conversation.id)
        .where(Survey.kind == kind, Conversation.started_at >= span.start, Conversation.started_at < span.end)
        .order_by(Conversation.started_at, Survey.responded_at, Survey.id))
    out: dict[int, list[int]] = {}
    for agent_id, rating in rows:
        out.setdefault(agent_id, []).append(rating)
    return out


def comment_sentiment_by_agent(period: Union[str, periods.Period]) -> dict[int, list[float]]:
    """{agent id: comment polarities (-1..1)} of surveys with a comment about conversations that started
    in `period` (both kinds), in the order of ratings_by_agent. Agents without any are absent."""
    span = _period(period)
    rows = db.session.execute(
        db.select(Conversation.agent_id, Survey.comment_sentiment)
        .join(Conversation, Survey.conversation_id == Conversation.id)
        .where(Survey.comment_sentiment.is_not(None), Conversation.started_at >= span.start,
               Conversation.started_at < span.end)
        .order_by(Conversation.started_at, Survey.responded_at, Survey.id))
    out: dict[int, list[float]] = {}
    for agent_id, value in rows:
        out.setdefault(agent_id, []).append(value)
    return out


def visibility_filter(user: User):
    """Surveys `user` may see: admin and HR all (HR reads ratings in reports, never transcripts);
    everyone else the surveys of the conversations they may see (agents their own, leads and
    reviewers the teams they cover)."""
    if can(user, "sees_all_surveys"):
        return db.true()
    return Survey.conversation_id.in_(db.select(Conversation.id).where(conversations.visibility_filter(user)))


def page_recent(user: User, kind: Optional[str] = None, page: int = 1,
                per_page: int = pagination.PER_PAGE) -> pagination.Page:
    """One page of the answers `user` may see, newest first (by responded_at), optionally of one kind,
    with their true number."""
    query = db.select(Survey).where(visibility_filter(user))
    if kind:
        query = query.where(Survey.kind == kind)
    found = pagination.paginate(query.order_by(Survey.responded_at.desc(), Survey.id.desc()), page, per_page)
    _load_conversations(found.items)
    return found


def of_conversation(conversation_id: int) -> list[Survey]:
    """The answers about one conversation, oldest first (callers have checked that the user may see it)."""
    return list(db.session.scalars(db.select(Survey).where(Survey.conversation_id == conversation_id)
                                   .order_by(Survey.responded_at, Survey.id)))


def _load_conversations(rows: list[Survey]) -> None:
    """Load the rows' conversations and agents with one query (the list shows both)."""
    ids = {s.conversation_id for s in rows}
    if ids:
        list(db.session.scalars(db.select(Conversation).where(Conversation.id.in_(ids))
                                .options(selectinload(Conversation.agent))))
