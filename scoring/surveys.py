"""CSAT and NPS survey files: read a CSV, check each row, redact its comment, match it to a conversation.

Pure: no database, no clock (callers pass `now`). The shell (qa_app.services.surveys) loads the
candidate conversations, calls `parse_surveys` and `match_rows`, scores the comments' sentiment
and stores the matched rows. The format and the rules are in docs/surveys.md.
"""
from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from types import MappingProxyType
from typing import Iterator, Mapping, Optional, Sequence, Union

from transcripts.assembly import NOT_UTF8, bad_text, text_stream
from transcripts.csv_format import csv_rows
from transcripts.errors import ParseError
from transcripts.language import detect_language
from transcripts.pii import DEFAULT as DEFAULT_REDACTION, RedactionConfig, redact

#: rating range per kind (inclusive)
KINDS: Mapping[str, tuple[int, int]] = MappingProxyType({"csat": (1, 5), "nps": (0, 10)})
COLUMNS = ("survey_id", "conversation_id", "customer", "agent", "kind", "rating", "comment", "responded_at")
REQUIRED_COLUMNS = ("kind", "rating", "responded_at")
#: a row without a conversation id matches the one conversation of its agent with its customer that
#: started at most this long before the response (the domain's 72-hour feedback limit)
MATCH_WINDOW = timedelta(hours=72)
MAX_COMMENT = 5000
MAX_ID = 150
_WHOLE = re.compile(r"[0-9]{1,2}", re.ASCII)
_HINT = "a header row naming kind, rating, responded_at and conversation_id (or customer and agent)"


class SurveyFileError(ValueError):
    """The file as a whole cannot be read as a survey file (nothing in it is stored)."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(source, message)
        self.source, self.message = source, message

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


@dataclass(frozen=True)
class BadRow:
    """A row that is not stored, with the line it starts on and why (plain English, names the column)."""

    line: int
    reason: str


@dataclass(frozen=True)
class SurveyRow:
    """One valid survey answer. `responded_at` is aware UTC; `whole_day` when the file gave only a date
    (read as 00:00 UTC, and the whole day counts when matching). `comment` is already redacted and
    `pii` counts what was replaced. `source_key` identifies the answer across imports."""

    line: int
    kind: str
    rating: int
    responded_at: datetime
    source_key: str
    whole_day: bool = False
    survey_id: Optional[str] = None
    conversation_id: Optional[str] = None
    customer: Optional[str] = None
    agent: Optional[str] = None
    comment: Optional[str] = None
    pii: tuple[tuple[str, int], ...] = ()

    @property
    def latest_response(self) -> datetime:
        """The latest moment the answer may have been given (the end of the day for a date alone)."""
        return self.responded_at + timedelta(days=1) if self.whole_day else self.responded_at

    def same_answer(self, other: "SurveyRow") -> bool:
        """Whether two rows say the same thing (line and key aside)."""
        fields = ("kind", "rating", "responded_at", "conversation_id", "customer", "agent", "comment")
        return all(getattr(self, f) == getattr(other, f) for f in fields)


@dataclass(frozen=True)
class SurveyFile:
    """What a file holds: valid rows, bad rows, and rows repeating an earlier line ((line, first line))."""

    source: str
    rows: tuple[SurveyRow, ...]
    bad: tuple[BadRow, ...]
    repeated: tuple[tuple[int, int], ...] = ()


def parse_surveys(content: Union[str, bytes], source: str, now: datetime,
                  redaction: Optional[RedactionConfig] = DEFAULT_REDACTION) -> SurveyFile:
    """Read a survey CSV (UTF-8, with or without a byte-order mark; comma-separated, header row first).

    Columns are found by name, ignoring case, surrounding spaces and "-"/" " for "_"; unknown columns
    are ignored. Each row becomes a SurveyRow or a BadRow (never both, never dropped; blank rows are
    skipped). A row repeating an earlier one's key with the same values is `repeated`; with other
    values both stand, the later one a BadRow. Comments are redacted with `redaction` (None: kept as
    written). Raises SurveyFileError naming `source` when there is no usable header row.
    """
    reader = csv.reader(text_stream(content, newline=""))
    layout = _header(reader, source)
    rows: list[SurveyRow] = []
    bad: list[BadRow] = []
    repeated: list[tuple[int, int]] = []
    seen: dict[str, SurveyRow] = {}
    for line, cells in _records(reader, source):
        row = _row(line, cells, layout, now, redaction)
        first = seen.get(row.source_key) if isinstance(row, SurveyRow) else None
        if isinstance(row, BadRow):
            bad.append(row)
        elif first is None:
            seen[row.source_key] = row
            rows.append(row)
        elif first.same_answer(row):
            repeated.append((line, first.line))
        else:
            bad.append(BadRow(line, f"survey_id {row.survey_id!r} is on line {first.line} too, with other values"))
    return SurveyFile(source, tuple(rows), tuple(sorted(bad, key=lambda b: b.line)), tuple(repeated))


def _header(reader, source: str) -> dict[str, int]:
    """Column name -> cell index, from the first non-blank row; SurveyFileError when unusable."""
    _, header = next(_records(reader, source), (0, None))
    if header is None:
        raise SurveyFileError(source, f"empty file; expected {_HINT}")
    if any(bad_text(c) or "\x00" in c for c in header):
        raise SurveyFileError(source, f"the header row is {NOT_UTF8} (save the file as UTF-8 CSV)")
    layout: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = re.sub(r"[\s\-]+", "_", cell.strip().lower())
        if name in COLUMNS:
            if name in layout:
                raise SurveyFileError(source, f"column {name} appears twice in the header")
            layout[name] = index
    missing = [c for c in REQUIRED_COLUMNS if c not in layout]
    if not missing and "conversation_id" not in layout and not {"customer", "agent"} <= set(layout):
        missing = ["conversation_id (or customer and agent)"]
    if missing:
        found = ", ".join(c.strip() for c in header if c.strip())[:300]
        raise SurveyFileError(source, f"not a survey file: no column {', '.join(missing)}; expected {_HINT} "
                                      f"(columns found: {found})")
    layout["#width"] = len(header)
    return layout


def _records(reader, source: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, cells) for each non-blank record, as CSV transcripts are read."""
    try:
        yield from csv_rows(reader, source)
    except ParseError as exc:
        raise SurveyFileError(exc.source, exc.message) from None


