"""One entry point for every transcript format: canonical JSON/NDJSON, CSV, plain text, WebVTT, SRT."""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path, PurePath
from typing import Callable, Iterator, Optional, TextIO, Union

from transcripts import canonical
from transcripts.assembly import (Item, check_default_speaker, numbered_lines, open_text,
                                  speaker_map, text_stream)
from transcripts.csv_format import column_names, parse_csv_located
from transcripts.errors import ParseError, RecordError
from transcripts.model import CHANNELS
from transcripts.subtitles import parse_srt, parse_vtt
from transcripts.text_format import parse_plain_text

__all__ = ["EXTENSIONS", "FORMATS", "OPTIONS", "format_of", "parse_file", "parse_file_located",
           "parse_text_as", "parse_text_located"]

EXTENSIONS = {".json": "json", ".ndjson": "ndjson", ".jsonl": "jsonl", ".csv": "csv",
              ".txt": "txt", ".vtt": "vtt", ".srt": "srt"}
FORMATS = tuple(EXTENSIONS.values())
# The options each format takes (see parse_file); the canonical formats take none.
OPTIONS: Mapping[str, tuple[str, ...]] = {
    "csv": ("columns", "speakers", "time_format", "delimiter", "contiguous"),
    "txt": ("speakers",),
    "vtt": ("speakers", "default_speaker"),
    "srt": ("speakers", "default_speaker"),
}
_CANONICAL = ("json", "ndjson", "jsonl")
_ONE_CONVERSATION = ("txt", "vtt", "srt")

Located = canonical.Located
Parser = Callable[[TextIO], Iterator[Located]]


def format_of(name: str) -> str:
    """The format of a file name from its extension, in any case (.jsonl gives "jsonl").

    Raises ParseError naming the file for an extension not in EXTENSIONS.
    """
    suffix = PurePath(name).suffix.lower()
    if suffix not in EXTENSIONS:
        raise ParseError(name, f"unsupported file type {suffix or '(none)'!r}; expected "
                               + ", ".join(EXTENSIONS))
    return EXTENSIONS[suffix]


def parse_file(
    path: Union[str, os.PathLike],
    fmt: str = "auto",
    *,
    external_id: Optional[str] = None,
    agent: Optional[str] = None,
    channel: Optional[str] = None,
    options: Optional[Mapping[str, object]] = None,
) -> Iterator[Item]:
    """Yield each conversation of a transcript file as a Conversation or a RecordError.

    `fmt` is one of FORMATS, or "auto" to take it from the extension (format_of). Canonical
    files (json, ndjson, jsonl) are read by transcripts.canonical.iter_records and name their
    own agent and channel, so `external_id`, `agent` and `channel` are ignored for them. A CSV
    file holds many conversations (transcripts.csv_format.parse_csv); `agent` and `channel`
    are the defaults for conversations whose rows do not give them. A txt, vtt or srt file is
    one conversation: its id is `external_id`, by default the file name without extension, and
    `agent` (the agent's login) is required; `channel` defaults to chat for txt and call for
    vtt/srt. `options` are per format (OPTIONS): csv: columns, speakers, time_format,
    delimiter, contiguous (see parse_csv); txt: speakers (see parse_plain_text); vtt and srt:
    speakers, default_speaker (see transcripts.subtitles.parse_cues).

    Raises ParseError at call time for an unsupported format, a path that is not a regular
    file, a bad channel, a missing agent, or an unknown or ill-typed option; and while
    iterating if the file cannot be read or a CSV header lacks a column.
    """
    source = os.fspath(path)
    fmt = _resolve(fmt, source)
    if fmt in _CANONICAL:
        _check_options(fmt, options, source)
        return canonical.iter_records(path, fmt)
    return _items(_located_file(path, source, fmt, external_id, agent, channel, options))


def parse_text_as(
    text: Union[str, bytes],
    source_name: str,
    fmt: str = "auto",
    *,
    external_id: Optional[str] = None,
    agent: Optional[str] = None,
    channel: Optional[str] = None,
    options: Optional[Mapping[str, object]] = None,
) -> Iterator[Item]:
    """Parse an upload exactly as parse_file parses a file named `source_name` holding it.

    `text` is the content as str or UTF-8 bytes; sources in errors name `source_name`.
    Raises ParseError as parse_file does (but never for reading).
    """
    fmt = _resolve(fmt, source_name)
    if fmt in _CANONICAL:
        _check_options(fmt, options, source_name)
        return canonical.parse_text(text, source_name, fmt)
    return _items(_located_text(text, source_name, fmt, external_id, agent, channel, options))


def parse_file_located(path: Union[str, os.PathLike], fmt: str = "auto", *, external_id: Optional[str] = None,
                       agent: Optional[str] = None, channel: Optional[str] = None,
                       options: Optional[Mapping[str, object]] = None) -> Iterator[Located]:
    """parse_file, each item with where its record starts: a canonical record at its line, a CSV
    conversation at the line of its first row, a txt/vtt/srt conversation (the whole file) at
    "file:1", a RecordError at its own source."""
    source = os.fspath(path)
    resolved = _resolve(fmt, source)
    if resolved in _CANONICAL:
        _check_options(resolved, options, source)
        return canonical.iter_located(path, resolved)
    return _located_file(path, source, resolved, external_id, agent, channel, options)


