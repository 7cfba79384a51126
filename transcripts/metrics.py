"""Timing metrics of a conversation: talk time, silence, overtalk and response gaps (calls), response times (chats)."""
from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Optional

from transcripts.model import Conversation, Turn

Interval = tuple[float, float]
DIGITS = 3  # seconds are rounded to milliseconds in the JSON-safe output


def conversation_metrics(conversation: Conversation, silence_threshold: float = 3.0) -> dict:
    """JSON-safe metrics: {"kind": "call", ...call_metrics} when the turns carry start/end seconds
    (or the channel is "call"), {"kind": "chat", ...chat_metrics} when they carry `at` times, else
    {"kind": "none", "turns": n}. Raises ValueError naming turns[i] for inconsistent times.
    """
    turns = conversation.turns
    timed_call = any(t.start is not None and t.end is not None for t in turns)
    if timed_call or (conversation.channel == "call" and not any(t.at is not None for t in turns)):
        return {"kind": "call", **call_metrics(turns, silence_threshold)}
    if any(t.at is not None for t in turns):
        return {"kind": "chat", **chat_metrics(turns)}
    return {"kind": "none", "turns": len(turns)}


# ---------------------------------------------------------------- calls


def call_metrics(turns: Sequence[Turn], silence_threshold: float = 3.0) -> dict:
    """Talk time per speaker, agent talk ratio, silences, overtalk and customer-to-agent gaps.

    Only turns with both start and end count ("untimed_turns" says how many had not); order of
    the input does not matter. A silence is a gap longer than `silence_threshold` seconds between
    the end of all speech so far and the next speech (before the first and after the last turn
    is not silence: the recording may include ringing and wrap-up). Overtalk is time in which an
    agent turn and a customer turn overlap. A response gap runs from the end of a customer's
    speech to the start of the agent turn that follows it (0 when the agent started first);
    customer speech that ends while the agent is still talking (a backchannel such as "mm-hmm")
    does not wait for a response.
    """
    if not silence_threshold >= 0:
        raise ValueError(f"silence_threshold: must be 0 or more seconds, got {silence_threshold!r}")
    timed = _timed(turns)
    talk: dict[str, float] = {}
    for turn in timed:
        talk[turn.speaker] = talk.get(turn.speaker, 0.0) + (turn.end - turn.start)
    pair = talk.get("agent", 0.0) + talk.get("customer", 0.0)
    gaps = _response_gaps(timed)
    silences = [gap for gap in _gaps(_union(_spans(timed))) if gap > silence_threshold]
    overlaps = _intersect(_union(_spans(timed, "agent")), _union(_spans(timed, "customer")))
    return {
        "timed_turns": len(timed),
        "untimed_turns": len(turns) - len(timed),
        "talk_time": {speaker: _round(seconds) for speaker, seconds in sorted(talk.items())},
        "agent_talk_ratio": _round(talk.get("agent", 0.0) / pair) if pair else None,
        "silence": {"threshold": silence_threshold, "count": len(silences),
                    "longest": _round(max(silences, default=0.0)), "total": _round(sum(silences))},
        "overtalk": {"count": len(overlaps), "total": _round(sum(end - start for start, end in overlaps))},
        "response_gaps": {"gaps": [_round(g) for g in gaps], **_summary(gaps)},
    }


def _timed(turns: Sequence[Turn]) -> list[Turn]:
    """Turns with start and end, by start time; ValueError names a turn that ends before it starts."""
    timed = []
    for index, turn in enumerate(turns):
        if turn.start is None or turn.end is None:
            continue
        if not (math.isfinite(turn.start) and math.isfinite(turn.end) and 0 <= turn.start <= turn.end):
            raise ValueError(f"turns[{index}]: start {turn.start} and end {turn.end} are not a time span "
                             f"(need 0 <= start <= end)")
        timed.append(turn)
    return sorted(timed, key=lambda t: (t.start, t.end))


def _spans(turns: Sequence[Turn], speaker: Optional[str] = None) -> list[Interval]:
    return [(t.start, t.end) for t in turns if speaker is None or t.speaker == speaker]


def _union(spans: list[Interval]) -> list[Interval]:
    """Sorted, non-overlapping intervals covering the same time as `spans`."""
    merged: list[Interval] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _gaps(union: list[Interval]) -> list[float]:
    return [later[0] - earlier[1] for earlier, later in zip(union, union[1:])]


def _intersect(first: list[Interval], second: list[Interval]) -> list[Interval]:
    """Overlaps of positive length between two unions (two-pointer sweep)."""
    overlaps, i, j = [], 0, 0
    while i < len(first) and j < len(second):
        start, end = max(first[i][0], second[j][0]), min(first[i][1], second[j][1])
        if end > start:
            overlaps.append((start, end))
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return overlaps


def _response_gaps(timed: list[Turn]) -> list[float]:
    """For each agent turn that follows customer speech: agent start minus end of that speech."""
    gaps, customer_end, agent_end = [], None, -math.inf
    for turn in timed:
        if turn.speaker == "customer" and turn.end > agent_end:
            customer_end = turn.end if customer_end is None else max(customer_end, turn.end)
        elif turn.speaker == "agent":
            if customer_end is not None:
                gaps.append(max(0.0, turn.start - customer_end))
                customer_end = None
            agent_end = max(agent_end, turn.end)
    return gaps


# ---------------------------------------------------------------- chats


def chat_metrics(turns: Sequence[Turn]) -> dict:
    """First response time and every agent response time, in seconds, from the turns' `at` times.

    A response time runs from the first customer message not yet answered to the next agent
    message; the first response time is the first of them (None when the agent never answers a
    customer). Turns without `at` are left out ("untimed_turns"); input order does not matter.
    """
    timed = _dated(turns)
    times, waiting = [], None
    for turn in timed:
        if turn.speaker == "customer" and waiting is None:
            waiting = turn.at
        elif turn.speaker == "agent" and waiting is not None:
            times.append((turn.at - waiting).total_seconds())
            waiting = None
    return {
        "timed_turns": len(timed),
        "untimed_turns": len(turns) - len(timed),
        "first_response_time": _round(times[0]) if times else None,
        "response_times": {"times": [_round(t) for t in times], **_summary(times)},
        "unanswered": waiting is not None,
    }


def _dated(turns: Sequence[Turn]) -> list[Turn]:
    """Turns with `at`, by time; ValueError names a turn whose time zone awareness differs from the first."""
    dated = [(index, turn) for index, turn in enumerate(turns) if turn.at is not None]
    if dated:
        aware = _aware(dated[0][1].at)
        for index, turn in dated:
            if _aware(turn.at) != aware:
                raise ValueError(f"turns[{index}].at: mixes a time with a time zone and one without "
                                 f"(turns[{dated[0][0]}].at)")
    # sorted() is stable, so turns with equal times keep their input order
    return [turn for _, turn in sorted(dated, key=lambda pair: pair[1].at)]


def _aware(moment: datetime) -> bool:
    return moment.tzinfo is not None and moment.utcoffset() is not None


# ---------------------------------------------------------------- shared


def _summary(values: list[float]) -> dict:
    return {"count": len(values), "mean": _round(sum(values) / len(values)) if values else None,
            "max": _round(max(values)) if values else None}


def _round(seconds: float) -> float:
    return round(float(seconds), DIGITS)
