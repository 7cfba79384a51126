"""The canonical conversation format (issue #2): validation of one record, and JSON/NDJSON reading."""
from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path, PurePath
from typing import BinaryIO, Iterator, Optional, Union

from transcripts.errors import ParseError, RecordError, RecordInvalid
from transcripts.model import CHANNELS, Conversation, Turn

__all__ = [
    "FORMATS", "LANGUAGES", "MAX_LINE_BYTES", "TURN_SPEAKERS", "ParseError", "RecordError",
    "RecordInvalid", "conversation_from_dict", "format_for", "iter_records", "parse_text",
]

TURN_SPEAKERS = ("agent", "customer", "bot", "system")
LANGUAGES = ("en", "zh")
FORMATS = ("json", "ndjson", "jsonl")
MAX_LINE_BYTES = 16 * 1024 * 1024  # an NDJSON line longer than this is reported, not buffered
MAX_METADATA_DEPTH = 100

_EXTENSIONS = {".json": "json", ".ndjson": "ndjson", ".jsonl": "ndjson"}
_KNOWN_KEYS = frozenset(
    {"id", "channel", "agent", "started_at", "language", "queue", "customer", "csat", "turns"}
)
_BOM = b"\xef\xbb\xbf"
_JSON_SPACE = " \t\r\n"
_SKIP_SPACE = re.compile(r"[ \t\r\n]*")
_SURROGATE = re.compile("[\ud800-\udfff]")
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?",
    re.ASCII,
)
_DECODER = json.JSONDecoder()

Item = Union[Conversation, RecordError]


# ---------------------------------------------------------------- one record


def conversation_from_dict(obj: object) -> Conversation:
    """Validate one decoded canonical record and build its Conversation.

    Raises RecordInvalid (a ValueError) naming the first bad field's path, e.g.
    "turns[3].speaker: must be one of agent, customer, bot, system, not 'boss'". Any other
    input raises nothing else. Rules: `id`, `agent` (non-blank strings, stripped) and `turns`
    (a non-empty list) are required; an optional field that is null counts as absent.
    `channel` is chat|call|email|social (default chat); `csat` an integer 1..5; `language` en
    or zh, a region tag such as "zh-CN" is cut to its language; blank `queue`/`customer` become
    None. Each turn has `speaker` (agent|customer|bot|system), `text` (a string, may be empty)
    and `at` (a timestamp) or `start` and `end` (seconds from call start, 0 <= start <= end),
    or both. Timestamps are ISO-8601 "YYYY-MM-DDTHH:MM[:SS[.fff]][Z|+HH:MM]"; one without a
    UTC offset is taken to be UTC. Unknown top-level keys are kept in `metadata` (must be
    JSON values, copied); unknown keys inside a turn are dropped, as Turn has no place for them.
    `language` is not guessed here: absent stays None.
    """
    record = _require_object(obj, "")
    return Conversation(
        external_id=_required_text(record, "id"),
        agent=_required_text(record, "agent"),
        channel=_channel(record.get("channel")),
        started_at=_optional_timestamp(record.get("started_at"), "started_at"),
        language=_language(record.get("language")),
        queue=_optional_text(record.get("queue"), "queue"),
        customer=_optional_text(record.get("customer"), "customer"),
        csat=_csat(record.get("csat")),
        turns=_turns(record.get("turns")),
        metadata=_metadata(record),
    )


def _show(value: object) -> str:
    """A short rendering of a bad value for an error message."""
    if isinstance(value, str):
        shown = repr(value)
        return shown if len(shown) <= 42 else shown[:39] + "...'"
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, (int, float)):
        shown = repr(value)
        return shown if len(shown) <= 40 else shown[:37] + "..."
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "an array"
    return type(value).__name__


