"""Sentiment checks: the customer's mood at the end, its trend, and the agent's tone (polarity -1..1)."""
from __future__ import annotations

from typing import Mapping

from scoring import explanations as say
from scoring.checks import params as p
from scoring.checks.base import (
    CheckContext,
    CheckOutcome,
    CheckType,
    and_more,
    evidence_of,
    plural,
    turn_name,
    turns_of,
)
from scoring.mood import END_WINDOW, customer_mood
from transcripts.model import Conversation

_POLARITY = p.number(-1.0, 1.0)


def _missing(context: CheckContext, turns: list[int]) -> list[int]:
    return [i for i in turns if i not in context.polarity]


def customer_sentiment_end(
    conversation: Conversation, params: Mapping[str, object], context: CheckContext
) -> CheckOutcome:
    """Pass when the customer's mood at the end is at least `min`: scoring.mood's reading of the last
    customer turns in their dialogue, the very value the conversation's stored summary keeps."""
    turns = _end_turns(conversation, params, context)
    if not turns:
        return CheckOutcome.na(say.NO_CUSTOMER_TURN_WITH_TEXT)
    if _missing(context, turns):
        return CheckOutcome.na(say.NO_SENTIMENT_FOR_TURN.format(turn=turn_name(turns[-1])))
    mood = customer_mood(conversation, context.polarity)
    limit = float(params["min"])
    reason = say.CUSTOMER_END.format(value=mood.end, limit=limit, label=mood.label, why=mood.why)
    evidence = [evidence_of(conversation, i) for i in mood.end_turns]
    if mood.end >= limit:
        return CheckOutcome.passed(reason, evidence)
    return CheckOutcome.failed(reason, evidence)


def _end_turns(conversation: Conversation, params: Mapping, context: CheckContext) -> list[int]:
    """The customer turns the end mood reads: the last END_WINDOW with text (as the engine scores them)."""
    return [i for i, t in conversation.customer_turns() if (t.text or "").strip()][-END_WINDOW:]


def _trend_turns(conversation: Conversation, params: Mapping, context: CheckContext) -> tuple[list[int], list[int]]:
    turns = turns_of(conversation, context, "customer")
    n = min(int(params.get("turns", 1)), len(turns) // 2)
    if n == 0:
        return [], []
    return turns[:n], turns[-n:]


def sentiment_not_worse(
    conversation: Conversation, params: Mapping[str, object], context: CheckContext
) -> CheckOutcome:
    """Pass when the mean polarity of the last N customer turns is no lower than that of the first N
    (less `tolerance`); N is cut to half the customer turns so the two ends never overlap."""
    start, end = _trend_turns(conversation, params, context)
    if not start:
        return CheckOutcome.na(say.FEWER_THAN_TWO_CUSTOMER_TURNS)
    if _missing(context, start + end):
        return CheckOutcome.na(say.NO_SENTIMENT_CUSTOMER)
    before = sum(context.polarity[i] for i in start) / len(start)
    after = sum(context.polarity[i] for i in end) / len(end)
    tolerance = float(params.get("tolerance", 0.0))
    reason = say.SENTIMENT_WENT.format(before=before, after=after)
    evidence = [evidence_of(conversation, i) for i in (start[0], end[-1])]
    if after >= before - tolerance:
        return CheckOutcome.passed(reason, evidence)
    return CheckOutcome.failed(reason, evidence)


def agent_never_negative(
    conversation: Conversation, params: Mapping[str, object], context: CheckContext
) -> CheckOutcome:
    """Fail when any agent turn's polarity is below `min`; those turns are the evidence."""
    turns = turns_of(conversation, context, "agent")
    if not turns:
        return CheckOutcome.na(say.NO_AGENT_TURN_WITH_TEXT)
    if _missing(context, turns):
        return CheckOutcome.na(say.NO_SENTIMENT_AGENT)
    limit = float(params["min"])
    low = [i for i in turns if context.polarity[i] < limit]
    if not low:
        return CheckOutcome.passed(say.NO_AGENT_TURN_BELOW.format(limit=limit, counted=plural(len(turns), "agent turn")))
    worst = min(low, key=lambda i: context.polarity[i])
    more = and_more(len(low) - 1, "more turn")
    reason = say.AGENT_SENTIMENT.format(value=context.polarity[worst], turn=turn_name(worst), more=more, limit=limit)
    return CheckOutcome.failed(reason, [evidence_of(conversation, i) for i in low])


CUSTOMER_SENTIMENT_END = CheckType(
    "customer_sentiment_end",
    customer_sentiment_end,
    p.schema({"min": _POLARITY}, required=("min",)),
    _end_turns,
    "The customer's mood at the end (the last customer turns, read in their dialogue) is at least `min` (-1..1).",
)

SENTIMENT_NOT_WORSE = CheckType(
    "sentiment_not_worse",
    sentiment_not_worse,
    p.schema({"turns": p.positive_int, "tolerance": p.number(0.0, 2.0)}),
    lambda conversation, params, context: sum(_trend_turns(conversation, params, context), []),
    "The customer's sentiment at the end is no worse than at the start.",
)

AGENT_NEVER_NEGATIVE = CheckType(
    "agent_never_negative",
    agent_never_negative,
    p.schema({"min": _POLARITY}, required=("min",)),
    lambda conversation, params, context: turns_of(conversation, context, "agent"),
    "No agent turn has a polarity below `min` (-1..1).",
)
