"""Values shared by every check: the outcome, the per-conversation context and the check-type record."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Hashable, Iterable, Mapping, Optional

from scoring import explanations as say
from scoring.result import RESULTS, Evidence
from scoring.speech import Layout, layout_of, own_words
from scoring.text import Match
from transcripts.model import Conversation

Problems = list[tuple[str, str]]  # (parameter path relative to `check`, message)


@dataclass(frozen=True)
class CheckOutcome:
    """A check's answer: pass/fail with a 0..1 score, or N/A with no score; evidence; a one-line reason."""

    result: str
    score: Optional[float]
    evidence: tuple[Evidence, ...] = ()
    explanation: str = ""

    def __post_init__(self) -> None:
        if self.result not in RESULTS:
            raise ValueError(f"result must be one of {RESULTS}, not {self.result!r}")
        if self.result == "na" and self.score is not None:
            raise ValueError("an N/A outcome has no score")
        if self.result != "na" and (self.score is None or not 0.0 <= self.score <= 1.0):
            raise ValueError("a pass/fail outcome needs a score within 0..1")

    @classmethod
    def passed(cls, explanation: str, evidence: Iterable[Evidence] = (), score: float = 1.0) -> "CheckOutcome":
        return cls("pass", score, tuple(evidence), explanation)

    @classmethod
    def failed(cls, explanation: str, evidence: Iterable[Evidence] = (), score: float = 0.0) -> "CheckOutcome":
        return cls("fail", score, tuple(evidence), explanation)

    @classmethod
    def na(cls, reason: str, evidence: Iterable[Evidence] = ()) -> "CheckOutcome":
        return cls("na", None, tuple(evidence), reason)


def with_explanation(outcome: CheckOutcome, explanation: str) -> CheckOutcome:
    """`outcome` with another explanation (dataclasses.replace, which costs a few times more, for subclasses)."""
    if type(outcome) is not CheckOutcome:
        return replace(outcome, explanation=explanation)
    return CheckOutcome(outcome.result, outcome.score, outcome.evidence, explanation)


@dataclass(frozen=True)
class CheckContext:
    """What the engine prepares once per conversation: normalised turn texts, language, turn polarities.

    `polarity` holds -1..1 values only for the turns the checks asked for (see CheckType.sentiment_turns).
    `memo` keeps values several checks derive from the same conversation (call metrics), see `memoised`.
    """

    normalised: tuple[str, ...]
    language: str = "en"
    polarity: Mapping[int, float] = field(default_factory=dict)
    memo: dict = field(default_factory=dict, compare=False, repr=False)


def memoised(context: CheckContext, key: Hashable, compute: Callable[[], object]) -> object:
    """`compute()` once per context (so once per conversation and scorecard run), then the kept value."""
    memo = context.memo
    value = memo.get(key, _MISSING)  # one lookup: keys often hold long phrase tuples, hashed each time
    if value is _MISSING:
        value = memo[key] = compute()
    return value


_MISSING = object()


RunFn = Callable[[Conversation, Mapping[str, object], CheckContext], CheckOutcome]
ValidateFn = Callable[[Mapping[str, object]], Problems]
SentimentTurnsFn = Callable[[Conversation, Mapping[str, object], CheckContext], Iterable[int]]


def accept_any_params(params: Mapping[str, object]) -> Problems:
    """Validator for check types that declare no parameter rules."""
    return []


def no_sentiment(conversation: Conversation, params: Mapping[str, object], context: CheckContext) -> list[int]:
    """Sentiment request of check types that need no sentiment."""
    return []


@dataclass(frozen=True)
class CheckType:
    """A named check: `run` never raises on odd conversations; `validate` lists parameter problems;
    `sentiment_turns` names the turn indices whose polarity `run` will read from the context."""

    name: str
    run: RunFn
    validate: ValidateFn = accept_any_params
    sentiment_turns: SentimentTurnsFn = no_sentiment
    description: str = ""


def turns_of(conversation: Conversation, context: CheckContext, speaker: str) -> list[int]:
    """Indices of `speaker`'s turns that have text after normalisation ("any": agent and customer)."""
    # Most criteria ask for the same speaker's turns: list them once per conversation; a fresh list
    # each time, so that a caller changing it cannot change what the next criterion sees.
    key = "turns_of:" + speaker
    found = context.memo.get(key)
    if found is None:
        if speaker in ("agent", "customer", "any"):  # all three in the one pass
            context.memo.update(_all_speaker_turns(conversation, context.normalised))
            found = context.memo[key]
        else:
            found = context.memo[key] = _speaker_turns(conversation, context.normalised, speaker)
    return list(found)


def _speaker_turns(conversation: Conversation, norm: tuple[str, ...], speaker: str) -> tuple[int, ...]:
    wanted = ("agent", "customer") if speaker == "any" else (speaker,)
    turns = conversation.turns
    return tuple(i for i, t in enumerate(turns) if t.speaker in wanted and i < len(norm) and norm[i])


