"""Size and range limits on one parsed conversation, whatever format it came from.

The parsers check a record's shape; these limits keep a valid but absurd record (663,655 turns,
a 5 MB turn, a timestamp in the year 9999) out of the database, where it would make pages
unusable or fail on storage after other records of the same request were written.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from transcripts.errors import RecordInvalid
from transcripts.model import Conversation

__all__ = ["DEFAULT", "Limits", "check", "json_depth"]


@dataclass(frozen=True)
class Limits:
    """The largest conversation accepted: turns, characters per turn's text, characters of the
    id, agent, queue and customer fields, nesting depth of extra fields (metadata), and the
    first and last calendar year a timestamp may fall in (in its own offset)."""

    max_turns: int = 5000
    max_turn_chars: int = 20_000
    max_id_chars: int = 200
    max_depth: int = 20
    min_year: int = 1990
    max_year: int = 2100


DEFAULT = Limits()
_ID_FIELDS = ("external_id", "agent", "queue", "customer")
_FIELD_NAMES = {"external_id": "id"}


def check(conv: Conversation, limits: Limits = DEFAULT) -> Optional[RecordInvalid]:
    """The first limit `conv` breaks, as a RecordInvalid naming the field path (e.g.
    "turns[3].text: 25,000 characters; at most 20,000 are accepted"), or None when it fits."""
    if len(conv.turns) > limits.max_turns:
        return RecordInvalid("turns", f"{len(conv.turns):,} turns; at most {limits.max_turns:,} "
                                      "are accepted in one conversation")
    for name in _ID_FIELDS:
        value = getattr(conv, name)
        if value is not None and len(value) > limits.max_id_chars:
            return RecordInvalid(_FIELD_NAMES.get(name, name), f"{len(value):,} characters; at most "
                                                               f"{limits.max_id_chars:,} are accepted")
    problem = _time_problem(conv.started_at, "started_at", limits)
    if problem:
        return problem
    for i, turn in enumerate(conv.turns):
        if len(turn.text) > limits.max_turn_chars:
            return RecordInvalid(f"turns[{i}].text", f"{len(turn.text):,} characters; at most "
                                                     f"{limits.max_turn_chars:,} are accepted")
        problem = _time_problem(turn.at, f"turns[{i}].at", limits)
        if problem:
            return problem
    depth = json_depth(conv.metadata)
    if depth > limits.max_depth + 1:  # the metadata mapping itself is not a level of a field
        return RecordInvalid("record", f"extra fields nested {depth - 1} levels deep; at most "
                                       f"{limits.max_depth} are accepted")
    return None


def _time_problem(value: Optional[datetime], path: str, limits: Limits) -> Optional[RecordInvalid]:
    if value is None or limits.min_year <= value.year <= limits.max_year:
        return None
    return RecordInvalid(path, f"{value.isoformat()} is outside the accepted years "
                               f"{limits.min_year}-{limits.max_year}")


def json_depth(value: object) -> int:
    """Levels of arrays and objects in a decoded JSON value (a scalar is 0, [] and {} are 1),
    walked without recursion so any depth is measured safely."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, Mapping) else \
            item if isinstance(item, (list, tuple)) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest
