"""Intent checks: an intent (greeting, empathy, closing, escalation offer...) is present in the chosen
turns, or an intent (blame, abuse, promise...) is absent; read by the semantic layer (scoring.intents)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Optional

from scoring import explanations as say
from scoring.checks import params as p
from scoring.checks.base import (
    CheckContext,
    CheckOutcome,
    CheckType,
    evidence_of,
    plural,
    turn_name,
    turns_of,
)
from scoring.checks.phrase_groups import PHRASE_GROUPS
from scoring.checks.phrases import first_upset, phrases_absent
from scoring.intents import CUSTOMER_INTENTS, INTENTS, MODELS, IntentHit, IntentModel, intent_model
from transcripts.model import Conversation

#: CheckContext.memo key under which a caller may put the IntentModel to use (see use_intent_model).
MODEL_KEY = "intent_model"
_DEFAULT_CONFIDENCE = 0.5


def use_intent_model(context: CheckContext, model: IntentModel) -> CheckContext:
    """Make the intent checks of this context read `model` (unless a criterion names its own)."""
    context.memo[MODEL_KEY] = model
    return context


def _model(params: Mapping, context: CheckContext) -> IntentModel:
    named = params.get("model")
    if named:
        return intent_model(str(named))
    given = context.memo.get(MODEL_KEY)
    return given if given is not None else intent_model()


def hits_of(conversation: Conversation, params: Mapping, context: CheckContext, turns: list[int],
            wanted: tuple[str, ...]) -> dict[int, dict[str, IntentHit]]:
    """The `wanted` intents (at least) of each of `turns`, read once per conversation, model and
    intent (one batched call for what is not read yet)."""
    model = _model(params, context)
    # Per turn, its hits and the set of intents read: one subset test per turn instead of a
    # generator of (turn, intent) lookups (hits_of is called by every intent criterion).
    known, read = context.memo.setdefault(("intents", model.name, id(model)), ({}, {}))
    asked = frozenset(wanted)
    missing = [i for i in turns if not asked <= read.get(i, _NONE)]
    if missing:
        found = model.intents([context.normalised[i] for i in missing], context.language, wanted)
        for i, hits in zip(missing, found):
            if i in known:
                known[i] = {**known[i], **hits}
                read[i] = read[i] | asked
            else:
                known[i], read[i] = hits, asked
    return {i: known[i] for i in turns}


_NONE: frozenset = frozenset()


def _confident(hits: dict[str, IntentHit], intent: str, limit: float) -> Optional[IntentHit]:
    hit = hits.get(intent)
    return hit if hit is not None and hit.confidence >= limit else None


def _limit(params: Mapping) -> float:
    return float(params.get("min_confidence", _DEFAULT_CONFIDENCE))


def said(hit: IntentHit, index: int) -> str:
    """'closing intent (0.91) in turn 12: "anything else i can help with"'."""
    return say.INTENT_SAID.format(intent=hit.intent.replace("_", " "), confidence=hit.confidence, turn=turn_name(index),
                                  phrase=hit.matched)


def _window(conversation: Conversation, params: Mapping, context: CheckContext) -> tuple[list[int], str]:
    speaker = str(params.get("speaker", "agent"))
    turns = turns_of(conversation, context, speaker)
    first, last = params.get("within_first_agent_turns"), params.get("within_last_agent_turns")
    if first:
        return turns[:first], (say.FIRST_AGENT_TURN if first == 1 else say.FIRST_AGENT_TURNS.format(count=first))
    if last:
        return turns[-last:], (say.LAST_AGENT_TURN if last == 1 else say.LAST_AGENT_TURNS.format(count=last))
    return turns, say.ANY_SPEAKER_TURN.format(speaker=speaker)


def _precondition(conversation: Conversation, params: Mapping, context: CheckContext):
    """(start turn, reason) after which the agent turns count, None when there is no precondition,
    or a CheckOutcome (N/A) when the precondition is not met."""
    wanted = params.get("when_customer_intent")
    upset = params.get("when_customer_upset")
    if not wanted and not isinstance(upset, Mapping):
        return None
    customer = turns_of(conversation, context, "customer")
    if wanted:
        hits = hits_of(conversation, params, context, customer, (str(wanted),))
        for i in customer:
            hit = _confident(hits[i], str(wanted), _limit(params))
            if hit is not None:
                return i, said(hit, i)
        return CheckOutcome.na(say.NO_INTENT_TURN.format(intent=str(wanted).replace("_", " ")))
    found = first_upset(conversation, upset, context)
    if found is None:
        return CheckOutcome.na(say.NOT_UPSET)
    return found[0], say.UPSET_AT.format(reason=found[1], turn=turn_name(found[0]))


def intent_present(conversation: Conversation, params: Mapping[str, object], context: CheckContext) -> CheckOutcome:
    """Pass when a turn of the window expresses `intent` with at least `min_confidence`.

    With `when_customer_intent` or `when_customer_upset` the check is N/A until a customer turn
    meets the precondition; then only window turns after that turn count (N/A when there are none).
    With `fails_with`, a turn with one of those intents after the last turn with `intent` fails it
    (an offer of escalation, then "managers don't talk to customers").
    """
    intent, limit = str(params["intent"]), _limit(params)
    turns, where = _window(conversation, params, context)
    start = _precondition(conversation, params, context)
    if isinstance(start, CheckOutcome):
        return start
    if start is not None:
        turns = [i for i in turns if i > start[0]]
        where = say.WHERE_AFTER.format(where=where, start=start[1])
        if not turns:
            return CheckOutcome.na(say.NO_SPEAKER_TURN_IN.format(speaker=params.get("speaker", "agent"), where=where))
    elif not turns:
        return CheckOutcome.na(say.NO_SPEAKER_TURN_WITH_TEXT.format(speaker=params.get("speaker", "agent")))
    hits = hits_of(conversation, params, context, turns, (intent, *map(str, params.get("fails_with", ()))))
    found = [(i, h) for i in turns if (h := _confident(hits[i], intent, limit)) is not None]
    against = [(i, h) for i in turns if hits[i] for name in params.get("fails_with", ())
               if (h := _confident(hits[i], str(name), limit)) is not None]
    context_turns = [evidence_of(conversation, start[0])] if start is not None else []
    if against and (not found or against[-1][0] > found[-1][0]):
        i, h = against[-1]
        return CheckOutcome.failed(say.SAID_IN.format(said=said(h, i), where=where),
                                   context_turns + [evidence_of(conversation, i)])
    if found:
        i, h = found[0]
        shown = said(h, i) if start is None else say.SAID_AFTER.format(said=said(h, i), start=start[1])
        return CheckOutcome.passed(shown, context_turns + [evidence_of(conversation, i)])
    return CheckOutcome.failed(say.NO_INTENT_IN.format(intent=intent.replace("_", " "), where=where, limit=limit),
                               context_turns)


def intent_absent(conversation: Conversation, params: Mapping[str, object], context: CheckContext) -> CheckOutcome:
    """Fail (score 0) when any of the speaker's turns expresses one of `intents` with at least
    `min_confidence`; every offending turn is evidence. Intents that decide critical verdicts count
    only in the speaker's own words (not negated, quoted or reported; see scoring.intents).
    With `phrases`, `groups` or `regexes`, those are the fallback: when no intent is found, the
    check fails as `phrases_absent` would on them (also only in the speaker's own words)."""
    speaker = str(params.get("speaker", "agent"))
    turns = turns_of(conversation, context, speaker)
    if not turns:
        return CheckOutcome.na(say.NO_SPEAKER_TURN_WITH_TEXT.format(speaker=speaker))
    limit, wanted = _limit(params), [str(x) for x in params["intents"]]
    hits = hits_of(conversation, params, context, turns, tuple(wanted))
    found = []
    for i in turns:
        if not hits[i]:  # most turns hold no intent: skip the generator and max()
            continue
        strongest = max((h for name in wanted if (h := _confident(hits[i], name, limit))),
                        key=lambda h: h.confidence, default=None)
        if strongest is not None:
            found.append((i, strongest))
    names = " or ".join(x.replace("_", " ") for x in wanted)  # read back with explanations.EITHER
    if not found:
        fallback = _phrase_fallback(conversation, params, context)
        if fallback is not None and fallback.result == "fail":
            return fallback
        also = say.ALSO.format(explanation=fallback.explanation) if fallback is not None else ""
        return CheckOutcome.passed(say.NO_INTENTS_IN.format(intents=names, counted=plural(len(turns), speaker + " turn"),
                                                            also=also))
    i, h = found[0]
    shown = said(h, i) if len(found) == 1 else say.SAID_MORE.format(said=said(h, i),
                                                                     counted=plural(len(found) - 1, "more turn"))
    return CheckOutcome.failed(shown, [evidence_of(conversation, j) for j, _ in found])


_FALLBACK_KEYS = ("phrases", "groups", "regexes", "label", "similarity", "speaker")


def _phrase_fallback(conversation: Conversation, params: Mapping, context: CheckContext) -> Optional[CheckOutcome]:
    """The `phrases_absent` outcome of the check's fallback phrases, None when it has none: a listed
    phrase the rules do not read as an intent still fails the check."""
    if not any(key in params for key in ("phrases", "groups", "regexes")):
        return None
    return phrases_absent(conversation, {k: params[k] for k in _FALLBACK_KEYS if k in params}, context)


def _upset_sentiment_turns(conversation: Conversation, params: Mapping, context: CheckContext) -> list[int]:
    upset = params.get("when_customer_upset")
    if isinstance(upset, Mapping) and upset.get("sentiment_below") is not None:
        return turns_of(conversation, context, "customer")
    return []


def _present_extra(params: Mapping[str, object]):
    problems = []
    windowed = "within_first_agent_turns" in params or "within_last_agent_turns" in params
    if params.get("speaker") == "customer" and windowed:
        problems.append(("speaker", "must be agent with within_first_agent_turns or within_last_agent_turns"))
    return problems


_INTENT = p.choice(*INTENTS)
_SHARED = {"speaker": p.choice("agent", "customer"), "min_confidence": p.number(0.0, 1.0),
           "model": p.choice(*MODELS)}
_UPSET = p.record({"markers": p.phrases, "sentiment_below": p.number(-1.0, 1.0)},
                  any_of=("markers", "sentiment_below"))

INTENT_PRESENT = CheckType(
    "intent_present",
    intent_present,
    p.schema(
        {"intent": _INTENT, **_SHARED, "within_first_agent_turns": p.positive_int,
         "within_last_agent_turns": p.positive_int, "when_customer_intent": p.choice(*CUSTOMER_INTENTS),
         "when_customer_upset": _UPSET, "fails_with": p.names(*INTENTS)},
        required=("intent",),
        exclusive=(("within_first_agent_turns", "within_last_agent_turns"),
                   ("when_customer_intent", "when_customer_upset")),
        extra=_present_extra,
    ),
    _upset_sentiment_turns,
    "A turn expresses the intent (greeting, empathy, closing, escalation offer...), read by the semantic "
    "layer with a confidence, optionally within the first/last N agent turns or after the customer asked "
    "for escalation or was upset.",
)

INTENT_ABSENT = CheckType(
    "intent_absent",
    intent_absent,
    p.schema({"intents": p.names(*INTENTS), **_SHARED, "phrases": p.phrases, "groups": p.names(*PHRASE_GROUPS),
              "regexes": p.regexes, "label": p.text, "similarity": p.number(0.5, 1.0)}, required=("intents",)),
    description="No turn of the speaker expresses any of the intents (blame, abuse, sarcasm, dismissal, "
                "promise, review for reward...) in their own words, nor (optionally) any of the fallback phrases.",
)
