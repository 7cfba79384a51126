"""Validating one canonical record (a decoded JSON object) and building its Conversation."""
from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Optional

from transcripts.errors import RecordInvalid
from transcripts.model import CHANNELS, Conversation, Turn

__all__ = ["LANGUAGES", "MAX_METADATA_DEPTH", "RESERVED_KEYS", "TURN_SPEAKERS", "RecordInvalid",
           "check_field", "conversation_from_dict"]

TURN_SPEAKERS = ("agent", "customer", "bot", "system")
LANGUAGES = ("en", "zh")
MAX_METADATA_DEPTH = 100

_KNOWN_KEYS = frozenset(
    {"id", "channel", "agent", "started_at", "language", "queue", "customer", "csat", "turns"}
)
# Keys the product itself writes about stored files: input never names a file on the server.
RESERVED_KEYS = frozenset({"audio_file", "audio_sha256"})
_SURROGATE = re.compile("[\ud800-\udfff]")
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?",
    re.ASCII,
)
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


def conversation_from_dict(obj: object, *, require_timing: bool = True) -> Conversation:
    """Validate one decoded canonical record and build its Conversation.

    Raises RecordInvalid (a ValueError) naming the first bad field's path, e.g.
    "turns[3].speaker: must be one of agent, customer, bot, system, not 'boss'", and nothing
    else whatever `obj` is. Rules: `id`, `agent` (non-blank strings, stripped) and `turns`
    (a non-empty list) are required; an optional field that is null counts as absent.
    `channel` is chat|call|email|social (default chat); `csat` an integer 1..5; `language` en
    or zh, a region tag such as "zh-CN" is cut to its language; blank `queue`/`customer` become
    None. Each turn has `speaker` (agent|customer|bot|system), `text` (a string, may be empty)
    and `at` (a timestamp) or `start` and `end` (seconds from call start, 0 <= start <= end),
    or both. Timestamps are ISO-8601 "YYYY-MM-DDTHH:MM[:SS[.fff]][Z|+HH:MM]"; one without a
    UTC offset is taken to be UTC. Unknown top-level keys are kept in `metadata` (must be
    JSON values, copied), except the RESERVED_KEYS, which are refused; unknown keys inside a
    turn are dropped, as Turn has no place for them.
    `language` is not guessed here: absent stays None. With require_timing=False a turn may
    have neither `at` nor `start`/`end` (for transcripts that carry no times, e.g. plain text).
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
        turns=_turns(record.get("turns"), require_timing),
        metadata=_metadata(record),
    )


def check_field(name: str, value: object) -> object:
    """One top-level field's value checked as conversation_from_dict checks it, for formats
    that meet fields one at a time (a CSV row): the value the Conversation would hold.

    `name` is id, agent, channel, started_at, language, queue, customer or csat, or "at" for a
    turn's timestamp. Raises RecordInvalid whose path is `name`; KeyError for any other name.
    """
    checks = {
        "id": lambda v: _required_text({"id": v}, "id"),
        "agent": lambda v: _required_text({"agent": v}, "agent"),
        "channel": _channel, "language": _language, "csat": _csat,
        "queue": lambda v: _optional_text(v, "queue"),
        "customer": lambda v: _optional_text(v, "customer"),
        "started_at": lambda v: _optional_timestamp(v, "started_at"),
        "at": lambda v: _optional_timestamp(v, "at"),
    }
    return checks[name](value)


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
    if "\x00" in value:  # PostgreSQL text cannot hold it: refused here, on every database alike
        raise RecordInvalid(path, "contains a NUL character (U+0000), which cannot be stored")
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
        raise RecordInvalid(
            "language", f"must be en or zh (or a tag such as zh-CN), not {_show(value)}")
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
    fraction, off_m = match.group(7), match.group(11)
    if (off_m is None or off_m <= "59") and (fraction is None or len(fraction) <= 6):
        try:  # fast path (C) for the common forms; the slow path below decides every other case
            parsed = datetime.fromisoformat(value)
            return _storable(parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc),
                             value, path)
        except ValueError:
            pass
    year, month, day, hour, minute, second, fraction, _z, sign, off_h, off_m = match.groups()
    try:
        if off_m is not None and int(off_m) > 59:
            raise ValueError("offset minutes out of range")
        offset = timedelta(hours=int(off_h), minutes=int(off_m or 0)) if sign else timedelta(0)
        zone = timezone(-offset if sign == "-" else offset)
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        parsed = datetime(int(year), int(month), int(day), int(hour), int(minute),
                          int(second or 0), micro, tzinfo=zone)
    except ValueError:  # well-formed but impossible: month 13, hour 24, offset 25:00 ...
        raise RecordInvalid(path, f"not an ISO-8601 timestamp: {_show(value)}") from None
    return _storable(parsed, value, path)


def _storable(parsed: datetime, value: str, path: str) -> datetime:
    """`parsed`, when it can be moved to UTC (as storing and fingerprinting it do); year 9999
    late in the day at a negative offset, or year 1 early at a positive one, cannot."""
    try:
        parsed.astimezone(timezone.utc)
    except OverflowError:
        raise RecordInvalid(path, f"{value} is outside the years a timestamp can be stored in") from None
    return parsed


def _turns(value: object, require_timing: bool) -> tuple[Turn, ...]:
    if value is None:
        raise RecordInvalid("turns", "required")
    if not isinstance(value, (list, tuple)):
        raise RecordInvalid("turns", f"must be a non-empty list, not {_show(value)}")
    if not value:
        raise RecordInvalid("turns", "must be a non-empty list")
    return tuple(_turn(item, f"turns[{index}]", require_timing) for index, item in enumerate(value))


def _turn(value: object, path: str, require_timing: bool) -> Turn:
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
    if require_timing and at is None and start is None:
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
        raise RecordInvalid(
            f"{path}.start", f"must not be after end ({_show(raw_start)} > {_show(raw_end)})")
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
        if key in RESERVED_KEYS:
            raise RecordInvalid(key, "reserved: QA Desk names the recordings it stores itself; "
                                     "remove this field")
        if key not in _KNOWN_KEYS:
            path = _key_path("", key)
            extra[_checked_string(key, path)] = _json_copy(value, path, 1)
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
            copy[_checked_string(key, path)] = _json_copy(item, _key_path(path, key), depth + 1)
        return copy
    raise RecordInvalid(path, f"must be a JSON value, not {_show(value)}")


def _key_path(parent: str, key: str) -> str:
    """`parent.key`, or `parent["key"]` when the key is empty or holds dots, spaces, brackets."""
    if _PLAIN_KEY.fullmatch(key):
        return f"{parent}.{key}" if parent else key
    return f"{parent}[{json.dumps(key, ensure_ascii=False)}]"

