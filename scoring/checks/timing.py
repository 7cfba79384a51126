"""Timing checks on chat timestamps (`Turn.at`)."""
from __future__ import annotations

from typing import Mapping

from scoring.checks import params as p
from scoring.checks.base import CheckContext, CheckOutcome, CheckType, evidence_of, turn_name
from transcripts.model import Conversation


def _seconds(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def first_response_within(
    conversation: Conversation, params: Mapping[str, object], context: CheckContext
) -> CheckOutcome:
    """Pass when the first agent turn after the first customer turn comes within `seconds` of it.

    N/A without a customer turn, without any agent turn, or when either turn has no (comparable)
    timestamp; fail when no agent turn follows the customer's first turn.
    """
    turns = conversation.turns
    first = next((i for i, t in enumerate(turns) if t.is_customer), None)
    if first is None:
        return CheckOutcome.na("no customer turn")
    if not any(t.is_agent for t in turns):
        return CheckOutcome.na("no agent turn")
    reply = next((i for i in range(first + 1, len(turns)) if turns[i].is_agent), None)
    if reply is None:
        return CheckOutcome.failed(f"no agent reply after the customer's first message ({turn_name(first)})",
                                   [evidence_of(conversation, first)])
    asked_at, replied_at = turns[first].at, turns[reply].at
    if asked_at is None or replied_at is None:
        return CheckOutcome.na("no timestamps on the first customer turn and the agent's reply")
    try:
        waited = (replied_at - asked_at).total_seconds()
    except TypeError:
        return CheckOutcome.na("timestamps mix time zones and local times")
    if waited < 0:
        return CheckOutcome.na(f"the agent's reply ({turn_name(reply)}) is timestamped before the customer's turn")
    limit = float(params["seconds"])
    reason = f"first response after {_seconds(waited)} s (limit {_seconds(limit)} s)"
    evidence = [evidence_of(conversation, first), evidence_of(conversation, reply)]
    return CheckOutcome.passed(reason, evidence) if waited <= limit else CheckOutcome.failed(reason, evidence)


FIRST_RESPONSE_WITHIN = CheckType(
    "first_response_within",
    first_response_within,
    p.schema({"seconds": p.number(positive=True)}, required=("seconds",)),
    description="Chat: the agent answers the customer's first message within `seconds`.",
)
