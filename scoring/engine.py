"""Scoring one conversation against one scorecard, and choosing the scorecard that fits a conversation."""
from __future__ import annotations

import math
from dataclasses import replace
from types import MappingProxyType
from typing import Iterable, Mapping, Optional, Sequence

from scoring.checks import CheckContext, CheckOutcome, get_check
from scoring.checks.preconditions import Gates, check_gates
from scoring.checks.preconditions import split as split_gates
from scoring.checks.intents import use_intent_model
from scoring.checks.registry import BUILTIN_CHECKS
from scoring.formula import fail_reasons, total_score
from scoring.intents import IntentModel
from scoring.result import CriterionResult, EvaluationResult
from scoring.scorecard import CheckSpec, FrozenMap, Scorecard
from scoring.sentiment import SentimentAnalyzer
from scoring.text import normalise_all
from transcripts.language import detect_language
from transcripts.model import Conversation


# Prepared parameters by the id of the parameters object; each entry holds that object, so its id
# cannot be reused while the entry exists. Bounded, as scorecards come and go.
_VIEWS: dict[int, tuple[Mapping, Mapping, Gates]] = {}
_MAX_VIEWS = 4096


def _prepared(check_type: str, params: Mapping) -> tuple[Mapping, Gates]:
    """(the parameters the check reads, its preconditions). Precondition keys (when_return_in_play...)
    are taken out, so a check never sees them. For a built-in check a FrozenMap becomes a read-only
    view of a plain dict: a built-in check looks up about ten absent keys per conversation, and a
    FrozenMap answers each by raising and catching KeyError. Plugins get a FrozenMap (hashable,
    unlike a view); other mappings are split afresh each time, as they may change between calls."""
    if not isinstance(params, FrozenMap):
        own, gates = split_gates(params)
        return (params if not gates else own), gates
    entry = _VIEWS.get(id(params))
    if entry is None or entry[0] is not params:
        if len(_VIEWS) >= _MAX_VIEWS:
            _VIEWS.clear()
        own, gates = split_gates(params)
        if check_type in BUILTIN_CHECKS:
            view: Mapping = MappingProxyType(own)
        else:
            view = params if not gates else FrozenMap(own)
        entry = _VIEWS[id(params)] = (params, view, gates)
    return entry[1], entry[2]


def _params_for(check_type: str, params: Mapping) -> Mapping:
    """The parameters a check reads (see `_prepared`)."""
    return _prepared(check_type, params)[0]


def run_gated(conversation: Conversation, spec: CheckSpec, context: CheckContext) -> CheckOutcome:
    """The spec's check, or N/A with the reason when one of its preconditions does not hold; when
    they all hold, the check's explanation ends with what made the criterion apply."""
    params, gates = _prepared(spec.type, spec.params)
    if not gates:
        return get_check(spec.type).run(conversation, params, context)
    not_applying, applied = check_gates(conversation, gates, context)
    if not_applying is not None:
        return CheckOutcome.na(not_applying)
    outcome = get_check(spec.type).run(conversation, params, context)
    return replace(outcome, explanation=f"{outcome.explanation} ({applied})".strip())


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
    base = CheckContext(normalise_all(t.text for t in conversation.turns), language)
    wanted: set[int] = set(also) if sentiment is not None else set()
    for spec in specs:
        params = _params_for(spec.type, spec.params)
        wanted.update(get_check(spec.type).sentiment_turns(conversation, params, base))
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
    pairs = scorecard.criteria()
    # Every customer turn is scored too: the conversation keeps its start, end and lowest sentiment.
    customer = [i for i, t in conversation.customer_turns() if (t.text or "").strip()]
    context = prepare_context(conversation, [c.check for _, c in pairs], sentiment, language, customer)
    if intents is not None:
        use_intent_model(context, intents)
    results = []
    for section, criterion in pairs:
        check = criterion.check
        outcome = run_gated(conversation, check, context)
        results.append(
            CriterionResult(
                criterion_id=criterion.id,
                section_id=section.id,
                result=outcome.result,
                score=outcome.score,
                weight=criterion.weight,
                critical=criterion.critical,
                evidence=outcome.evidence,
                explanation=outcome.explanation,
            )
        )
    score, auto_fail, section_scores = total_score(results)
    reasons = fail_reasons(results)
    return EvaluationResult(
        scorecard.name, scorecard.version, score, auto_fail, tuple(results), section_scores, reasons,
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


def _fits(conversation: Conversation, scorecard: Scorecard, language: tuple[str, ...]) -> bool:
    wanted = _subtags(scorecard.language)
    if language and language[: len(wanted)] != wanted:
        return False
    if scorecard.channels and conversation.channel not in scorecard.channels:
        return False
    queue = (conversation.queue or "").strip().casefold()
    return not scorecard.queues or queue in {q.casefold() for q in scorecard.queues}


def select_scorecard(conversation: Conversation, scorecards: Sequence[Scorecard]) -> Optional[Scorecard]:
    """The most specific scorecard that fits the conversation, or None.

    Fits: the scorecard's language tag is a prefix of the conversation's ("zh" fits "zh-CN"; when the
    language is unknown and cannot be guessed from the text, any language fits); its channels list
    is empty or holds the conversation's channel; its queues list is empty or holds the queue
    (case-insensitive). Specificity: a queue match beats a channel match, which beats a longer
    language tag. Ties: the alphabetically first name, then the highest version.
    """
    language = _subtags(conversation_language(conversation))
    fitting = [s for s in scorecards if _fits(conversation, s, language)]
    if not fitting:
        return None

    def rank(s: Scorecard) -> tuple:
        return (-bool(s.queues), -bool(s.channels), -len(_subtags(s.language)), s.name, -s.version)

    return min(fitting, key=rank)
