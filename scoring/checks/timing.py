"""Timing checks on chat timestamps (`Turn.at`) and on ticket times in the conversation's metadata."""
from __future__ import annotations

from collections.abc import Mapping  # isinstance against typing.Mapping costs a few times more
from datetime import datetime
from typing import Optional

from scoring import explanations as say
from scoring.checks import params as p
from scoring.checks.base import CheckContext, CheckOutcome, CheckType, evidence_of, plural, turn_name
from scoring.result import Evidence
from transcripts.model import Conversation


def _seconds(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def late_credit(waited: float, limit: float, until: Optional[float]) -> float:
    """Credit 0..1 for a response after `waited` seconds against `limit`: 1 up to the limit; without
    `until` (a multiple of the limit, above 1) nothing after it; with it, a straight line from 1 at
    the limit down to 0 at `until` x limit. With until = 3 and a 30 s limit, 33 s earns 0.95, 60 s
    0.5 and 90 s or more nothing. Rounded to 4 places, like every check score. The checks call a
    late answer with at least PASS_FROM_CREDIT a pass (with this lower score), below it a fail."""
    if waited <= limit:
        return 1.0
    if not until or until <= 1:
        return 0.0
    return round(max(0.0, 1.0 - (waited - limit) / (limit * (until - 1))), 4)


# A late answer that still earns at least this much credit is a pass with a lower score: a few seconds
# over the limit is a coaching point, not a failed criterion (which would stop the verdict being "good").
PASS_FROM_CREDIT = 0.5


def _late_outcome(reason: str, evidence: list, score: float) -> CheckOutcome:
    if score >= PASS_FROM_CREDIT:
        return CheckOutcome.passed(say.LATE_BUT_PARTIAL.format(reason=reason), evidence, score)
    return CheckOutcome.failed(reason, evidence, score)


def _credit_note(score: float, until: Optional[float]) -> str:
    return "; " + say.PARTIAL_CREDIT.format(score=score, until=_seconds(float(until))) if until else ""


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
        return CheckOutcome.na(say.NO_CUSTOMER_TURN)
    if not any(t.is_agent for t in turns):
        return CheckOutcome.na(say.NO_AGENT_TURN)
    reply = next((i for i in range(first + 1, len(turns)) if turns[i].is_agent), None)
    if reply is None:
        return CheckOutcome.failed(say.NO_AGENT_REPLY.format(turn=turn_name(first)),
                                   [evidence_of(conversation, first)])
    asked_at, replied_at = turns[first].at, turns[reply].at
    if asked_at is None or replied_at is None:
        return CheckOutcome.na(say.NO_FIRST_TIMESTAMPS)
    try:
        waited = (replied_at - asked_at).total_seconds()
    except TypeError:
        return CheckOutcome.na(say.MIXED_TIMESTAMPS)
    if waited < 0:
        return CheckOutcome.na(say.REPLY_BEFORE.format(turn=turn_name(reply)))
    limit = float(params["seconds"])
    reason = say.FIRST_RESPONSE.format(seconds=_seconds(waited), limit=_seconds(limit))
    evidence = [evidence_of(conversation, first), evidence_of(conversation, reply)]
    if waited <= limit:
        return CheckOutcome.passed(reason, evidence)
    until = params.get("partial_credit_until")
    score = late_credit(waited, limit, until)
    return _late_outcome(reason + _credit_note(score, until), evidence, score)


def response_times(conversation: Conversation) -> list[tuple[int, int, float]]:
    """(customer turn, agent turn, seconds) for every agent response, as transcripts.metrics.chat_metrics
    counts them: from the first customer message not yet answered to the next agent message, turns
    ordered by `at` (stable), turns without `at` left out. ValueError when the times mix time zones
    and local times."""
    dated = [(i, t) for i, t in enumerate(conversation.turns) if t.at is not None]
    if len({t.at.tzinfo is not None and t.at.utcoffset() is not None for _, t in dated}) > 1:
        raise ValueError(say.MIXED_TIMESTAMPS)
    found, waiting = [], None
    for i, turn in sorted(dated, key=lambda pair: pair[1].at):
        if turn.speaker == "customer" and waiting is None:
            waiting = i
        elif turn.speaker == "agent" and waiting is not None:
            found.append((waiting, i, (turn.at - conversation.turns[waiting].at).total_seconds()))
            waiting = None
    return found


def response_times_within(
    conversation: Conversation, params: Mapping[str, object], context: CheckContext
) -> CheckOutcome:
    """Pass when every agent response (see `response_times`) comes within `seconds`; score = share
    within. N/A without `at` times, when times mix time zones, or when the agent never answered."""
    if not any(t.at is not None for t in conversation.turns):
        return CheckOutcome.na(say.NO_CHAT_TIMES)
    try:
        times = response_times(conversation)
    except ValueError as exc:
        return CheckOutcome.na(str(exc))
    if not times:
        return CheckOutcome.na(say.NO_AGENT_RESPONSE)
    limit = float(params["seconds"])
    late = [(c, a, s) for c, a, s in times if s > limit]
    if not late:
        slowest = max(s for _, _, s in times)
        return CheckOutcome.passed(say.ALL_RESPONSES_WITHIN.format(counted=plural(len(times), "agent response"),
                                                                   limit=_seconds(limit), slowest=_seconds(slowest)))
    c, a, s = max(late, key=lambda item: item[2])
    until = params.get("partial_credit_until")
    # Each response earns its credit (1 on time, partial when a little late): the score is their mean.
    score = round(sum(late_credit(w, limit, until) for _, _, w in times) / len(times), 4)
    reason = say.RESPONSES_WITHIN.format(on_time=len(times) - len(late), counted=plural(len(times), "agent response"),
                                         limit=_seconds(limit), slowest=_seconds(s), turn=turn_name(a),
                                         asked_turn=turn_name(c))
    evidence = [evidence_of(conversation, i) for _, i, _ in late]
    if not until:
        return CheckOutcome.failed(reason, evidence, score)
    reason += "; " + say.LATE_CREDIT.format(score=score, until=_seconds(float(until)))
    return _late_outcome(reason, evidence, score)


DEFAULT_TICKET_LIMITS = {"accepted_at": 24, "first_handled_at": 48, "closed_at": 72}


def _moment(value: object) -> Optional[datetime]:
    """A datetime, or an ISO 8601 text of one; None for anything else."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _ticket_times(ticket: Mapping, fields: list[str], where: str) -> tuple[dict[str, datetime], str]:
    """({field: time} for the fields present, "") or ({}, reason the times cannot be used)."""
    times: dict[str, datetime] = {}
    for name in fields:
        if ticket.get(name) in (None, ""):
            continue
        moment = _moment(ticket[name])
        if moment is None:
            return {}, say.NOT_A_TIME.format(where=where, name=name, given=repr(ticket[name]))
        times[name] = moment
    if len({m.tzinfo is not None and m.utcoffset() is not None for m in times.values()}) > 1:
        return {}, say.MIXED_TICKET_TIMES.format(where=where)
    return times, ""


def _ticket(conversation: Conversation, params: Mapping[str, object]) -> tuple[Optional[Mapping], str]:
    """(ticket mapping, "") or (None, why the check does not apply)."""
    key = str(params.get("metadata_key", "ticket"))
    metadata = conversation.metadata if isinstance(conversation.metadata, Mapping) else {}
    ticket = metadata.get(key)
    if ticket is None:
        return None, say.NO_TICKET.format(key=key)
    if not isinstance(ticket, Mapping):
        return None, say.NOT_A_MAPPING.format(key=key)
    types = params.get("types")
    kind = str(ticket.get("type") or "").strip().casefold()
    if types and kind not in {str(t).strip().casefold() for t in types}:
        return None, say.TICKET_TYPE.format(type=repr(ticket.get("type")), types=", ".join(map(str, types)))
    return ticket, ""


def _hours(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def ticket_time_limits(
    conversation: Conversation, params: Mapping[str, object], context: CheckContext
) -> CheckOutcome:
    """Each ticket stage (a time field, e.g. accepted_at) must come within its limit in hours of
    `opened_at`. A stage without a time fails only when a later ticket time already passed its
    deadline; otherwise it is not judged. Score = share of judged stages on time. N/A without the
    ticket, with another type than `types`, without opened_at, or with unusable times."""
    ticket, reason = _ticket(conversation, params)
    if ticket is None:
        return CheckOutcome.na(reason)
    where = f"metadata.{params.get('metadata_key', 'ticket')}"
    limits = dict(params.get("limits") or DEFAULT_TICKET_LIMITS)
    times, reason = _ticket_times(ticket, ["opened_at", *limits], where)
    if reason:
        return CheckOutcome.na(reason)
    opened = times.pop("opened_at", None)
    if opened is None:
        return CheckOutcome.na(say.NO_OPENED_AT.format(where=where))
    latest = max(times.values(), default=opened)
    verdicts: list[tuple[str, bool, str]] = []
    for stage, hours in limits.items():
        if stage in times:
            taken = (times[stage] - opened).total_seconds() / 3600
            if taken < 0:
                return CheckOutcome.na(say.BEFORE_OPENED.format(where=where, stage=stage))
            verdicts.append((stage, taken <= hours, say.STAGE_AFTER.format(stage=stage, hours=_hours(taken),
                                                                           limit=_hours(hours))))
        elif (latest - opened).total_seconds() / 3600 > hours:
            verdicts.append((stage, False, say.NO_STAGE.format(stage=stage, limit=_hours(hours))))
    if not verdicts:
        return CheckOutcome.na(say.NO_STAGES.format(where=where, stages=", ".join(limits)))
    evidence = [Evidence(None, f"{where}.{name}: {ticket[name]}") for name in ["opened_at", *times]]
    late = [text for _, ok, text in verdicts if not ok]
    if not late:
        return CheckOutcome.passed("; ".join(text for _, _, text in verdicts), evidence)
    score = round((len(verdicts) - len(late)) / len(verdicts), 4)
    return CheckOutcome.failed(say.LATE.format(stages="; ".join(late)), evidence, score)


_LIMIT = {"seconds": p.number(positive=True), "partial_credit_until": p.number(low=1.01)}

FIRST_RESPONSE_WITHIN = CheckType(
    "first_response_within",
    first_response_within,
    p.schema(_LIMIT, required=("seconds",)),
    description="Chat: the agent answers the customer's first message within `seconds`; a late answer "
                "earns partial credit down to none at `partial_credit_until` x the limit.",
)

def _ticket_extra(params: Mapping[str, object]):
    if "opened_at" in (params.get("limits") or {}):
        return [("limits.opened_at", "is the start: it cannot have a limit")]
    return []


RESPONSE_TIMES_WITHIN = CheckType(
    "response_times_within",
    response_times_within,
    p.schema(_LIMIT, required=("seconds",)),
    description="Chat: every agent response comes within `seconds`; the score is the mean credit of the "
                "responses (1 on time, partial when late with `partial_credit_until`).",
)

TICKET_TIME_LIMITS = CheckType(
    "ticket_time_limits",
    ticket_time_limits,
    p.schema({
        "limits": p.mapping_of(p.number(positive=True)),
        "types": p.texts,
        "metadata_key": p.text,
    }, extra=_ticket_extra),
    description="Ticket stages (accepted, first handled, closed by default) come within their limits in "
                "hours of opening, from the conversation's ticket metadata.",
)
