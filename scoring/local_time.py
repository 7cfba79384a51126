"""A team's local time over a period, as the fixed UTC offsets that hold between transitions.

Reports break scores down by the local weekday and hour a conversation started in (shifts are
local); the database stores UTC. SQL cannot read time-zone rules, so the shell asks for the
spans of one offset each and shifts `started_at` by the span's offset.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = "UTC"


class UnknownZone(ValueError):
    """A time-zone name that is not in the IANA database."""


@dataclass(frozen=True)
class OffsetSpan:
    """[start, end) in UTC during which local time is UTC + `minutes`."""

    start: datetime
    end: datetime
    minutes: int


def zone(name: Optional[str]) -> ZoneInfo:
    """The zone of an IANA name (None or "" is UTC); UnknownZone names the bad one."""
    try:
        return ZoneInfo(name or UTC)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UnknownZone(f"unknown time zone {name!r}; expected an IANA name such as Europe/London") from exc


def _offset(tz: ZoneInfo, at: datetime) -> int:
    return int(at.astimezone(tz).utcoffset().total_seconds() // 60)


def _first_change(tz: ZoneInfo, low: datetime, high: datetime) -> datetime:
    """The first whole hour after `low` with `high`'s offset (offsets differ at low and high)."""
    target = _offset(tz, high)
    while high - low > timedelta(hours=1):
        mid = low + (high - low) / 2
        mid = mid.replace(minute=0, second=0, microsecond=0)
        if mid <= low:
            break
        if _offset(tz, mid) == target:
            high = mid
        else:
            low = mid
    return high


@lru_cache(maxsize=256)
def offset_spans(name: Optional[str], start: datetime, end: datetime) -> tuple[OffsetSpan, ...]:
    """The spans of one UTC offset covering [start, end) (aware UTC datetimes), in order."""
    tz = zone(name)
    spans, span_start, minutes = [], start, _offset(tz, start)
    day = start
    while day < end:
        nxt = min(day + timedelta(days=1), end)
        if _offset(tz, nxt) != minutes and nxt < end:
            change = _first_change(tz, day, nxt)
            spans.append(OffsetSpan(span_start, change, minutes))
            span_start, minutes = change, _offset(tz, change)
        day = nxt
    spans.append(OffsetSpan(span_start, end, minutes))
    return tuple(spans)


def as_local(moment: datetime, name: Optional[str]) -> datetime:
    """`moment` (aware) in the named zone."""
    return moment.astimezone(zone(name))

