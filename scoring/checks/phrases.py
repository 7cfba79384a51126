"""Phrase checks: required phrases (optionally only when the customer is upset), forbidden phrases, ordered steps."""
from __future__ import annotations

# isinstance with collections.abc.Mapping skips typing.Mapping's slower instance check (run per criterion).
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Optional

from scoring import explanations as say
from scoring.checks import params as p
from scoring.checks.base import (
    and_more,
    CheckContext,
    CheckOutcome,
    CheckType,
    evidence_of,
    find_from,
    first_match,
    ignored_note,
    memoised,
    own_each,
    own_search,
    plural,
    quoted,
    turn_name,
    turns_of,
)
from scoring.checks.phrase_groups import PHRASE_GROUPS, group_phrases
from scoring.checks.triggers import AFTER_CUSTOMER, answered_after, matcher_for, mention_precondition
from scoring.mood import turn_reading
from transcripts.model import Conversation

_UPSET = p.record(
    {"markers": p.phrases, "sentiment_below": p.number(-1.0, 1.0)},
    any_of=("markers", "sentiment_below"),
)


def _window_name(params: Mapping[str, object], speaker: str) -> str:
    first = params.get("within_first_agent_turns")
    last = params.get("within_last_agent_turns")
    if first:
        return say.FIRST_AGENT_TURN if first == 1 else say.FIRST_AGENT_TURNS.format(count=first)
    if last:
        return say.LAST_AGENT_TURN if last == 1 else say.LAST_AGENT_TURNS.format(count=last)
    return say.ANY_SPEAKER_TURN.format(speaker=speaker)


def _window(conversation: Conversation, params: Mapping[str, object], context: CheckContext) -> list[int]:
    """The speaker's turns with text, cut to the first/last N when asked."""
    turns = turns_of(conversation, context, str(params.get("speaker", "agent")))
    first = params.get("within_first_agent_turns")
    last = params.get("within_last_agent_turns")
    if first:
        return turns[:first]
    if last:
        return turns[-last:]
    return turns


def _first_marker(conversation: Conversation, upset: Mapping, context: CheckContext,
                  similarity: float = 1.0) -> Optional[tuple[int, str]]:
    """(turn index, phrase) of the first customer turn with an upset marker, else None; searched once
    per conversation, as both the sentiment request and the check itself need it."""
    markers = tuple(upset.get("markers", ()))

    def compute() -> Optional[tuple[int, str]]:
        found = first_match(matcher_for(markers, similarity=similarity), turns_of(conversation, context, "customer"),
                            context)
        return None if found is None else (found[0], found[1].phrase)

    return memoised(context, ("first_marker", markers, similarity), compute)


def first_upset(conversation: Conversation, upset: Mapping, context: CheckContext,
                similarity: float = 1.0) -> Optional[tuple[int, str]]:
    """(turn index, reason) of the first customer turn with an upset marker or polarity below the limit.
    The polarity is read in its dialogue (scoring.mood.turn_reading, the one reading of a customer
    turn): "nope, thanks!" answering "anything else?" is not upset however a lexicon scores "nope",
    and exasperation or worry a lexicon misses ("I've had it with this", "hopefully it comes") is."""
    marker = _first_marker(conversation, upset, context, similarity)
    below = upset.get("sentiment_below")
    for i in turns_of(conversation, context, "customer"):
        if marker is not None and i == marker[0]:
            return i, say.UPSET_MARKER.format(phrase=marker[1])
        polarity = context.polarity.get(i)
        if below is None or polarity is None:
            continue
        value, kind = turn_reading(conversation, i, polarity)
        if value < below:
            return i, (say.SENTIMENT_VALUE.format(value=value) if kind == "plain"
                       else say.SENTIMENT_KIND.format(value=value, kind=kind))
    return None


def _similarity(params: Mapping) -> float:
    return float(params.get("similarity", 1.0))


