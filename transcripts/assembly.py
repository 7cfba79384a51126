"""Shared by the CSV, plain-text and subtitle parsers: reading text, naming speakers, validating."""
from __future__ import annotations

import io
import os
import re
from collections.abc import Mapping
from typing import Callable, Iterator, Optional, TextIO, Union

from transcripts.errors import ParseError, RecordError, RecordInvalid
from transcripts.model import Conversation
from transcripts.records import TURN_SPEAKERS, conversation_from_dict

Item = Union[Conversation, RecordError]

# Default hints for naming a speaker from a subtitle voice, a name prefix or a CSV speaker value,
# tried in this order: a name containing one of these words (case-insensitive; a Latin word must
# start a word, so "management" is not an agent) is that speaker. "Customer service" (客户服务)
# comes first because it names the agent's side, not the customer.
SPEAKER_HINTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("agent", ("customer service", "客户服务", "agent", "support", "客服")),
    ("customer", ("customer", "caller", "客户", "顾客", "买家")),
)
NOT_UTF8 = "not valid UTF-8 text"

_SURROGATE = re.compile("[\ud800-\udfff]")
_TURN_PATH = re.compile(r"turns\[(\d+)\](?:\.(.*))?")
_HINTS = tuple(
    (speaker, re.compile("|".join(rf"(?<![a-z]){re.escape(hint)}" if hint.isascii() else re.escape(hint)
                                  for hint in hints)))
    for speaker, hints in SPEAKER_HINTS
)
_CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003134f]")


# ---------------------------------------------------------------- reading text


def open_text(path: Union[str, os.PathLike], newline: Optional[str]) -> TextIO:
    """A file opened as UTF-8 text with any byte-order mark dropped.

    Undecodable bytes become lone surrogates (see bad_text) instead of stopping the read, so a
    parser can report the line they are on. `newline` is passed to open(): None reads CR, LF
    and CRLF alike as a line end; "" keeps them, as the csv module wants.
    """
    return open(path, encoding="utf-8-sig", errors="surrogateescape", newline=newline)


def text_stream(content: Union[str, bytes], newline: Optional[str]) -> TextIO:
    """An upload (str, or bytes decoded as UTF-8) as a text stream that open_text would give."""
    if isinstance(content, str):
        return io.StringIO(content.removeprefix("\ufeff"), newline=newline)
    return io.TextIOWrapper(io.BytesIO(bytes(content)), encoding="utf-8-sig",
                            errors="surrogateescape", newline=newline)


def numbered_lines(stream: TextIO) -> Iterator[tuple[int, str]]:
    """(line number from 1, line without its line end) for each line of a stream."""
    for number, line in enumerate(stream, start=1):
        yield number, line.rstrip("\r\n")


def bad_text(text: str) -> bool:
    """Whether text holds an undecodable byte (read with surrogateescape) or a lone surrogate."""
    return _SURROGATE.search(text) is not None


def join_text(first: str, second: str) -> str:
    """Two pieces of one utterance joined by a space, or by nothing between Chinese characters."""
    if not first or not second:
        return first or second
    if _CJK.match(second[0]) or _CJK.match(first[-1]):
        return first + second
    return f"{first} {second}"


# ---------------------------------------------------------------- speakers


def speaker_map(mapping: Optional[Mapping], source: str, option: str = "speakers") -> dict[str, str]:
    """A caller's {name: speaker} mapping checked and keyed by the name case-folded and stripped.

    Raises ParseError naming `source` and the option when it is not a mapping of non-empty
    strings to agent, customer, bot or system.
    """
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping):
        raise ParseError(source, f"option {option} must be a mapping of names to speakers")
    checked: dict[str, str] = {}
    for name, speaker in mapping.items():
        if not isinstance(name, str) or not name.strip():
            raise ParseError(source, f"option {option}: names must be non-empty strings, not {name!r}")
        if speaker not in TURN_SPEAKERS:
            raise ParseError(source, f"option {option}: {name!r} must map to one of "
                                     f"{', '.join(TURN_SPEAKERS)}, not {speaker!r}")
        checked[name.strip().casefold()] = speaker
    return checked


def speaker_for(name: str, mapping: Mapping[str, str]) -> Optional[str]:
    """The speaker a name stands for: the caller's mapping first (exact, ignoring case), then a
    canonical speaker name itself, then SPEAKER_HINTS; None when nothing matches."""
    key = name.strip().casefold()
    if key in mapping:
        return mapping[key]
    if key in TURN_SPEAKERS:
        return key
    for speaker, pattern in _HINTS:
        if pattern.search(key):
            return speaker
    return None


def check_default_speaker(value: Optional[str], source: str) -> Optional[str]:
    """Check a default_speaker option: None, or one of the canonical turn speakers."""
    if value is not None and value not in TURN_SPEAKERS:
        raise ParseError(source, f"option default_speaker must be one of {', '.join(TURN_SPEAKERS)}, "
                                 f"not {value!r}")
    return value


# ---------------------------------------------------------------- validation


def build(
    record: dict,
    source: str,
    record_line: int,
    turn_lines: list[int],
    *,
    require_timing: bool = True,
    rename: Callable[[str], str] = lambda field: field,
    field_lines: Optional[Mapping[str, int]] = None,
) -> Item:
    """Validate a record in the canonical shape with conversation_from_dict.

    Returns the Conversation, or a RecordError at "source:line": the line of turn i is
    turn_lines[i], a top-level field's line is field_lines[field] when given, else record_line.
    The message names the field as rename(field) ("at" for a turn's time, "csat" ...), so a
    format can speak of its own columns instead of canonical paths.
    """
    try:
        return conversation_from_dict(record, require_timing=require_timing)
    except RecordInvalid as exc:
        line, field = record_line, exc.path
        turn = _TURN_PATH.fullmatch(exc.path)
        if turn:
            line, field = turn_lines[int(turn.group(1))], turn.group(2) or ""
        elif field_lines and exc.path in field_lines:
            line = field_lines[exc.path]
        label = rename(field)
        return RecordError(f"{source}:{line}", f"{label}: {exc.reason}" if label else exc.reason)