def _row(line: int, cells: list[str], layout: Mapping[str, int], now: datetime,
         redaction: Optional[RedactionConfig]) -> Union[SurveyRow, BadRow]:
    if len(cells) > layout["#width"]:
        return BadRow(line, f"{len(cells)} cells but the header has {layout['#width']} columns "
                            "(a comment with a comma must be in double quotes)")
    if any(bad_text(c) or "\x00" in c for c in cells):
        return BadRow(line, f"the row is {NOT_UTF8}")
    value = {name: (cells[i].strip() if i < len(cells) else "") for name, i in layout.items() if name in COLUMNS}
    try:
        return _valid_row(line, value, now, redaction)
    except ValueError as exc:
        return BadRow(line, str(exc))


def _valid_row(line: int, value: Mapping[str, str], now: datetime,
               redaction: Optional[RedactionConfig]) -> SurveyRow:
    kind = value["kind"].lower()
    if kind not in KINDS:
        raise ValueError(f"kind: must be csat or nps, got {value['kind']!r}" if value["kind"] else "kind: missing")
    rating = _rating(value["rating"], kind)
    responded_at, whole_day = _moment(value["responded_at"], now)
    ids = {name: value.get(name) or None for name in ("survey_id", "conversation_id", "customer", "agent")}
    for name, text in ids.items():
        if text and len(text) > MAX_ID:
            raise ValueError(f"{name}: longer than {MAX_ID} characters")
    if not ids["conversation_id"] and not (ids["customer"] and ids["agent"]):
        raise ValueError("no conversation_id, and not both customer and agent to match the conversation by")
    raw = value.get("comment") or None
    if raw and len(raw) > MAX_COMMENT:
        raise ValueError(f"comment: longer than {MAX_COMMENT} characters")
    comment, pii = _redacted(raw, redaction)
    key = f"id:{ids['survey_id']}" if ids["survey_id"] else _fingerprint(kind, rating, value["responded_at"], ids, raw)
    return SurveyRow(line=line, kind=kind, rating=rating, responded_at=responded_at, whole_day=whole_day,
                     source_key=key, comment=comment, pii=pii, **ids)


def _rating(text: str, kind: str) -> int:
    if not text:
        raise ValueError("rating: missing")
    if not _WHOLE.fullmatch(text):
        raise ValueError(f"rating: must be a whole number, got {text!r}")
    low, high = KINDS[kind]
    rating = int(text)
    if not low <= rating <= high:
        raise ValueError(f"rating: a {kind.upper()} rating must be {low} to {high}, got {rating}")
    return rating


