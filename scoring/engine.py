"""Scoring one conversation against one scorecard, and choosing the scorecard that fits a conversation."""
from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable, Iterable, Mapping, Optional, Sequence

from scoring.checks import CheckContext, CheckOutcome, CheckType, get_check
from scoring.checks.base import no_sentiment, with_explanation
from scoring.explanations import APPLIED
from scoring.checks.preconditions import Gates, check_gates
from scoring.checks.preconditions import split as split_gates
from scoring.checks.intents import use_intent_model
from scoring.checks.registry import BUILTIN_CHECKS
from scoring.formula import fail_reasons, total_score
from scoring.intents import IntentModel
from scoring.result import CriterionResult, EvaluationResult
from scoring.scorecard import CheckSpec, Criterion, FrozenMap, Scorecard, Section
from scoring.sentiment import SentimentAnalyzer
from scoring.text import normalise_all
from transcripts.language import detect_language
from transcripts.model import Conversation


# Values derived from an immutable object (parameters, a scorecard), kept by the object's id; each
# entry holds the object, so its id cannot be reused while the entry exists. Bounded, as scorecards
# come and go.
_MAX_KEPT = 4096
_Kept = dict[int, tuple[object, object]]


def _kept(cache: _Kept, obj: object, build: Callable[[object], object], keep: bool = True) -> object:
    """`build(obj)`, computed once per object while it stays in `cache` (not kept when `keep` is
    false: an object holding lists may change between calls)."""
    entry = cache.get(id(obj))
    if entry is not None and entry[0] is obj:
        return entry[1]
    value = build(obj)
    if keep:
        if len(cache) >= _MAX_KEPT:
            cache.clear()
        cache[id(obj)] = (obj, value)
    return value


_VIEWS: _Kept = {}


def _prepared(check_type: str, params: Mapping) -> tuple[Mapping, Gates]:
    """(the parameters the check reads, its preconditions). Precondition keys (when_return_in_play...)
    are taken out, so a check never sees them. For a built-in check a FrozenMap becomes a read-only
    view of a plain dict: a built-in check looks up about ten absent keys per conversation, and a
    FrozenMap answers each by raising and catching KeyError. Plugins get a FrozenMap (hashable,
    unlike a view); other mappings are split afresh each time, as they may change between calls."""
    if not isinstance(params, FrozenMap):
        own, gates = split_gates(params)
        return (params if not gates else own), gates

    def build(_params) -> tuple[Mapping, Gates]:
        own, gates = split_gates(params)
        if check_type in BUILTIN_CHECKS:
            return MappingProxyType(own), gates
        return (params if not gates else FrozenMap(own)), gates

    return _kept(_VIEWS, params, build)


def _params_for(check_type: str, params: Mapping) -> Mapping:
    """The parameters a check reads (see `_prepared`)."""
    return _prepared(check_type, params)[0]


@dataclass(frozen=True)
class _Step:
    """One criterion of a scorecard as `evaluate` runs it, prepared once per scorecard."""

    criterion: Criterion
    section_id: str
    spec: CheckSpec
    check: Optional[CheckType]  # a built-in's; None for a plugin, looked up each run (plugins can be reloaded)
    prepared: Optional[tuple[Mapping, Gates]]  # None when the parameters are no FrozenMap (see `_prepared`)
    # `parts()` when both are known (a built-in with FrozenMap parameters): asked twice per criterion
    # and conversation.
    fixed: Optional[tuple[CheckType, Mapping, Gates]] = None

    def parts(self) -> tuple[CheckType, Mapping, Gates]:
        """(the check type, the parameters it reads, its preconditions)."""
        if self.fixed is not None:
            return self.fixed
        check = self.check or get_check(self.spec.type)
        params, gates = self.prepared or _prepared(self.spec.type, self.spec.params)
        return check, params, gates


# Steps by scorecard (see `_kept`): scoring a conversation looked up every criterion's check type
# and parameters twice.
_STEPS: _Kept = {}


def _steps(scorecard: Scorecard) -> tuple[_Step, ...]:
    """The scorecard's criteria in order, with their check types and parameters prepared."""
    frozen = isinstance(scorecard.sections, tuple) and all(isinstance(s.criteria, tuple) for s in scorecard.sections)
    return _kept(_STEPS, scorecard, lambda card: tuple(_step(s, c) for s, c in card.criteria()), frozen)


