"""The canonical conversation format (issue #2): reading JSON and NDJSON files and uploads.

Validating one record lives in transcripts.records; its public names are re-exported here.
"""
from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path, PurePath
from typing import BinaryIO, Iterator, Optional, Union

from transcripts.errors import ParseError, RecordError, RecordInvalid
from transcripts.model import Conversation
from transcripts.records import LANGUAGES, MAX_METADATA_DEPTH, TURN_SPEAKERS, conversation_from_dict

__all__ = [
    "FORMATS", "LANGUAGES", "MAX_LINE_BYTES", "MAX_METADATA_DEPTH", "TURN_SPEAKERS", "ParseError",
    "RecordError", "RecordInvalid", "conversation_from_dict", "format_for", "iter_records",
    "iter_located", "parse_text", "parse_text_located",
]

FORMATS = ("json", "ndjson", "jsonl")
MAX_LINE_BYTES = 16 * 1024 * 1024  # an NDJSON line longer than this is reported, not buffered

_EXTENSIONS = {".json": "json", ".ndjson": "ndjson", ".jsonl": "ndjson"}
_BOM = b"\xef\xbb\xbf"
_JSON_SPACE = " \t\r\n"
_SKIP_SPACE = re.compile(r"[ \t\r\n]*")
_DECODER = json.JSONDecoder()

Item = Union[Conversation, RecordError]
Located = tuple[str, Item]  # ("file:line" where the record starts, the item)


def format_for(name: str) -> str:
    """"json" or "ndjson" from a file name's extension (.json, .ndjson, .jsonl, any case).

    Raises ParseError naming the file for any other extension.
    """
    suffix = PurePath(name).suffix.lower()
    if suffix not in _EXTENSIONS:
        raise ParseError(
            name, f"unsupported file type {suffix or '(none)'!r}; expected .json, .ndjson or .jsonl"
        )
    return _EXTENSIONS[suffix]


def iter_records(path: Union[str, os.PathLike], fmt: Optional[str] = None) -> Iterator[Item]:
    """Yield each record of a canonical file, in file order, as a Conversation or a RecordError.

    The format is `fmt` ("json", "ndjson" or "jsonl", any case) when given, else it comes from
    the extension (see format_for). NDJSON/JSON Lines is read line by line
    in bounded memory: blank lines are skipped, and every bad line (invalid JSON, not UTF-8,
    longer than MAX_LINE_BYTES, breaking the format) yields a RecordError "file:line" and
    reading goes on. A .json file (one object, or an array of objects) is read whole; if it is
    not valid JSON the only item is one RecordError at the JSON error's line, otherwise each
    element yields a Conversation or a RecordError at the line where it starts, whose message
    begins with its index ("[2].turns: ..."). Files are UTF-8, with or without a BOM.
    Duplicate ids are not checked. Raises ParseError at call time for an unsupported extension
    or fmt, or a path that is not a regular file, and while iterating if the file cannot be read.
    """
    return (item for _where, item in iter_located(path, fmt))


def iter_located(path: Union[str, os.PathLike], fmt: Optional[str] = None) -> Iterator[Located]:
    """iter_records, each item with the "file:line" where its record starts."""
    source = os.fspath(path)
    fmt = format_for(source) if fmt is None else _checked_format(fmt, source)
    file_path = Path(path)
    if not file_path.is_file():
        problem = "not a regular file" if file_path.exists() else "no such file"
        raise ParseError(source, problem)
    return _read_file(file_path, source, fmt)


def parse_text(text: Union[str, bytes], source_name: str, fmt: str) -> Iterator[Item]:
    """Parse uploaded content exactly as iter_records parses a file with that content.

    `text` is the upload as str or raw bytes (bytes are decoded line by line, so an undecodable
    line is a RecordError on that line); `fmt` is "json", "ndjson" or "jsonl" in any case (see
    format_for to get it from a file name); `source_name` stands for the file name in sources.
    Raises ParseError for any other fmt.
    """
    return (item for _where, item in parse_text_located(text, source_name, fmt))


def parse_text_located(text: Union[str, bytes], source_name: str, fmt: str) -> Iterator[Located]:
    """parse_text, each item with the "name:line" where its record starts."""
    fmt = _checked_format(fmt, source_name)
    # surrogatepass: a str with lone surrogates then fails to decode on its line, as a file would
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    return _parse_stream(io.BytesIO(data), source_name, fmt)


def _checked_format(fmt: str, source: str) -> str:
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ParseError(source, f"unsupported format {fmt!r}; expected json, ndjson or jsonl")
    return "ndjson" if fmt == "jsonl" else fmt


def _read_file(path: Path, source: str, fmt: str) -> Iterator[Located]:
    try:
        with path.open("rb") as stream:
            yield from _parse_stream(stream, source, fmt)
    except OSError as exc:
        raise ParseError(source, f"cannot read file: {exc.strerror or exc}") from exc


def _parse_stream(stream: BinaryIO, source: str, fmt: str) -> Iterator[Located]:
    if fmt == "json":
        return _json_document(stream.read(), source)
    return _ndjson(stream, source)