def _present_sentiment_turns(conversation: Conversation, params: Mapping, context: CheckContext) -> list[int]:
    """With when_customer_upset: the customer turns before the first upset marker (only they can make
    the customer upset earlier). With after_customer: every customer turn (each one may trigger)."""
    after = params.get("after_customer")
    if isinstance(after, Mapping):
        return turns_of(conversation, context, "customer") if after.get("sentiment_below") is not None else []
    upset = params.get("when_customer_upset")
    if not isinstance(upset, Mapping) or upset.get("sentiment_below") is None:
        return []
    marker = _first_marker(conversation, upset, context, _similarity(params))
    return [i for i in turns_of(conversation, context, "customer") if marker is None or i < marker[0]]


def _present_in(conversation: Conversation, params: Mapping, context: CheckContext, turns: list[int], where: str):
    """Pass when the phrases are in `turns` as the agent's own words: a negated, quoted or reported
    phrase ("I won't apologise", "not sorry") does not count, and the explanation says so."""
    label = str(params.get("label", say.REQUIRED_PHRASE))
    matcher = matcher_for(params.get("phrases", ()), params.get("regexes", ()), _similarity(params))
    ignored: list[str] = []
    if params.get("mode", "any") == "all":
        found: dict[str, int] = {}
        for i in turns:
            for phrase in own_each(matcher, conversation, context, i, ignored):
                found.setdefault(phrase, i)
        missing = [x for x in matcher.labels if x not in found]
        evidence = [evidence_of(conversation, i) for i in sorted(set(found.values()))]
        score = round(len(found) / len(matcher), 4)
        if not missing:
            return CheckOutcome.passed(say.EVERY_FOUND.format(label=label, where=where), evidence)
        return CheckOutcome.failed(say.MISSING_IN.format(label=label, where=where, missing=quoted(missing),
                                                         ignored=ignored_note(ignored)), evidence, score)
    narrowed = matcher.narrowed([context.normalised[i] for i in turns])
    if narrowed is not None:
        for i in turns:
            m = own_search(narrowed, conversation, context, i, ignored=ignored)
            if m is not None:
                return CheckOutcome.passed(say.PHRASE_IN_TURN.format(label=label, phrase=m.phrase, turn=turn_name(i)),
                                           [evidence_of(conversation, i)])
    return CheckOutcome.failed(say.NO_LABEL_IN.format(label=label, where=where, ignored=ignored_note(ignored)))


@mention_precondition
def phrases_present(conversation: Conversation, params: Mapping[str, object], context: CheckContext) -> CheckOutcome:
    """Pass when the phrases occur in the chosen turns; N/A when there is no such turn, or when the
    `when_customer_upset` precondition is given and the customer was not upset before an agent turn.

    With the precondition only the speaker's turns after the first upset customer turn count; a
    first/last-N window is still counted from the start/end of the whole conversation. With
    `after_customer` every triggering customer turn needs the phrases in the next agent turns
    (see triggers.answered_after). `when_customer_mentions` makes any variant N/A until the customer
    says one of its phrases.
    """
    speaker = str(params.get("speaker", "agent"))
    after = params.get("after_customer")
    if isinstance(after, Mapping):
        return answered_after(conversation, params, context, after)
    upset = params.get("when_customer_upset")
    if isinstance(upset, Mapping):
        if not turns_of(conversation, context, "customer"):
            return CheckOutcome.na(say.NO_CUSTOMER_TURN)
        found = first_upset(conversation, upset, context, _similarity(params))
        if found is None:
            return CheckOutcome.na(say.NOT_UPSET)
        start, reason = found
        turns = [i for i in _window(conversation, params, context) if i > start]
        if not turns and not any(i > start for i in turns_of(conversation, context, speaker)):
            return CheckOutcome.na(say.UPSET_AFTER_LAST.format(reason=reason, speaker=speaker))
        if not turns:
            return CheckOutcome.na(say.UPSET_AFTER_WINDOW.format(reason=reason, where=_window_name(params, speaker)))
        where = say.AFTER_UPSET.format(reason=reason, turn=turn_name(start))
        return _present_in(conversation, params, context, turns, where)
    turns = _window(conversation, params, context)
    if not turns:
        return CheckOutcome.na(say.NO_SPEAKER_TURN_WITH_TEXT.format(speaker=speaker))
    return _present_in(conversation, params, context, turns, _window_name(params, speaker))


