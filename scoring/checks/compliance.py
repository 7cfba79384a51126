"""Compliance checks: asking for sensitive payment/login data, offering escalation when asked."""
from __future__ import annotations

from typing import Mapping

from scoring.checks import params as p
from scoring.checks.base import (
    CheckContext,
    CheckOutcome,
    CheckType,
    evidence_of,
    ignored_note,
    own_search,
    plural,
    turn_name,
    turns_of,
)
from scoring.text import phrase_matcher
from transcripts.model import Conversation


def data_handling(conversation: Conversation, params: Mapping[str, object], context: CheckContext) -> CheckOutcome:
    """Fail when an agent turn holds a request phrase and a sensitive item (full card number, CVV,
    password...) and none of the exception phrases ("never", "last four digits", "不要"...)."""
    turns = turns_of(conversation, context, "agent")
    if not turns:
        return CheckOutcome.na("no agent turn with text")
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
        return CheckOutcome.passed(f"no request for sensitive data in {plural(len(turns), 'agent turn')}"
                                   f"{ignored_note(ignored)}")
    first, item = hits[0]
    more = f" and {plural(len(hits) - 1, 'more turn')}" if len(hits) > 1 else ""
    evidence = [evidence_of(conversation, i) for i, _ in hits]
    return CheckOutcome.failed(f'the agent asked for "{item}" in {turn_name(first)}{more}', evidence)


def escalation_offered(
    conversation: Conversation, params: Mapping[str, object], context: CheckContext
) -> CheckOutcome:
    """When the customer asks for a supervisor/manager (a `requests` phrase), the agent must offer
    escalation (an `offers` phrase) in the following agent turns (all of them, or the next N)."""
    asked = phrase_matcher(params.get("requests", ()))
    request = next(
        ((i, m) for i in turns_of(conversation, context, "customer") if (m := asked.search(context.normalised[i]))),
        None,
    )
    if request is None:
        return CheckOutcome.na("the customer did not ask for escalation")
    start, m = request
    after = [i for i in turns_of(conversation, context, "agent") if i > start]
    if not after:
        return CheckOutcome.na(f"the customer asked for escalation ({turn_name(start)}) after the last agent turn")
    limit = params.get("within_agent_turns")
    window = after[:limit] if limit else after
    offers = phrase_matcher(params.get("offers", ()))
    for i in window:
        offer = offers.search(context.normalised[i])
        if offer is not None:
            evidence = [evidence_of(conversation, start), evidence_of(conversation, i)]
            return CheckOutcome.passed(f'escalation "{offer.phrase}" offered in {turn_name(i)}', evidence)
    where = f"the next {plural(len(window), 'agent turn')}" if limit else "any later agent turn"
    reason = f'the customer asked ("{m.phrase}", {turn_name(start)}) but no escalation was offered in {where}'
    return CheckOutcome.failed(reason, [evidence_of(conversation, start)])


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
        {"requests": p.phrases, "offers": p.phrases, "within_agent_turns": p.positive_int},
        required=("requests", "offers"),
    ),
    description="When the customer asks for a supervisor or manager, the agent offers escalation.",
)