def _all_speaker_turns(conversation: Conversation, norm: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    """The memo entries of `turns_of` for "agent", "customer" and "any", from one look at the turns."""
    found: dict[str, list[int]] = {"agent": [], "customer": [], "any": []}
    for i, (turn, text) in enumerate(zip(conversation.turns, norm)):
        if text and turn.speaker in ("agent", "customer"):
            found[turn.speaker].append(i)
            found["any"].append(i)
    return {"turns_of:" + speaker: tuple(turns) for speaker, turns in found.items()}


def evidence_of(conversation: Conversation, index: int) -> Evidence:
    """The whole original text of one turn as evidence."""
    return Evidence(index, conversation.turns[index].text)


def turn_name(index: int) -> str:
    """Turn position for people: 1-based."""
    return say.TURN.format(number=index + 1)


def quoted(items: Iterable[str], limit: int = 3) -> str:
    """'"a", "b", "c" and 2 more' for explanations."""
    items = list(items)
    shown = ", ".join(f'"{s}"' for s in items[:limit])
    return shown if len(items) <= limit else say.QUOTED_MORE.format(shown=shown, count=len(items) - limit)


def plural(count: int, noun: str) -> str:
    """'1 agent turn', '3 agent turns' (the nouns of explanations.COUNTED; any other noun gets an s)."""
    forms = say.COUNTED.get(noun)
    if forms is None:
        return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
    return forms[0 if count == 1 else 1].format(count=count)


def and_more(count: int, noun: str) -> str:
    """' and 2 more turns' for explanations, or '' when `count` is 0."""
    return " " + say.AND_MORE.format(counted=plural(count, noun)) if count > 0 else ""


def first_match(matcher, turns: Iterable[int], context: CheckContext) -> Optional[tuple[int, Match]]:
    """(turn index, match) of the first of `turns` where `matcher` finds something, else None. Most
    phrase lists occur in no turn of a conversation: one cheap look over them all settles that
    before any turn is searched (see PhraseMatcher.narrowed)."""
    turns = list(turns)
    norm = context.normalised
    matcher = matcher.narrowed([norm[i] for i in turns])
    if matcher is None:
        return None
    for i in turns:
        m = matcher.search(norm[i])
        if m is not None:
            return i, m
    return None


def find_from(matcher, turns: list[int], context: CheckContext, cursor: tuple[int, int]):
    """(position in `turns`, end offset) of the first match at or after `cursor` (a position in
    `turns` and a character offset in that turn), else None: for steps that must come in order."""
    position, offset = cursor
    for k in range(position, len(turns)):
        m = matcher.search(context.normalised[turns[k]], offset if k == position else 0)
        if m is not None:
            return k, m.end
    return None


# ---------------------------------------------------------------- the speaker's own words

def turn_layout(conversation: Conversation, context: CheckContext, index: int) -> Layout:
    """Clauses, sentences and quotations of one turn (scoring.speech.layout_of), once per conversation."""
    return memoised(context, ("layout", index), lambda: layout_of(conversation.turns[index].text))


def not_own(conversation: Conversation, context: CheckContext, index: int, match: Match) -> Optional[str]:
    """Why `match` in turn `index` is not the speaker's own words (negated, quoted, reported), or None."""
    text = context.normalised[index]
    return own_words(text, match.start, match.end, context.language,
                     layout=turn_layout(conversation, context, index))


def own_search(matcher, conversation: Conversation, context: CheckContext, index: int, pos: int = 0,
               ignored: Optional[list[str]] = None) -> Optional[Match]:
    """The first match of `matcher` in turn `index`, at or after `pos`, that is the speaker's own
    words; each match passed over is noted in `ignored` ('"phrase" in turn 3: negated by 'not'')."""
    text = context.normalised[index]
    while (m := matcher.search(text, pos)) is not None:
        reason = not_own(conversation, context, index, m)
        if reason is None:
            return m
        if ignored is not None:
            ignored.append(say.IGNORED_ITEM.format(phrase=m.phrase, turn=turn_name(index), reason=reason))
        pos = m.start + 1
    return None


def own_each(matcher, conversation: Conversation, context: CheckContext, index: int,
             ignored: Optional[list[str]] = None) -> dict[str, Match]:
    """Like `matcher.each`, keeping for every phrase its first match that is the speaker's own words."""
    found = matcher.each(context.normalised[index])
    for label, m in list(found.items()):
        while m is not None and (reason := not_own(conversation, context, index, m)) is not None:
            if ignored is not None:
                ignored.append(say.IGNORED_ITEM.format(phrase=label, turn=turn_name(index), reason=reason))
            m = matcher.find(label, context.normalised[index], m.start + 1)
        if m is None:
            del found[label]
        else:
            found[label] = m
    return found


def ignored_note(ignored: list[str], limit: int = 2) -> str:
    """' (ignored: "x" in turn 2: negated by 'not')' for explanations, or '' when nothing was ignored."""
    if not ignored:
        return ""
    items = "; ".join(ignored[:limit])
    if len(ignored) > limit:
        return " " + say.IGNORED_MORE.format(items=items, count=len(ignored) - limit)
    return " " + say.IGNORED.format(items=items)
