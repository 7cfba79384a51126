"""Compliance checks: asking for sensitive payment/login data, offering escalation when asked, covering
the required steps of a process (三查三核 and its confirmation, the elements of a return policy)."""
from __future__ import annotations

from collections.abc import Mapping  # isinstance against typing.Mapping costs a few times more

from scoring import explanations as say
from scoring.checks import params as p
from scoring.checks.base import (
    CheckContext,
    CheckOutcome,
    CheckType,
    and_more,
    evidence_of,
    find_from,
    ignored_note,
    own_search,
    plural,
    quoted,
    turn_layout,
    turn_name,
    turns_of,
)
from scoring.checks.preconditions import escalation_request
from scoring.text import phrase_matcher
from transcripts.model import Conversation


def data_handling(conversation: Conversation, params: Mapping[str, object], context: CheckContext) -> CheckOutcome:
    """Fail when an agent turn holds a request phrase and a sensitive item (full card number, CVV,
    password...) and none of the exception phrases ("never", "last four digits", "不要"...)."""
    turns = turns_of(conversation, context, "agent")
    if not turns:
        return CheckOutcome.na(say.NO_AGENT_TURN_WITH_TEXT)
    items = phrase_matcher(params.get("items", ()), params.get("regexes", ()))
    requests = phrase_matcher(params.get("requests", ()))
    exceptions = phrase_matcher(params.get("exceptions", ()))
    hits, ignored = [], []
    for i in turns:
        text = context.normalised[i]
        # A negated, quoted or reported request ("never tell anyone your PIN", "the scammer said give
        # me your password") is no request (scoring.speech).
        item = own_search(items, conversation, context, i)
        if item is not None and own_search(requests, conversation, context, i, ignored=ignored) \
                and not exceptions.search(text):
            hits.append((i, item.phrase))
    if not hits:
        return CheckOutcome.passed(say.NO_SENSITIVE_REQUEST.format(counted=plural(len(turns), "agent turn"),
                                                                   ignored=ignored_note(ignored)))
    first, item = hits[0]
    more = and_more(len(hits) - 1, "more turn")
    evidence = [evidence_of(conversation, i) for i, _ in hits]
    return CheckOutcome.failed(say.ASKED_FOR_ITEM.format(item=item, turn=turn_name(first), more=more), evidence)


def escalation_offered(
    conversation: Conversation, params: Mapping[str, object], context: CheckContext
) -> CheckOutcome:
    """When the customer asks for a supervisor, a manager or to complain (a `requests` phrase, or the
    shipped ones of preconditions.escalation_request), an agent turn after it (all of them, or the next
    `within_agent_turns`) must offer or arrange escalation (an `offers` phrase: a named person, a
    callback, a transfer). Otherwise it fails, as refused when a `refusals` phrase was said ("managers
    don't talk to customers"), else as ignored. N/A without a request an agent turn follows."""
    request = escalation_request(conversation, context, tuple(params.get("requests", ())))
    if request is None:
        return CheckOutcome.na(say.NO_ESCALATION_ASKED)
    start, asked = request
    after = [i for i in turns_of(conversation, context, "agent") if i > start]
    if not after:
        return CheckOutcome.na(say.ESCALATION_AFTER_LAST.format(turn=turn_name(start)))
    limit = params.get("within_agent_turns")
    window = after[:limit] if limit else after
    offers = phrase_matcher(params.get("offers", ()))
    for i in window:
        offer = offers.search(context.normalised[i])
        if offer is not None:
            evidence = [evidence_of(conversation, start), evidence_of(conversation, i)]
            return CheckOutcome.passed(say.ESCALATION_OFFERED.format(phrase=offer.phrase, turn=turn_name(i)), evidence)
    where = say.THE_NEXT.format(counted=plural(len(window), "agent turn")) if limit else say.ANY_LATER_AGENT_TURN
    refusals = phrase_matcher(params.get("refusals", ()))
    refused = next(((i, m) for i in window if (m := refusals.search(context.normalised[i]))), None)
    evidence = [evidence_of(conversation, start)]
    if refused is not None:
        evidence.append(evidence_of(conversation, refused[0]))
        return CheckOutcome.failed(say.ESCALATION_REFUSED.format(asked=asked, turn=turn_name(start), phrase=refused[1].phrase,
                                                                 refused_turn=turn_name(refused[0])), evidence)
    return CheckOutcome.failed(say.ESCALATION_IGNORED.format(asked=asked, turn=turn_name(start), where=where), evidence)


def _steps_found(params: Mapping, turns: list[int], conversation: Conversation, context: CheckContext):
    """([(step name, turn index)], [missing names], cursor after the last step found,
    {step name: (hedge, turn index)} of steps whose only mentions were hedged)."""
    in_order = bool(params.get("in_order", False))
    hedges = phrase_matcher(params.get("vague", ()), params.get("vague_regexes", ()))
    cursor, last = (0, 0), (0, 0)
    found, missing, hedged = [], [], {}
    for step in params.get("steps", ()):
        name = str(step["name"])
        matcher = phrase_matcher(step.get("phrases", ()), step.get("regexes", ()))
        hit, hedge = _clear_hit(matcher, hedges, turns, conversation, context, cursor if in_order else (0, 0))
        if hit is None:
            missing.append(name)
            if hedge is not None:
                hedged[name] = hedge
            continue
        found.append((name, turns[hit[0]]))
        cursor = hit
        last = max(last, hit)
    return found, missing, last, hedged