def _ndjson(stream: BinaryIO, source: str) -> Iterator[Located]:
    for number, raw in numbered_lines(stream):
        item = item_from_line(number, raw, source)
        if item is not None:
            yield f"{source}:{number}", item


def numbered_lines(stream: BinaryIO) -> Iterator[tuple[int, Optional[bytes]]]:
    """(line number, raw bytes) of an NDJSON stream; None for a line over MAX_LINE_BYTES."""
    return enumerate(_lines(stream), start=1)


def item_from_line(number: int, raw: Optional[bytes], source: str) -> Optional[Item]:
    """One NDJSON line as a Conversation or a RecordError citing source:number; None if blank.

    Lines are independent, so they may be parsed in any process (bulk ingest uses several).
    """
    where = f"{source}:{number}"
    if raw is None:
        return RecordError(where, f"line longer than {MAX_LINE_BYTES} bytes; skipped")
    if number == 1 and raw.startswith(_BOM):
        raw = raw[len(_BOM):]
    try:
        line = raw.decode("utf-8").removesuffix("\n").removesuffix("\r")
    except UnicodeDecodeError as exc:
        return RecordError(where, _utf8_problem(exc, exc.start))
    if not line.strip(_JSON_SPACE):
        return None
    return _record_from_line(line, where)


def _lines(stream: BinaryIO) -> Iterator[Optional[bytes]]:
    """Raw lines, split on LF only as JSON allows no raw LF inside a value; None if overlong."""
    limit = MAX_LINE_BYTES
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        if len(raw) > limit and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # discard the rest of the line in chunks
                raw = stream.readline(1 << 16)
            yield None
        else:
            yield raw


def _record_from_line(line: str, where: str) -> Item:
    try:
        value = json.loads(line)
    except (ValueError, RecursionError) as exc:
        return RecordError(where, _json_problem(exc))
    try:
        return conversation_from_dict(value)
    except RecordInvalid as exc:
        return RecordError(where, str(exc))


def _json_problem(exc: Exception) -> str:
    if isinstance(exc, RecursionError):
        return "invalid JSON: nested too deeply"
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON: {exc.msg} at column {exc.colno}"
    # another ValueError: an integer longer than Python's digit limit; keep the first clause
    return f"invalid JSON: {str(exc).split(':')[0]}"


def _utf8_problem(exc: UnicodeDecodeError, position_in_line: int) -> str:
    bad = exc.object[exc.start]
    return f"not valid UTF-8: byte 0x{bad:02x} at byte {position_in_line + 1} of the line"


def _json_document(data: bytes, source: str) -> Iterator[Located]:
    for item in _json_items(data, source):
        yield (item.source, item) if isinstance(item, RecordError) else item


def _json_items(data: bytes, source: str) -> Iterator[Union[RecordError, Located]]:
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        yield RecordError(f"{source}:{line}", _utf8_problem(exc, exc.start - line_start))
        return
    if not text.strip(_JSON_SPACE):
        yield RecordError(f"{source}:1", "invalid JSON: the file is empty")
        return
    try:
        is_array, elements = _top_level_values(text)
    except (ValueError, RecursionError) as exc:
        yield RecordError(f"{source}:{getattr(exc, 'lineno', 1)}", _json_problem(exc))
        return
    for index, (line, value) in enumerate(elements):
        try:
            yield f"{source}:{line}", conversation_from_dict(value)
        except RecordInvalid as exc:
            yield RecordError(f"{source}:{line}", _indexed(exc, index) if is_array else str(exc))


def _indexed(exc: RecordInvalid, index: int) -> str:
    path = f"[{index}]" + (f".{exc.path}" if exc.path else "")
    return f"{path}: {exc.reason}"


def _top_level_values(text: str) -> tuple[bool, list[tuple[int, object]]]:
    """(whether the document is an array, [(line where each record starts, value)]).

    Decodes array elements one at a time so that each one's starting line is known.
    """
    pos = _SKIP_SPACE.match(text).end()
    if text[pos] != "[":
        value, end = _DECODER.raw_decode(text, pos)
        _expect_end(text, end)
        return False, [(text.count("\n", 0, pos) + 1, value)]
    elements: list[tuple[int, object]] = []
    line, counted_to = 1, 0
    pos = _SKIP_SPACE.match(text, pos + 1).end()
    if text.startswith("]", pos):
        _expect_end(text, pos + 1)
        return True, elements
    while True:
        value, end = _DECODER.raw_decode(text, pos)
        line, counted_to = line + text.count("\n", counted_to, pos), pos
        elements.append((line, value))
        pos = _SKIP_SPACE.match(text, end).end()
        if text.startswith("]", pos):
            break
        if not text.startswith(",", pos):
            raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
        pos = _SKIP_SPACE.match(text, pos + 1).end()
    _expect_end(text, pos + 1)
    return True, elements


def _expect_end(text: str, pos: int) -> None:
    pos = _SKIP_SPACE.match(text, pos).end()
    if pos != len(text):
        raise json.JSONDecodeError("Extra data", text, pos)