def _absent_phrases(params: Mapping) -> tuple[tuple[str, ...], Mapping[str, str]]:
    """The check's own phrases plus those of its `groups`, and the group of each group-only phrase."""
    own, groups = params.get("phrases", ()), params.get("groups", ())
    # By the identity of the scorecard's tuples first: the lru_cache would hash every phrase each time.
    entry = _ABSENT.get((id(own), id(groups)))
    if entry is not None and entry[0] is own and entry[1] is groups:
        return entry[2]
    found = _with_groups(tuple(own), tuple(groups))
    if type(own) is tuple and type(groups) is tuple:
        if len(_ABSENT) >= 1024:
            _ABSENT.clear()
        _ABSENT[(id(own), id(groups))] = (own, groups, found)  # holding the tuples keeps their ids
    return found


_ABSENT: dict[tuple[int, int], tuple[tuple, tuple, tuple]] = {}


@lru_cache(maxsize=256)
def _with_groups(own: tuple[str, ...], groups: tuple[str, ...]) -> tuple[tuple[str, ...], Mapping[str, str]]:
    """`_absent_phrases` of one phrase list and group list, built once (groups hold hundreds of phrases)."""
    group_of: dict[str, str] = {}
    for name in groups:
        for phrase in group_phrases(name):
            if phrase not in own:
                group_of.setdefault(phrase, name)
    return own + tuple(group_of), MappingProxyType(group_of)


@mention_precondition
def phrases_absent(conversation: Conversation, params: Mapping[str, object], context: CheckContext) -> CheckOutcome:
    """Fail (score 0) when any phrase (own, or of a ready-made group) occurs in the speaker's turns;
    every offending turn is evidence."""
    speaker = str(params.get("speaker", "agent"))
    label = str(params.get("label", say.FORBIDDEN_PHRASE))
    turns = turns_of(conversation, context, speaker)
    if not turns:
        return CheckOutcome.na(say.NO_SPEAKER_TURN_WITH_TEXT.format(speaker=speaker))
    phrases, group_of = _absent_phrases(params)
    matcher = matcher_for(phrases, params.get("regexes", ()), _similarity(params))
    # Forbidden phrases are rare: one look over all the turns usually settles it. A negated, quoted
    # or reported phrase ("the courier said it's your problem") is not the speaker's: no failure.
    narrowed = matcher.narrowed([context.normalised[i] for i in turns])
    hits, ignored = [], []
    if narrowed is not None:
        hits = [(i, m) for i in turns if (m := own_search(narrowed, conversation, context, i, ignored=ignored))]
    if not hits:
        return CheckOutcome.passed(say.NO_LABEL_IN_TURNS.format(label=label, counted=plural(len(turns), speaker + " turn"),
                                                                ignored=ignored_note(ignored)))
    first, m = hits[0]
    group = f" ({group_of[m.phrase].replace('_', ' ')})" if m.phrase in group_of else ""
    more = and_more(len(hits) - 1, "more turn")
    evidence = [evidence_of(conversation, i) for i, _ in hits]
    return CheckOutcome.failed(say.FORBIDDEN_FOUND.format(label=label, phrase=m.phrase, group=group,
                                                          turn=turn_name(first), more=more), evidence)