def _step(section: Section, criterion: Criterion) -> _Step:
    spec = criterion.check
    prepared = _prepared(spec.type, spec.params) if isinstance(spec.params, FrozenMap) else None
    check = BUILTIN_CHECKS.get(spec.type)
    fixed = (check, *prepared) if check is not None and prepared is not None else None
    return _Step(criterion, section.id, spec, check, prepared, fixed)


def _outcome(conversation: Conversation, step: _Step, context: CheckContext) -> tuple[CheckOutcome, Optional[str]]:
    """(the check's outcome, what made the criterion apply or None without preconditions), or
    (N/A with the reason, None) when one of its preconditions does not hold."""
    check, params, gates = step.parts()
    if not gates:
        return check.run(conversation, params, context), None
    not_applying, applied = check_gates(conversation, gates, context)
    if not_applying is not None:
        return CheckOutcome.na(not_applying), None
    return check.run(conversation, params, context), applied


def _explained(outcome: CheckOutcome, applied: Optional[str]) -> str:
    """The outcome's explanation, ending with what made the criterion apply."""
    return outcome.explanation if applied is None else APPLIED.format(explanation=outcome.explanation, applied=applied).strip()


def run_gated(conversation: Conversation, spec: CheckSpec, context: CheckContext) -> CheckOutcome:
    """The spec's check, or N/A with the reason when one of its preconditions does not hold; when
    they all hold, the check's explanation ends with what made the criterion apply."""
    outcome, applied = _outcome(conversation, _Step(None, "", spec, None, None), context)
    return outcome if applied is None else with_explanation(outcome, _explained(outcome, applied))


def prepare_context(
    conversation: Conversation,
    specs: Iterable[CheckSpec],
    sentiment: Optional[SentimentAnalyzer],
    language: str,
    also: Iterable[int] = (),
) -> CheckContext:
    """Normalise every turn once and score, in one batched call, the turns the checks will read
    (plus the turn indexes in `also`, when a sentiment analyzer is given).

    Raises ValueError when sentiment is needed but `sentiment` is None, or the analyzer returns a
    wrong number of values or NaN.
    """
    steps = [_Step(None, "", spec, None, None) for spec in specs]
    return _context(conversation, steps, sentiment, language, also)


def _context(conversation: Conversation, steps: Iterable[_Step], sentiment: Optional[SentimentAnalyzer],
             language: str, also: Iterable[int]) -> CheckContext:
    """`prepare_context` of prepared steps."""
    base = CheckContext(normalise_all(t.text for t in conversation.turns), language)
    wanted: set[int] = set(also) if sentiment is not None else set()
    for step in steps:
        check, params, _ = step.parts()
        if check.sentiment_turns is not no_sentiment:  # most checks read no polarity: skip the call
            wanted.update(check.sentiment_turns(conversation, params, base))
    if not wanted:
        return base
    if sentiment is None:
        raise ValueError("this scorecard needs a sentiment analyzer")
    indices = sorted(wanted)
    values = list(sentiment.polarity([conversation.turns[i].text or "" for i in indices], language))
    if len(values) != len(indices):
        raise ValueError(f"the sentiment analyzer returned {len(values)} values for {len(indices)} texts")
    if any(math.isnan(v) for v in values):
        raise ValueError("the sentiment analyzer returned NaN")
    polarity = {i: max(-1.0, min(1.0, float(v))) for i, v in zip(indices, values)}
    return CheckContext(base.normalised, language, polarity, base.memo)  # the memo carries over


def _judged(conversation: Conversation, step: _Step, context: CheckContext) -> CriterionResult:
    """The criterion's result: its check's outcome, explained, with the criterion's weight."""
    outcome, applied = _outcome(conversation, step, context)
    criterion = step.criterion
    return CriterionResult(criterion.id, step.section_id, outcome.result, outcome.score, criterion.weight,
                           criterion.critical, outcome.evidence, _explained(outcome, applied))


