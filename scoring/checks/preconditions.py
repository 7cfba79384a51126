"""Preconditions: "only when a return is in play", "only when there is an order problem", "only when
the customer asks for a manager", "only on chats". Any criterion's check may carry them in YAML:

    check:
      type: steps_covered
      when_return_in_play: true          # the shipped phrases (English and Chinese)
      when_channel: [chat]
      ...

Each precondition is a pure function (conversation, value, context) -> Gate. A value of `true` uses
the shipped phrase lists; a mapping {markers: [...], unless: [...]} replaces either list (and for
when_order_problem `requires` / `requires_regexes`, how a specific order is referred to). The engine
(scoring.engine) takes these keys out of the parameters before the check sees them, asks every gate
in turn, and gives N/A with the gate's explanation as soon as one does not hold; when all hold, the
check runs and its explanation ends with what made it apply.
"""
from __future__ import annotations

from collections.abc import Mapping  # isinstance against typing.Mapping costs a few times more
from dataclasses import dataclass
from typing import Callable, Optional

from scoring import explanations as say
from scoring.checks import params as p
from scoring.checks.base import CheckContext, Problems, first_match, memoised, quoted, turn_name, turns_of
from scoring.checks.precondition_phrases import ESCALATION_REQUESTS, ORDER_PROBLEM, RETURN_IN_PLAY
from scoring.text import phrase_matcher
from transcripts.model import CHANNELS, Conversation


@dataclass(frozen=True)
class Gate:
    """A precondition's answer: whether the criterion applies, and a one-line reason either way."""

    applies: bool
    reason: str


@dataclass(frozen=True)
class Precondition:
    """A named precondition: `test` never raises on odd conversations; `validate` checks its value."""

    key: str
    test: Callable[[Conversation, object, CheckContext], Gate]
    validate: Callable[[object], Problems]
    description: str


def first_said(conversation: Conversation, context: CheckContext, speaker: str,
               phrases: tuple[str, ...], regexes: tuple[str, ...] = ()) -> Optional[tuple[int, str]]:
    """(turn index, phrase) of the first `speaker` turn ("agent", "customer", "any") saying one of
    `phrases` (or matching one of `regexes`), else None. Memoised per conversation, as several
    criteria ask the same question."""

    def compute() -> Optional[tuple[int, str]]:
        found = first_match(phrase_matcher(phrases, regexes), turns_of(conversation, context, speaker), context)
        return None if found is None else (found[0], found[1].phrase)

    return memoised(context, ("first_said", speaker, phrases, regexes), compute)


def _list(value: object, default: Mapping[str, tuple[str, ...]], key: str) -> tuple[str, ...]:
    """One phrase list of a precondition value: the scorecard's, else the shipped one."""
    given = value.get(key) if isinstance(value, Mapping) else None
    return tuple(given or default.get(key, ()))


def _topic(conversation: Conversation, value: object, context: CheckContext, default: Mapping,
           speaker: str, what: str) -> Gate:
    """Applies when a `speaker` turn says a marker, no such turn says an `unless` phrase and, when
    there are `requires` phrases or regexes, some turn (either speaker) says one of them."""
    markers, unless = _list(value, default, "markers"), _list(value, default, "unless")
    cancel = first_said(conversation, context, speaker, unless) if unless else None
    if cancel is not None:
        turn, phrase = cancel
        return Gate(False, say.GATE_CANCELLED.format(what=what, phrase=phrase, turn=turn_name(turn)))
    found = first_said(conversation, context, speaker, markers)
    if found is None:
        return Gate(False, say.GATE_NONE_OF.format(what=what, phrases=quoted(markers)))
    requires, regexes = _list(value, default, "requires"), _list(value, default, "requires_regexes")
    if (requires or regexes) and first_said(conversation, context, "any", requires, regexes) is None:
        return Gate(False, say.GATE_NO_ORDER.format(what=what))
    turn, phrase = found
    return Gate(True, say.GATE_SAID.format(what=what, phrase=phrase, turn=turn_name(turn)))


def return_in_play(conversation: Conversation, value: object, context: CheckContext) -> Gate:
    """A return or exchange is being arranged or explained: some turn (either speaker) says a marker
    ("return label", "exchange", 退货, 换货...) and no turn says the item is already back or needs no
    return ("we received your return", "no need to send it back", 已寄回, 仅退款...). A refund status
    check on an item already returned, or a refund with no return, does not apply."""
    return _topic(conversation, value, context, RETURN_IN_PLAY, "any", say.RETURN_IN_PLAY)