def _require_object(value: object, path: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise RecordInvalid(path, f"must be a JSON object, not {_show(value)}")
    return value


def _checked_string(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise RecordInvalid(path, f"must be a string, not {_show(value)}")
    found = _SURROGATE.search(value)
    if found:  # cannot be stored as UTF-8, so refuse it here rather than in the database
        raise RecordInvalid(path, f"contains an unpaired surrogate U+{ord(found.group()):04X}")
    return value


def _required_text(record: Mapping, key: str) -> str:
    value = record.get(key)
    if value is None:
        raise RecordInvalid(key, "required")
    text = _checked_string(value, key).strip()
    if not text:
        raise RecordInvalid(key, "must not be empty")
    return text


def _optional_text(value: object, path: str) -> Optional[str]:
    if value is None:
        return None
    return _checked_string(value, path).strip() or None


def _channel(value: object) -> str:
    if value is None:
        return "chat"
    if not isinstance(value, str) or value not in CHANNELS:
        raise RecordInvalid("channel", f"must be one of {', '.join(CHANNELS)}, not {_show(value)}")
    return value


def _language(value: object) -> Optional[str]:
    if value is None:
        return None
    tag = _checked_string(value, "language").strip().lower()
    if not tag:
        return None
    primary = re.split(r"[-_]", tag)[0]
    if primary not in LANGUAGES:
        raise RecordInvalid("language", f"must be en or zh (or a tag such as zh-CN), not {_show(value)}")
    return primary


def _csat(value: object) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise RecordInvalid("csat", f"must be an integer 1-5, not {_show(value)}")
    return value


def _optional_timestamp(value: object, path: str) -> Optional[datetime]:
    if value is None:
        return None
    match = _TIMESTAMP.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise RecordInvalid(path, f"not an ISO-8601 timestamp: {_show(value)}")
    year, month, day, hour, minute, second, fraction, _z, sign, off_h, off_m = match.groups()
    try:
        if off_m is not None and int(off_m) > 59:
            raise ValueError("offset minutes out of range")
        offset = timedelta(hours=int(off_h), minutes=int(off_m or 0)) if sign else timedelta(0)
        zone = timezone(-offset if sign == "-" else offset)
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        return datetime(int(year), int(month), int(day), int(hour), int(minute),
                        int(second or 0), micro, tzinfo=zone)
    except ValueError:  # well-formed but impossible: month 13, hour 24, offset 25:00 ...
        raise RecordInvalid(path, f"not an ISO-8601 timestamp: {_show(value)}") from None


def _turns(value: object) -> tuple[Turn, ...]:
    if value is None:
        raise RecordInvalid("turns", "required")
    if not isinstance(value, (list, tuple)):
        raise RecordInvalid("turns", f"must be a non-empty list, not {_show(value)}")
    if not value:
        raise RecordInvalid("turns", "must be a non-empty list")
    return tuple(_turn(item, f"turns[{index}]") for index, item in enumerate(value))


def _turn(value: object, path: str) -> Turn:
    turn = _require_object(value, path)
    speaker = turn.get("speaker")
    if speaker is None:
        raise RecordInvalid(f"{path}.speaker", "required")
    if not isinstance(speaker, str) or speaker not in TURN_SPEAKERS:
        raise RecordInvalid(
            f"{path}.speaker", f"must be one of {', '.join(TURN_SPEAKERS)}, not {_show(speaker)}"
        )
    if turn.get("text") is None:
        raise RecordInvalid(f"{path}.text", "required")
    text = _checked_string(turn["text"], f"{path}.text")
    at = _optional_timestamp(turn.get("at"), f"{path}.at")
    start, end = _span(turn, path)
    if at is None and start is None:
        raise RecordInvalid(path, "needs either at, or start and end")
    return Turn(speaker=speaker, text=text, at=at, start=start, end=end)


def _span(turn: Mapping, path: str) -> tuple[Optional[float], Optional[float]]:
    raw_start, raw_end = turn.get("start"), turn.get("end")
    if raw_start is None and raw_end is None:
        return None, None
    if raw_end is None:
        raise RecordInvalid(f"{path}.end", "required when start is given")
    if raw_start is None:
        raise RecordInvalid(f"{path}.start", "required when end is given")
    start = _seconds(raw_start, f"{path}.start")
    end = _seconds(raw_end, f"{path}.end")
    if start > end:
        raise RecordInvalid(f"{path}.start", f"must not be after end ({start:g} > {end:g})")
    return start, end


def _seconds(value: object, path: str) -> float:
    problem = f"must be a non-negative number of seconds, not {_show(value)}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RecordInvalid(path, problem)
    try:
        seconds = float(value)
    except OverflowError:  # an integer too big for a float
        raise RecordInvalid(path, problem) from None
    if not math.isfinite(seconds) or seconds < 0:
        raise RecordInvalid(path, problem)
    return seconds


def _metadata(record: Mapping) -> dict[str, object]:
    extra: dict[str, object] = {}
    for key, value in record.items():
        if not isinstance(key, str):
            raise RecordInvalid("", f"keys must be strings, not {_show(key)}")
        if key not in _KNOWN_KEYS:
            extra[_checked_string(key, key)] = _json_copy(value, key, 1)
    return extra


def _json_copy(value: object, path: str, depth: int) -> object:
    """A deep copy of a JSON value, so later changes to the input cannot reach the Conversation."""
    if depth > MAX_METADATA_DEPTH:
        raise RecordInvalid(path, f"nested more than {MAX_METADATA_DEPTH} levels deep")
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise RecordInvalid(path, f"must be a finite number, not {_show(value)}")
        return value
    if isinstance(value, str):
        return _checked_string(value, path)
    if isinstance(value, (list, tuple)):
        return [_json_copy(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value)]
    if isinstance(value, Mapping):
        copy = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise RecordInvalid(path, f"keys must be strings, not {_show(key)}")
            copy[_checked_string(key, path)] = _json_copy(item, f"{path}.{key}", depth + 1)
        return copy
    raise RecordInvalid(path, f"must be a JSON value, not {_show(value)}")


# ---------------------------------------------------------------- files and uploads


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


def iter_records(path: Union[str, Path]) -> Iterator[Item]:
    """Yield each record of a canonical file, in file order, as a Conversation or a RecordError.

    The format comes from the extension (see format_for). NDJSON/JSON Lines is read line by line
    in bounded memory: blank lines are skipped, and every bad line (invalid JSON, not UTF-8,
    longer than MAX_LINE_BYTES, breaking the format) yields a RecordError "file:line" and
    reading goes on. A .json file (one object, or an array of objects) is read whole; if it is
    not valid JSON the only item is one RecordError at the JSON error's line, otherwise each
    element yields a Conversation or a RecordError at the line where it starts, whose message
    begins with its index ("[2].turns: ..."). Files are UTF-8, with or without a BOM.
    Duplicate ids are not checked. Raises ParseError at call time for an unsupported extension
    or a path that is not a regular file, and while iterating if the file cannot be read.
    """
    source = str(path)
    fmt = format_for(source)
    file_path = Path(path)
    if not file_path.is_file():
        problem = "not a regular file" if file_path.exists() else "no such file"
        raise ParseError(source, problem)
    return _read_file(file_path, source, fmt)


def parse_text(text: Union[str, bytes], source_name: str, fmt: str) -> Iterator[Item]:
    """Parse uploaded content exactly as iter_records parses a file with that content.

    `text` is the upload as str or raw bytes (bytes are decoded line by line, so an undecodable
    line is a RecordError on that line); `fmt` is "json", "ndjson" or "jsonl", any case (see format_for to
    get it from a file name); `source_name` is used in place of the file name in every source.
    Raises ParseError for any other fmt.
    """
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ParseError(source_name, f"unsupported format {fmt!r}; expected json, ndjson or jsonl")
    # surrogatepass: a str with lone surrogates then fails to decode on its line, as a file would
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    return _parse_stream(io.BytesIO(data), source_name, fmt)


def _read_file(path: Path, source: str, fmt: str) -> Iterator[Item]:
    try:
        with path.open("rb") as stream:
            yield from _parse_stream(stream, source, fmt)
    except OSError as exc:
        raise ParseError(source, f"cannot read file: {exc.strerror or exc}") from exc


def _parse_stream(stream: BinaryIO, source: str, fmt: str) -> Iterator[Item]:
    if fmt == "json":
        return _json_document(stream.read(), source)
    return _ndjson(stream, source)


def _ndjson(stream: BinaryIO, source: str) -> Iterator[Item]:
    for number, raw in enumerate(_lines(stream), start=1):
        where = f"{source}:{number}"
        if raw is None:
            yield RecordError(where, f"line longer than {MAX_LINE_BYTES} bytes; skipped")
            continue
        if number == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM):]
        try:
            line = raw.decode("utf-8").removesuffix("\n").removesuffix("\r")
        except UnicodeDecodeError as exc:
            yield RecordError(where, _utf8_problem(exc, exc.start))
            continue
        if line.strip(_JSON_SPACE):
            yield _record_from_line(line, where)


def _lines(stream: BinaryIO) -> Iterator[Optional[bytes]]:
    """Raw lines split on LF only (as JSON allows no raw LF inside a value); None for an overlong one."""
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
        where = "" if exc.msg == "the file is empty" else f" at column {exc.colno}"
        return f"invalid JSON: {exc.msg}{where}"
    # another ValueError: an integer longer than Python's digit limit; keep the first clause
    return f"invalid JSON: {str(exc).split(':')[0]}"


def _utf8_problem(exc: UnicodeDecodeError, position_in_line: int) -> str:
    return f"not valid UTF-8: byte 0x{exc.object[exc.start]:02x} at byte {position_in_line + 1} of the line"


def _json_document(data: bytes, source: str) -> Iterator[Item]:
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        yield RecordError(f"{source}:{line}", _utf8_problem(exc, exc.start - line_start))
        return
    try:
        is_array, elements = _top_level_values(text)
    except (ValueError, RecursionError) as exc:
        yield RecordError(f"{source}:{getattr(exc, 'lineno', 1)}", _json_problem(exc))
        return
    for index, (line, value) in enumerate(elements):
        try:
            yield conversation_from_dict(value)
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
    if pos == len(text):
        raise json.JSONDecodeError("the file is empty", text, pos)
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