def parse_text_located(text: Union[str, bytes], source_name: str, fmt: str = "auto", *,
                       external_id: Optional[str] = None, agent: Optional[str] = None,
                       channel: Optional[str] = None,
                       options: Optional[Mapping[str, object]] = None) -> Iterator[Located]:
    """parse_text_as, each item with where its record starts (as parse_file_located)."""
    resolved = _resolve(fmt, source_name)
    if resolved in _CANONICAL:
        _check_options(resolved, options, source_name)
        return canonical.parse_text_located(text, source_name, resolved)
    return _located_text(text, source_name, resolved, external_id, agent, channel, options)


def _located_file(path, source: str, fmt: str, external_id, agent, channel, options) -> Iterator[Located]:
    parse = _parser(fmt, source, external_id, agent, channel, options)
    file_path = Path(path)
    if not file_path.is_file():
        raise ParseError(source, "not a regular file" if file_path.exists() else "no such file")
    return _read_file(file_path, source, fmt, parse)


def _located_text(text, source: str, fmt: str, external_id, agent, channel, options) -> Iterator[Located]:
    parse = _parser(fmt, source, external_id, agent, channel, options)
    return parse(text_stream(text, newline="" if fmt == "csv" else None))


def _items(located: Iterator[Located]) -> Iterator[Item]:
    return (item for _, item in located)


def _resolve(fmt: str, source: str) -> str:
    if not isinstance(fmt, str):
        raise ParseError(source, f"format must be a string, not {fmt!r}")
    if fmt.lower() == "auto":
        return format_of(source)
    if fmt.lower() not in FORMATS:
        raise ParseError(source, f"unsupported format {fmt!r}; expected auto or " + ", ".join(FORMATS))
    return fmt.lower()


def _read_file(path: Path, source: str, fmt: str, parse: Parser) -> Iterator[Located]:
    try:
        with open_text(path, newline="" if fmt == "csv" else None) as stream:
            yield from parse(stream)
    except OSError as exc:
        raise ParseError(source, f"cannot read file: {exc.strerror or exc}") from exc


def _parser(fmt: str, source: str, external_id: Optional[str], agent: Optional[str],
            channel: Optional[str], options: Optional[Mapping[str, object]]) -> Parser:
    """The parser for one non-canonical input, with its arguments checked now."""
    given = _check_options(fmt, options, source)
    if channel is not None and channel not in CHANNELS:
        raise ParseError(source, f"channel must be one of {', '.join(CHANNELS)}, not {channel!r}")
    if fmt == "csv":
        return lambda stream: parse_csv_located(stream, source, agent=agent, channel=channel, **given)
    if not isinstance(agent, str) or not agent.strip():
        raise ParseError(source, f"an agent login is required for {fmt} files, which do not name "
                                 "the agent")
    fields = {"external_id": PurePath(source).stem if external_id is None else external_id,
              "agent": agent, "channel": channel or ("chat" if fmt == "txt" else "call"), **given}
    whole_file = f"{source}:1"  # the file is one conversation
    if fmt == "txt":
        return lambda stream: _at(parse_plain_text(numbered_lines(stream), source, **fields), whole_file)
    parse_cues = parse_vtt if fmt == "vtt" else parse_srt
    return lambda stream: _at(parse_cues(numbered_lines(stream), source, **fields), whole_file)


def _at(items: Iterator[Item], where: str) -> Iterator[Located]:
    """Each item located at `where`, a RecordError at its own source."""
    return ((item.source if isinstance(item, RecordError) else where, item) for item in items)


def _check_options(fmt: str, options: Optional[Mapping[str, object]], source: str) -> dict:
    """The options as keyword arguments, each checked so that a mistake fails now."""
    if options is None:
        return {}
    if not isinstance(options, Mapping):
        raise ParseError(source, "options must be a mapping of option names to values")
    allowed = OPTIONS.get(fmt, ())
    for name in options:
        if name not in allowed:
            takes = f"takes {', '.join(allowed)}" if allowed else "takes no options"
            raise ParseError(source, f"unknown option {name!r}: the {fmt} format {takes}")
    checks = {
        "speakers": lambda v: speaker_map(v, source),
        "columns": lambda v: column_names(v, source),
        "default_speaker": lambda v: check_default_speaker(v, source),
        "time_format": lambda v: _typed(v, str, "time_format", source),
        "delimiter": lambda v: _typed(v, str, "delimiter", source),
        "contiguous": lambda v: _typed(v, bool, "contiguous", source),
    }
    for name, value in options.items():
        checks[name](value)
    return {name: value for name, value in options.items() if value is not None}


def _typed(value: object, kind: type, name: str, source: str) -> None:
    if value is not None and not isinstance(value, kind):
        raise ParseError(source, f"option {name} must be a {kind.__name__}, not {value!r}")