def order_problem(conversation: Conversation, value: object, context: CheckContext) -> Gate:
    """The customer has an after-sales problem with a specific order (delivery, defect, wrong or missing
    item, return, exchange, refund status, price protection): a customer turn says a marker and no
    customer turn raises a topic that is not one (invoice, a payment-only problem such as a double
    charge, a pre-sale deposit, an address change before dispatch, which card a refund went to)."""
    return _topic(conversation, value, context, ORDER_PROBLEM, "customer", say.ORDER_PROBLEM)


def escalation_request(conversation: Conversation, context: CheckContext,
                       requests: tuple[str, ...] = ()) -> Optional[tuple[int, str]]:
    """(turn index, phrase) of the customer's first request for a manager, supervisor or complaint
    (`requests`, or the shipped phrases when empty), else None."""
    return first_said(conversation, context, "customer", tuple(requests) or ESCALATION_REQUESTS)


def escalation_requested(conversation: Conversation, value: object, context: CheckContext) -> Gate:
    """The customer asks for a manager, supervisor, someone above the agent, or to lodge a complaint."""
    given = value if isinstance(value, Mapping) else {}
    found = escalation_request(conversation, context, tuple(given.get("markers") or ()))
    if found is None:
        return Gate(False, say.NO_MANAGER_ASKED)
    turn, phrase = found
    return Gate(True, say.ESCALATION_ASKED.format(phrase=phrase, turn=turn_name(turn)))


def channel_is(conversation: Conversation, value: object, context: CheckContext) -> Gate:
    """The conversation's channel is one of the listed ones."""
    channels = tuple(value) if isinstance(value, (list, tuple)) else (str(value),)
    if conversation.channel in channels:
        return Gate(True, say.CHANNEL.format(channel=conversation.channel))
    return Gate(False, say.ONLY_FOR_CHANNELS.format(channels=", ".join(channels), channel=conversation.channel))


def _switch_or(rule: Callable[[object], Problems]) -> Callable[[object], Problems]:
    """`true`, or a mapping that follows `rule`."""

    def validate(value: object) -> Problems:
        if value is True:
            return []
        if isinstance(value, Mapping):
            return rule(value)
        return [("", "must be true (the shipped phrases) or a mapping of phrase lists")]

    return validate


_TOPIC = _switch_or(p.record({"markers": p.phrases, "unless": p.phrases, "requires": p.phrases,
                              "requires_regexes": p.regexes}))
_REQUEST = _switch_or(p.record({"markers": p.phrases}, required=("markers",)))


def _channels(value: object) -> Problems:
    if not isinstance(value, (list, tuple)) or not value:
        return [("", f"must be a non-empty list of: {', '.join(CHANNELS)}")]
    return p.names(*CHANNELS)(list(value))


PRECONDITIONS: Mapping[str, Precondition] = {
    c.key: c
    for c in (
        Precondition("when_return_in_play", return_in_play, _TOPIC, return_in_play.__doc__ or ""),
        Precondition("when_order_problem", order_problem, _TOPIC, order_problem.__doc__ or ""),
        Precondition("when_escalation_requested", escalation_requested, _REQUEST,
                     escalation_requested.__doc__ or ""),
        Precondition("when_channel", channel_is, _channels, channel_is.__doc__ or ""),
    )
}

Gates = tuple[tuple[str, object], ...]


def split(params: Mapping[str, object]) -> tuple[dict[str, object], Gates]:
    """(the check's own parameters, the preconditions in scorecard order)."""
    own = {k: v for k, v in params.items() if k not in PRECONDITIONS}
    gates = tuple((k, v) for k, v in params.items() if k in PRECONDITIONS)
    return own, gates


def validate(gates: Gates) -> Problems:
    """Problems of the precondition values, with the key as the path (e.g. "when_channel[0]")."""
    return [(f"{key}{path}", message) for key, value in gates for path, message in PRECONDITIONS[key].validate(value)]


def check_gates(conversation: Conversation, gates: Gates, context: CheckContext) -> tuple[Optional[str], str]:
    """(reason the criterion is N/A, "") when a gate does not hold, else (None, what made it apply)."""
    applied = []
    for key, value in gates:
        gate = _gate(conversation, key, value, context)
        if not gate.applies:
            return gate.reason, ""
        applied.append(gate.reason)
    return None, "; ".join(applied)


def _gate(conversation: Conversation, key: str, value: object, context: CheckContext) -> Gate:
    """The precondition's answer, once per conversation for the same value object: criteria share
    preconditions (the Chinese scorecard gates two criteria on when_order_problem: true). Keyed by
    the value's id, as values may be unhashable; the entry holds the value, so the id stays its own."""
    memo_key = ("gate", key, id(value))
    found = context.memo.get(memo_key)
    if found is not None and found[0] is value:
        return found[1]
    gate = PRECONDITIONS[key].test(conversation, value, context)
    context.memo[memo_key] = (value, gate)
    return gate
