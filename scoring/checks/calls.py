"""Call checks on turn start/end seconds: dead air, overtalk, talk ratio; and hold etiquette (any channel)."""
from __future__ import annotations

import math
from typing import Mapping, Optional

from scoring import explanations as say
from scoring.checks import params as p
from scoring.checks.base import (
    CheckContext,
    CheckOutcome,
    CheckType,
    and_more,
    evidence_of,
    memoised,
    plural,
    turn_name,
    turns_of,
)
from scoring.checks.phrase_groups import HOLD_PHRASES, HOLD_THANKS
from scoring.text import phrase_matcher
from transcripts.metrics import call_metrics
from transcripts.model import Conversation

NO_TIMES = say.NO_TIMES


def _seconds(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _timed(conversation: Conversation) -> list[int]:
    """Indices of the turns with start and end, by start time (then end, then position)."""
    turns = conversation.turns
    timed = [i for i, t in enumerate(turns) if t.start is not None and t.end is not None]
    return sorted(timed, key=lambda i: (turns[i].start, turns[i].end, i))


def metrics_of(conversation: Conversation, context: CheckContext) -> dict:
    """transcripts.metrics.call_metrics of the turns, computed once per context; ValueError for
    inconsistent times (a turn ending before it starts)."""

    def compute() -> dict:
        try:
            return call_metrics(conversation.turns)
        except ValueError as exc:
            return {"error": str(exc)}

    found = memoised(context, "call_metrics", compute)
    if "error" in found:
        raise ValueError(found["error"])
    return found


def _call_metrics(conversation: Conversation, context: CheckContext) -> tuple[Optional[dict], str]:
    """(metrics, "") for a timed call, else (None, why not)."""
    if not _timed(conversation):
        return None, NO_TIMES
    try:
        return metrics_of(conversation, context), ""
    except ValueError as exc:
        return None, say.UNUSABLE_TIMES.format(error=exc)


def silences(conversation: Conversation, threshold: float) -> list[tuple[float, float, int, int]]:
    """(start, length, turn before, turn after) of every gap longer than `threshold` seconds between
    the end of all speech so far and the next speech: the silences of call_metrics, with places.
    ValueError for a turn that is not a time span."""
    turns = conversation.turns
    found: list[tuple[float, float, int, int]] = []
    last_end, last_turn = None, None
    for i in _timed(conversation):
        start, end = turns[i].start, turns[i].end
        if not (math.isfinite(start) and math.isfinite(end) and 0 <= start <= end):
            raise ValueError(f"{turn_name(i)} starts at {start} and ends at {end}")
        if last_end is not None and start - last_end > threshold:
            found.append((last_end, start - last_end, last_turn, i))
        if last_end is None or end >= last_end:
            last_end, last_turn = end, i
    return found


def _announced(conversation: Conversation, context: CheckContext, before: float, matcher) -> Optional[int]:
    """The last agent turn that started by `before`, when it announces a hold."""
    turns = conversation.turns
    agents = [i for i in turns_of(conversation, context, "agent")
              if turns[i].start is not None and turns[i].start <= before]
    if not agents:
        return None
    last = max(agents, key=lambda i: (turns[i].start, i))
    return last if matcher.search(context.normalised[last]) is not None else None


def dead_air(conversation: Conversation, params: Mapping[str, object], context: CheckContext) -> CheckOutcome:
    """Fail when a silence is longer than `seconds` and the agent's last turn before it did not
    announce a hold (a `hold_phrases` phrase). N/A for conversations without start/end times."""
    limit = float(params["seconds"])
    if not _timed(conversation):
        return CheckOutcome.na(NO_TIMES)
    try:
        found = silences(conversation, limit)
    except ValueError as exc:
        return CheckOutcome.na(say.UNUSABLE_TIMES.format(error=exc))
    matcher = phrase_matcher(params.get("hold_phrases", HOLD_PHRASES))
    unexcused = [s for s in found if _announced(conversation, context, s[0], matcher) is None]
    held = len(found) - len(unexcused)
    excused = " " + say.HOLDS_EXCUSED.format(counted=plural(held, "announced hold")) if held else ""
    if not unexcused:
        return CheckOutcome.passed(say.NO_LONG_SILENCE.format(limit=_seconds(limit), excused=excused))
    start, length, before, after = max(unexcused, key=lambda s: s[1])
    more = and_more(len(unexcused) - 1, "more silence")
    evidence = sorted({i for s in unexcused for i in s[2:]})
    reason = say.SILENCE.format(seconds=_seconds(length), turn=turn_name(before), more=more, limit=_seconds(limit),
                                excused=excused)
    return CheckOutcome.failed(reason, [evidence_of(conversation, i) for i in evidence])


def _holds(conversation: Conversation, params: Mapping, context: CheckContext) -> list[tuple[int, Optional[int], bool]]:
    """(hold turn, return turn or None, thanked) per hold the agent announced. The return is the first
    later agent turn that thanks the customer or does not announce the hold again. A turn that thanks
    and then announces a hold ("thanks for waiting, one more moment") starts a new hold."""
    hold = phrase_matcher(params.get("hold_phrases", HOLD_PHRASES))
    thanks = phrase_matcher(params.get("thanks_phrases", HOLD_THANKS))
    holds: list[tuple[int, Optional[int], bool]] = []
    agents = turns_of(conversation, context, "agent")
    if not hold.may_occur(context.normalised[i] for i in agents):
        return holds  # most conversations have no hold: one look instead of two searches per turn
    pending = None
    for i in agents:
        text = context.normalised[i]
        thanked = thanks.search(text)
        announced = hold.each(text)
        if pending is not None and (thanked is not None or not announced):
            holds.append((pending, i, thanked is not None))
            pending = None
            if thanked is not None and all(m.start < thanked.start for m in announced.values()):
                continue  # "one moment… thank you for waiting": the hold phrase belongs to the return
        if pending is None and announced:
            pending = i
    if pending is not None:
        holds.append((pending, None, False))
    return holds


def hold_etiquette(conversation: Conversation, params: Mapping[str, object], context: CheckContext) -> CheckOutcome:
    """After each hold the agent announced, their next turn thanks the customer for waiting; score =
    share of holds thanked. N/A when the agent announced no hold or only in their last turn."""
    holds = _holds(conversation, params, context)
    judged = [h for h in holds if h[1] is not None]
    if not judged:
        if holds:
            return CheckOutcome.na(say.HOLD_WITHOUT_RETURN.format(turn=turn_name(holds[0][0])))
        return CheckOutcome.na(say.NO_HOLD)
    missed = [h for h in judged if not h[2]]
    evidence = [evidence_of(conversation, i) for i in sorted({i for h in judged for i in h[:2]})]
    if not missed:
        return CheckOutcome.passed(say.THANKED_AFTER_HOLDS.format(counted=plural(len(judged), "hold")), evidence)
    hold_turn, back, _ = missed[0]
    more = and_more(len(missed) - 1, "more hold")
    score = round((len(judged) - len(missed)) / len(judged), 4)
    reason = say.NOT_THANKED.format(turn=turn_name(back), hold_turn=turn_name(hold_turn), more=more)
    return CheckOutcome.failed(reason, evidence, score)


def _overlapping_turns(conversation: Conversation) -> list[int]:
    """Agent and customer turns that overlap a turn of the other speaker for a positive time."""
    turns = conversation.turns
    pair = [i for i in _timed(conversation) if turns[i].speaker in ("agent", "customer")]
    found: set[int] = set()
    for k, i in enumerate(pair):
        for j in pair[k + 1:]:
            if turns[j].start >= turns[i].end:
                break
            if turns[j].speaker != turns[i].speaker and min(turns[i].end, turns[j].end) > turns[j].start:
                found.update((i, j))
    return sorted(found)


def overtalk(conversation: Conversation, params: Mapping[str, object], context: CheckContext) -> CheckOutcome:
    """Pass when the total time the agent and the customer talk at once is at most `max_seconds` and
    it happens at most `max_count` times (call_metrics' overtalk). N/A without timed agent and
    customer turns."""
    metrics, reason = _call_metrics(conversation, context)
    if metrics is None:
        return CheckOutcome.na(reason)
    if not {"agent", "customer"} <= set(metrics["talk_time"]):
        return CheckOutcome.na(say.OVERTALK_NEEDS_TURNS)
    total, count = metrics["overtalk"]["total"], metrics["overtalk"]["count"]
    problems = []
    if "max_seconds" in params and total > float(params["max_seconds"]):
        problems.append(say.LIMIT_SECONDS.format(seconds=_seconds(float(params["max_seconds"]))))
    if "max_count" in params and count > int(params["max_count"]):
        problems.append(say.LIMIT_TIMES.format(counted=plural(int(params["max_count"]), "time")))
    reason = say.OVERTALK.format(seconds=_seconds(total), counted=plural(count, "time"))
    if not problems:
        return CheckOutcome.passed(reason)
    evidence = [evidence_of(conversation, i) for i in _overlapping_turns(conversation)]
    return CheckOutcome.failed(say.APPLIED.format(explanation=reason, applied=", ".join(problems)), evidence)


def talk_ratio(conversation: Conversation, params: Mapping[str, object], context: CheckContext) -> CheckOutcome:
    """Pass when the agent's share of agent + customer talk time is within `min`..`max` (0..1).
    N/A without timed agent or customer speech."""
    metrics, reason = _call_metrics(conversation, context)
    if metrics is None:
        return CheckOutcome.na(reason)
    ratio = metrics["agent_talk_ratio"]
    if ratio is None:
        return CheckOutcome.na(say.NO_TIMED_SPEECH)
    low, high = float(params.get("min", 0.0)), float(params.get("max", 1.0))
    reason = say.TALK_RATIO.format(ratio=f"{ratio:.0%}", low=f"{low:.0%}", high=f"{high:.0%}")
    return CheckOutcome.passed(reason) if low <= ratio <= high else CheckOutcome.failed(reason)


def _ratio_extra(params: Mapping[str, object]):
    if "min" not in params and "max" not in params:
        return [("", "needs min, max or both")]
    if "min" in params and "max" in params and params["min"] > params["max"]:
        return [("min", "must not be above max")]
    return []


def _overtalk_extra(params: Mapping[str, object]):
    return [] if "max_seconds" in params or "max_count" in params else [("", "needs max_seconds, max_count or both")]


DEAD_AIR = CheckType(
    "dead_air",
    dead_air,
    p.schema({"seconds": p.number(positive=True), "hold_phrases": p.phrases}, required=("seconds",)),
    description="Calls: no silence longer than `seconds` unless the agent announced a hold just before it.",
)

HOLD_ETIQUETTE = CheckType(
    "hold_etiquette",
    hold_etiquette,
    p.schema({"hold_phrases": p.phrases, "thanks_phrases": p.phrases}),
    description="After announcing a hold, the agent thanks the customer for waiting on return.",
)

OVERTALK = CheckType(
    "overtalk",
    overtalk,
    p.schema({"max_seconds": p.number(low=0.0), "max_count": p.non_negative_int}, extra=_overtalk_extra),
    description="Calls: the agent and the customer talk at once for at most `max_seconds` in total and at "
                "most `max_count` times.",
)

TALK_RATIO = CheckType(
    "talk_ratio",
    talk_ratio,
    p.schema({"min": p.number(0.0, 1.0), "max": p.number(0.0, 1.0)}, extra=_ratio_extra),
    description="Calls: the agent's share of the talk time is within `min`..`max`.",
)