def evaluate(
    conversation: Conversation, scorecard: Scorecard, sentiment: Optional[SentimentAnalyzer],
    intents: Optional[IntentModel] = None,
) -> EvaluationResult:
    """Run every criterion's check and combine them with the one score formula (scoring.formula).

    `intents` is the semantic layer's model for the intent checks (default: the shipped rules,
    scoring.intents.default_intent_model); a criterion's own `model` parameter still wins.

    The analyzer is called at most once, with every needed turn text and every customer turn, in
    the conversation's language (the scorecard's when the conversation has none); the polarities
    come back in `turn_sentiment`. Odd conversations (no turns, empty texts, no
    agent) give N/A criteria, never an exception.
    """
    language = conversation.language or scorecard.language
    steps = _steps(scorecard)
    # Every customer turn is scored too: the conversation keeps its start, end and lowest sentiment.
    customer = [i for i, t in conversation.customer_turns() if (t.text or "").strip()]
    context = _context(conversation, steps, sentiment, language, customer)
    if intents is not None:
        use_intent_model(context, intents)
    results = tuple(_judged(conversation, step, context) for step in steps)
    score, auto_fail, section_scores = total_score(results)
    reasons = fail_reasons(results)
    return EvaluationResult(
        scorecard.name, scorecard.version, score, auto_fail, results, section_scores, reasons,
        dict(context.polarity or {}),
    )


def run_check(
    conversation: Conversation,
    spec: CheckSpec,
    sentiment: Optional[SentimentAnalyzer] = None,
    language: Optional[str] = None,
) -> CheckOutcome:
    """One check on its own (previews, tests): the same preparation as `evaluate`."""
    language = language or conversation.language or "en"
    context = prepare_context(conversation, [spec], sentiment, language)
    return run_gated(conversation, spec, context)


def _subtags(language: Optional[str]) -> tuple[str, ...]:
    return tuple(part for part in (language or "").replace("_", "-").lower().split("-") if part)


def conversation_language(conversation: Conversation) -> Optional[str]:
    """The conversation's own language tag, else the one its turn texts look like ("zh"/"en"), else None."""
    return conversation.language or detect_language((t.text or "" for t in conversation.turns), default=None)


@dataclass(frozen=True)
class _Fit:
    """What selection reads of a scorecard, derived once per scorecard (it was, per conversation)."""

    language: tuple[str, ...]
    channels: tuple[str, ...]
    queues: frozenset[str]  # case-folded
    rank: tuple  # specificity, then name and version: the lowest wins


_FITS: _Kept = {}


def _fit(scorecard: Scorecard) -> _Fit:
    frozen = isinstance(scorecard.channels, tuple) and isinstance(scorecard.queues, tuple)  # lists could change
    return _kept(_FITS, scorecard, _new_fit, frozen)


def _new_fit(scorecard: Scorecard) -> _Fit:
    language = _subtags(scorecard.language)
    rank = (-bool(scorecard.queues), -bool(scorecard.channels), -len(language), scorecard.name, -scorecard.version)
    return _Fit(language, scorecard.channels, frozenset(q.casefold() for q in scorecard.queues), rank)


def _fits(conversation: Conversation, fit: _Fit, language: tuple[str, ...]) -> bool:
    wanted = fit.language
    if language and language[: len(wanted)] != wanted:
        return False
    if fit.channels and conversation.channel not in fit.channels:
        return False
    return not fit.queues or (conversation.queue or "").strip().casefold() in fit.queues


def select_scorecard(conversation: Conversation, scorecards: Sequence[Scorecard]) -> Optional[Scorecard]:
    """The most specific scorecard that fits the conversation, or None.

    Fits: the scorecard's language tag is a prefix of the conversation's ("zh" fits "zh-CN"; when the
    language is unknown and cannot be guessed from the text, any language fits); its channels list
    is empty or holds the conversation's channel; its queues list is empty or holds the queue
    (case-insensitive). Specificity: a queue match beats a channel match, which beats a longer
    language tag. Ties: the alphabetically first name, then the highest version.
    """
    language = _subtags(conversation_language(conversation))
    fitting = [(fit.rank, s) for s in scorecards if _fits(conversation, fit := _fit(s), language)]
    if not fitting:
        return None
    return min(fitting, key=lambda pair: pair[0])[1]