def _moment(text: str, now: datetime) -> tuple[datetime, bool]:
    """(aware UTC instant, whether only a date was given); a time without a zone is UTC."""
    if not text:
        raise ValueError("responded_at: missing")
    try:
        if len(text) == 10:
            moment, whole_day = datetime.combine(date.fromisoformat(text), time(0), timezone.utc), True
        else:
            moment, whole_day = datetime.fromisoformat(text.replace("Z", "+00:00")), False
    except ValueError:
        raise ValueError("responded_at: must be an ISO 8601 date or date and time such as 2026-11-03 or "
                         f"2026-11-03T14:05:00+08:00, got {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc)
    if moment > now:
        raise ValueError(f"responded_at: {text} is in the future")
    return moment, whole_day


def _redacted(comment: Optional[str], redaction: Optional[RedactionConfig]):
    if comment is None or redaction is None:
        return comment, ()
    result = redact(comment, redaction)
    return result.text, tuple((k, n) for k, n in result.counts.items() if n)


def _fingerprint(kind: str, rating: int, responded: str, ids: Mapping[str, Optional[str]],
                 comment: Optional[str]) -> str:
    """SHA-256 of the row as read (before redaction), so the same row imported again has the same key."""
    doc = [kind, rating, responded, ids["conversation_id"], ids["customer"], ids["agent"], comment]
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Candidate:
    """A stored conversation a row may be about: its database id, external id, agent login, customer, start."""

    id: int
    external_id: str
    agent: str
    customer: Optional[str]
    started_at: Optional[datetime]
    language: Optional[str] = None


@dataclass(frozen=True)
class Match:
    row: SurveyRow
    conversation: Candidate


def match_rows(rows: Sequence[SurveyRow], by_external_id: Mapping[str, Candidate],
               by_agent: Mapping[str, Sequence[Candidate]]) -> tuple[tuple[Match, ...], tuple[BadRow, ...]]:
    """Each row matched to its conversation (see match_row), or a BadRow saying why not."""
    matched, bad = [], []
    for row in rows:
        found = match_row(row, by_external_id, by_agent)
        (matched if isinstance(found, Match) else bad).append(found)
    return tuple(matched), tuple(bad)


def match_row(row: SurveyRow, by_external_id: Mapping[str, Candidate],
              by_agent: Mapping[str, Sequence[Candidate]]) -> Union[Match, BadRow]:
    """The conversation a row is about.

    With a conversation_id: that conversation, which must exist, have the row's agent and customer
    when the row names them, and have started before the answer. Without: the one conversation of
    the row's agent (login) with the row's customer (ignoring case and surrounding spaces) whose
    start lies in the MATCH_WINDOW before the answer (for a date alone: from 72 hours before that
    day to its end). None or several such conversations make a BadRow naming them.
    """
    if row.conversation_id:
        found = by_external_id.get(row.conversation_id)
        if found is None:
            return BadRow(row.line, f"conversation_id: no conversation with id {row.conversation_id!r}")
        if row.agent and row.agent != found.agent:
            return BadRow(row.line, f"agent: conversation {found.external_id} is {found.agent}'s, not {row.agent}'s")
        if row.customer and found.customer and not _same_customer(row.customer, found.customer):
            return BadRow(row.line, f"customer: conversation {found.external_id} is with another customer")
        if found.started_at and row.latest_response < found.started_at:
            return BadRow(row.line, f"responded_at: before conversation {found.external_id} started "
                                    f"({found.started_at.isoformat()})")
        return Match(row, found)
    earliest = row.responded_at - MATCH_WINDOW
    found = [c for c in by_agent.get(row.agent or "", ()) if _same_customer(row.customer, c.customer)
             and c.started_at is not None and earliest <= c.started_at <= row.latest_response]
    if len(found) == 1:
        return Match(row, found[0])
    where = (f"of agent {row.agent} with customer {row.customer!r} started between "
             f"{earliest.isoformat()} and {row.latest_response.isoformat()}")
    if not found:
        return BadRow(row.line, f"no conversation {where}")
    ids = ", ".join(sorted(c.external_id for c in found))
    return BadRow(row.line, f"{len(found)} conversations {where} ({ids}); give the conversation_id")


def _same_customer(a: Optional[str], b: Optional[str]) -> bool:
    return bool(a and b) and a.strip().casefold() == b.strip().casefold()


def comment_language(comment: str, conversation_language: Optional[str]) -> str:
    """The language a comment's sentiment is read in: its own script when it has letters (a customer
    may answer in English about a Chinese chat), else the conversation's, else English."""
    return detect_language([comment], default=None) or conversation_language or "en"
