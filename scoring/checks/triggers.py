"""Customer-side triggers for phrase checks: "only when the customer mentions…" and "after every
customer turn that matches markers or is negative, within N agent turns"."""
from __future__ import annotations

import bisect
from functools import wraps
from typing import Iterable, Mapping, Optional

from scoring import explanations as say
from scoring.checks import params as p
from scoring.checks.base import (
    CheckContext,
    CheckOutcome,
    RunFn,
    and_more,
    evidence_of,
    first_match,
    own_each,
    own_search,
    plural,
    quoted,
    turn_name,
    turns_of,
    with_explanation,
)
from scoring.text import tolerant_matcher
from transcripts.model import Conversation

AFTER_CUSTOMER = p.record(
    {"markers": p.phrases, "sentiment_below": p.number(-1.0, 1.0), "within_agent_turns": p.positive_int},
    any_of=("markers", "sentiment_below"),
)


def matcher_for(phrases: Iterable[str], regexes: Iterable[str] = (), similarity: float = 1.0):
    """The exact matcher, or the transcription-tolerant one when `similarity` < 1 (see scoring.text)."""
    return tolerant_matcher(phrases, regexes, similarity)


def customer_mention(
    conversation: Conversation, params: Mapping[str, object], context: CheckContext
) -> Optional[tuple[int, str]]:
    """(turn index, phrase) of the first customer turn saying one of `when_customer_mentions`, else None."""
    matcher = matcher_for(params.get("when_customer_mentions", ()), similarity=float(params.get("similarity", 1.0)))
    found = first_match(matcher, turns_of(conversation, context, "customer"), context)
    return None if found is None else (found[0], found[1].phrase)


def mention_precondition(run: RunFn) -> RunFn:
    """Wrap a check: with `when_customer_mentions` it is N/A unless the customer said one of the
    phrases (anywhere in the conversation); the explanation then names the mention."""

    @wraps(run)
    def checked(conversation: Conversation, params: Mapping[str, object], context: CheckContext) -> CheckOutcome:
        wanted = params.get("when_customer_mentions")
        if not wanted:
            return run(conversation, params, context)
        found = customer_mention(conversation, params, context)
        if found is None:
            return CheckOutcome.na(say.NOT_MENTIONED.format(phrases=quoted(wanted)))
        outcome = run(conversation, params, context)
        turn, phrase = found
        return with_explanation(outcome, say.MENTIONED.format(explanation=outcome.explanation, phrase=phrase,
                                                              turn=turn_name(turn)))

    return checked


def _triggers(conversation: Conversation, after: Mapping, similarity: float, context: CheckContext):
    """(turn index, reason) of every customer turn with a marker or a polarity below the limit."""
    matcher = matcher_for(after.get("markers", ()), similarity=similarity)
    below = after.get("sentiment_below")
    found = []
    for i in turns_of(conversation, context, "customer"):
        m = matcher.search(context.normalised[i])
        polarity = context.polarity.get(i)
        if m is not None:
            found.append((i, say.UPSET_MARKER.format(phrase=m.phrase)))
        elif below is not None and polarity is not None and polarity < below:
            found.append((i, say.SENTIMENT_VALUE.format(value=polarity)))
    return found


def _episodes(triggers: list[tuple[int, str]], agents: list[int]) -> list[tuple[int, str, int]]:
    """(first trigger, reason, position in `agents` of the next agent turn) per run of triggers that
    no agent turn separates: one answer serves them all. Triggers after the last agent turn are dropped."""
    episodes: dict[int, tuple[int, str]] = {}
    for i, reason in triggers:
        k = bisect.bisect_right(agents, i)
        if k < len(agents):
            episodes.setdefault(k, (i, reason))
    return [(i, reason, k) for k, (i, reason) in sorted(episodes.items())]


def _answer(matcher, conversation: Conversation, window: list[int], context: CheckContext,
            every: bool) -> Optional[int]:
    """The agent turn in `window` where the requirement is met (a phrase, or the last missing one),
    counting only the agent's own words (not "I won't apologise")."""
    found: set[str] = set()
    for i in window:
        if not every:
            if own_search(matcher, conversation, context, i) is not None:
                return i
            continue
        found.update(own_each(matcher, conversation, context, i))
        if len(found) == len(matcher):
            return i
    return None


def answered_after(
    conversation: Conversation, params: Mapping[str, object], context: CheckContext, after: Mapping
) -> CheckOutcome:
    """Every triggering customer turn (marker, or polarity below `sentiment_below`) must be followed
    by the phrases within the next `within_agent_turns` (default 1) agent turns. Score = share answered;
    evidence: the answering agent turns and the unanswered customer turns. N/A without a trigger that
    an agent turn follows."""
    similarity = float(params.get("similarity", 1.0))
    if not turns_of(conversation, context, "customer"):
        return CheckOutcome.na(say.NO_CUSTOMER_TURN)
    triggers = _triggers(conversation, after, similarity, context)
    if not triggers:
        return CheckOutcome.na(say.NO_TRIGGER)
    agents = turns_of(conversation, context, "agent")
    episodes = _episodes(triggers, agents)
    if not episodes:
        first, reason = triggers[0]
        return CheckOutcome.na(say.TRIGGER_AFTER_LAST.format(turn=turn_name(first), reason=reason))
    limit = int(after.get("within_agent_turns", 1))
    label = str(params.get("label", say.REQUIRED_PHRASE))
    matcher = matcher_for(params.get("phrases", ()), params.get("regexes", ()), similarity)
    every = params.get("mode", "any") == "all"
    answered, missed = [], []
    for start, reason, k in episodes:
        hit = _answer(matcher, conversation, agents[k:k + limit], context, every)
        (answered if hit is not None else missed).append((start, reason, hit))
    within = say.WITHIN.format(counted=plural(limit, "agent turn"))
    evidence = sorted({x for s, _, h in answered + missed for x in (s, h) if x is not None})
    evidence = [evidence_of(conversation, i) for i in evidence]
    if not missed:
        return CheckOutcome.passed(say.ANSWERED_ALL.format(label=label, within=within,
                                                           counted=plural(len(answered), "customer turn")), evidence)
    start, reason, _ = missed[0]
    more = and_more(len(missed) - 1, "more customer turn")
    score = round(len(answered) / len(episodes), 4)
    return CheckOutcome.failed(say.ANSWERED_MISSED.format(label=label, within=within, turn=turn_name(start), reason=reason,
                                                          more=more, answered=len(answered), episodes=len(episodes)),
                               evidence, score)