@mention_precondition
def ordered_steps(conversation: Conversation, params: Mapping[str, object], context: CheckContext) -> CheckOutcome:
    """Each step's phrases must occur after the previous step's; score = share of steps found in order."""
    speaker = str(params.get("speaker", "agent"))
    turns = turns_of(conversation, context, speaker)
    if not turns:
        return CheckOutcome.na(say.NO_SPEAKER_TURN_WITH_TEXT.format(speaker=speaker))
    steps = list(params.get("steps", ()))
    cursor = (0, 0)  # (position in `turns`, character offset) where the next step may start
    found: list[tuple[str, int]] = []
    missing: list[str] = []
    for step in steps:
        hit = _search_from(step, turns, context, cursor)
        if hit is None:
            missing.append(str(step["name"]))
            continue
        cursor = hit
        found.append((str(step["name"]), turns[hit[0]]))
    evidence = [evidence_of(conversation, i) for i in sorted({i for _, i in found})]
    if not missing:
        steps_at = ", ".join(say.STEP_AT.format(name=name, turn=turn_name(i)) for name, i in found)
        return CheckOutcome.passed(say.ALL_STEPS_IN_ORDER.format(steps=steps_at), evidence)
    score = round(len(found) / len(steps), 4)
    return CheckOutcome.failed(say.MISSING_OR_OUT_OF_ORDER.format(missing=quoted(missing)), evidence, score)


def _search_from(step: Mapping, turns: list[int], context: CheckContext, cursor: tuple[int, int]):
    return find_from(matcher_for(step.get("phrases", ()), step.get("regexes", ())), turns, context, cursor)


_SIMILARITY = p.number(0.5, 1.0)
_COMMON = {
    "phrases": p.phrases,
    "regexes": p.regexes,
    "label": p.text,
    "similarity": _SIMILARITY,
    "when_customer_mentions": p.phrases,
}
_SPEAKER = p.choice("agent", "customer")


def _present_extra(params: Mapping[str, object]):
    windowed = "within_first_agent_turns" in params or "within_last_agent_turns" in params
    if windowed and params.get("speaker", "agent") != "agent":
        return [("speaker", "must be agent when within_first/last_agent_turns is given")]
    if "after_customer" in params and params.get("speaker", "agent") != "agent":
        return [("speaker", "must be agent when after_customer is given")]
    return []


PHRASES_PRESENT = CheckType(
    "phrases_present",
    phrases_present,
    p.schema(
        {
            **_COMMON,
            "mode": p.choice("any", "all"),
            "speaker": _SPEAKER,
            "within_first_agent_turns": p.positive_int,
            "within_last_agent_turns": p.positive_int,
            "when_customer_upset": _UPSET,
            "after_customer": AFTER_CUSTOMER,
        },
        required=("phrases",),
        exclusive=(
            ("within_first_agent_turns", "within_last_agent_turns"),
            ("when_customer_upset", "after_customer"),
            ("within_first_agent_turns", "after_customer"),
            ("within_last_agent_turns", "after_customer"),
        ),
        extra=_present_extra,
    ),
    _present_sentiment_turns,
    "The speaker says one (mode any) or all (mode all) of the phrases, optionally within the first or "
    "last N agent turns, only when the customer is upset or mentions something, or after every "
    "customer turn that matches markers or is negative; tolerant of transcription errors on request.",
)


def _absent_extra(params: Mapping[str, object]):
    if "phrases" not in params and "groups" not in params:
        return [("", "needs phrases, groups or both")]
    return []


PHRASES_ABSENT = CheckType(
    "phrases_absent",
    phrases_absent,
    p.schema(
        {**_COMMON, "groups": p.names(*PHRASE_GROUPS), "speaker": p.choice("agent", "customer", "any")},
        extra=_absent_extra,
    ),
    description="None of the phrases (or of the ready-made groups) occurs in the speaker's turns.",
)

_STEP = p.record({"name": p.text, "phrases": p.phrases, "regexes": p.regexes}, required=("name", "phrases"))

ORDERED_STEPS = CheckType(
    "ordered_steps",
    ordered_steps,
    p.schema({"steps": p.list_of(_STEP), "speaker": _SPEAKER, "when_customer_mentions": p.phrases},
             required=("steps",)),
    description="Groups of phrases occur in the given order (for example check order, logistics, problem).",
)