def _clear_hit(matcher, hedges, turns: list[int], conversation: Conversation, context: CheckContext, cursor):
    """(the first match at or after `cursor` whose sentence holds no hedge, or None; the first
    hedge that set a match aside, as (phrase, turn index), or None). "运费的话看情况" or "there's a
    time limit but we'll see" names a step without saying it."""
    first_hedge = None
    while (hit := find_from(matcher, turns, context, cursor)) is not None:
        index = turns[hit[0]]
        hedge = _hedge_in_sentence(hedges, conversation, context, index, hit[1] - 1)
        if hedge is None:
            return hit, first_hedge
        first_hedge = first_hedge or (hedge, index)
        cursor = hit
    return None, first_hedge


def _hedge_in_sentence(hedges, conversation: Conversation, context: CheckContext, index: int, pos: int):
    """The hedge in the sentence of turn `index` around offset `pos` (its phrase, or for a regex the
    words it matched), or None."""
    if not len(hedges):
        return None
    text = context.normalised[index]
    starts = turn_layout(conversation, context, index).sentences
    begin = max(s for s in starts if s <= pos)
    end = min((s for s in starts if s > pos), default=len(text))
    m = hedges.search(text[begin:end])
    if m is None:
        return None
    return m.text if m.phrase in hedges.regexes else m.phrase


def _confirmed(conversation: Conversation, confirm: Mapping, context: CheckContext, after: int):
    """Turn index where the solution is confirmed after turn `after`: an agent turn asking the
    customer to agree (`agent`), or a customer turn accepting (`customer`, without a `refusals`
    phrase) after a later agent turn. None when neither happened."""
    asks = phrase_matcher(confirm.get("agent", ()), confirm.get("agent_regexes", ()))
    for i in turns_of(conversation, context, "agent"):
        if i >= after and asks.search(context.normalised[i]) is not None:
            return i
    accepts = phrase_matcher(confirm.get("customer", ()), confirm.get("customer_regexes", ()))
    refuses = phrase_matcher(confirm.get("refusals", ()))
    proposed = next((i for i in turns_of(conversation, context, "agent") if i >= after), None)
    for i in turns_of(conversation, context, "customer"):
        text = context.normalised[i]
        if proposed is not None and i > proposed and accepts.search(text) and not refuses.search(text):
            return i
    return None


def steps_covered(conversation: Conversation, params: Mapping[str, object], context: CheckContext) -> CheckOutcome:
    """Every step (a named phrase group) occurs in the speaker's turns, in any order or, with
    `in_order`, each after the previous one. With `confirm`, a last step "confirm" follows the others:
    the agent asks whether the solution suits the customer, or the customer accepts it. With `vague`
    (phrases) or `vague_regexes`, a step mentioned only in sentences that also hedge ("看情况",
    "it depends") is missing, and the explanation says so. Score = share of the steps (confirm
    included) found; evidence: the turns where they were found."""
    turns = turns_of(conversation, context, str(params.get("speaker", "agent")))
    if not turns:
        return CheckOutcome.na(say.NO_AGENT_TURN_WITH_TEXT)
    found, missing, last, hedged = _steps_found(params, turns, conversation, context)
    total = len(params.get("steps", ()))
    confirm = params.get("confirm")
    if isinstance(confirm, Mapping):
        total += 1
        at = _confirmed(conversation, confirm, context, turns[last[0]] if found else 0)
        if at is None:
            missing.append(say.STEP_CONFIRM)
        else:
            found.append((say.STEP_CONFIRM, at))
    evidence = [evidence_of(conversation, i) for i in sorted({i for _, i in found} | {i for _, i in hedged.values()})]
    label = str(params.get("label", say.STEPS))
    if not missing:
        steps_at = ", ".join(say.STEP_AT.format(name=name, turn=turn_name(i)) for name, i in found)
        return CheckOutcome.passed(say.ALL_COVERED.format(label=label, steps=steps_at), evidence)
    template = say.STEPS_MISSING_OR_OUT_OF_ORDER if params.get("in_order") else say.STEPS_MISSING
    vague = "".join(say.ONLY_VAGUELY.format(name=name, hedge=hedge, turn=turn_name(i)) for name, (hedge, i) in hedged.items())
    return CheckOutcome.failed(template.format(label=label, missing=quoted(missing, 5), vague=vague), evidence,
                               round(len(found) / total, 4))


DATA_HANDLING = CheckType(
    "data_handling",
    data_handling,
    p.schema(
        {"items": p.phrases, "requests": p.phrases, "exceptions": p.phrases, "regexes": p.regexes},
        required=("items", "requests"),
    ),
    description="The agent never asks for sensitive data (full card number, CVV, passwords, codes).",
)

ESCALATION_OFFERED = CheckType(
    "escalation_offered",
    escalation_offered,
    p.schema(
        {"requests": p.phrases, "offers": p.phrases, "refusals": p.phrases, "within_agent_turns": p.positive_int},
        required=("offers",),
    ),
    description="When the customer asks for a supervisor, a manager or to complain, the agent offers or "
                "arranges escalation (a named person, a callback, a transfer).",
)

_STEP = p.record({"name": p.text, "phrases": p.phrases, "regexes": p.regexes}, required=("name", "phrases"))
_CONFIRM = p.record(
    {"agent": p.phrases, "agent_regexes": p.regexes, "customer": p.phrases, "customer_regexes": p.regexes,
     "refusals": p.phrases},
    any_of=("agent", "agent_regexes", "customer", "customer_regexes"),
)

STEPS_COVERED = CheckType(
    "steps_covered",
    steps_covered,
    p.schema({"steps": p.list_of(_STEP), "in_order": p.boolean, "confirm": _CONFIRM, "label": p.text,
              "speaker": p.choice("agent", "customer"), "vague": p.phrases, "vague_regexes": p.regexes},
             required=("steps",)),
    description="Every step (a group of phrases) is covered, in any order or in order, optionally followed "
                "by the customer's agreement to the solution (三查三核, the elements of a return policy).",
)
