"""Dispute rules: the dispute window, who resolves a dispute, outcome checks and resolution statistics."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median
from typing import Collection, Iterable, Mapping, Optional

from training.due import as_utc

OUTCOMES = ("accept", "partly_accept", "reject")
STATUS_OF_OUTCOME = {"accept": "accepted", "partly_accept": "partly_accepted", "reject": "rejected"}
STATUSES = ("open", "accepted", "partly_accepted", "rejected")
RESOLVER_ROLES = ("lead", "reviewer")
COVERAGES = ("team", "all", "none")


class DisputeRuleError(ValueError):
    """A dispute or its resolution breaks a rule; the message says which."""


@dataclass(frozen=True)
class ResolverCandidate:
    """Someone who might resolve a dispute.

    `coverage` says how they cover the disputing agent: "team" (they cover the agent's team
    explicitly), "all" (they cover no team, so they see every agent) or "none" (they cannot see
    the conversation). `open_load` counts the open disputes already assigned to them.
    """

    user_id: int
    role: str
    coverage: str
    open_load: int = 0


def within_window(evaluated_at: datetime, now: datetime, days: int) -> bool:
    """Whether a dispute opened at `now` is within `days` days of the evaluation (the limit itself included)."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise DisputeRuleError(f"the dispute window must be a whole number of days >= 0, not {days!r}")
    return as_utc(now) <= as_utc(evaluated_at) + timedelta(days=days)


def choose_resolver(candidates: Iterable[ResolverCandidate], excluded: Collection[int]) -> Optional[int]:
    """The user id a dispute goes to, or None when nobody may take it.

    Leads are preferred to reviewers; within a role, those covering the agent's team explicitly
    come before those covering everyone; then the least loaded; then the lowest id, so the
    choice is reproducible. Ids in `excluded` (the original reviewer, the agent) and candidates
    who cannot see the conversation are never chosen.
    """
    eligible = []
    for c in candidates:
        if c.role not in RESOLVER_ROLES:
            raise DisputeRuleError(f"candidate {c.user_id}: role must be lead or reviewer, not {c.role!r}")
        if c.coverage not in COVERAGES:
            raise DisputeRuleError(f"candidate {c.user_id}: coverage must be team, all or none, not {c.coverage!r}")
        if c.coverage != "none" and c.user_id not in excluded:
            eligible.append(c)
    if not eligible:
        return None
    best = min(eligible, key=lambda c: (c.role != "lead", c.coverage != "team", c.open_load, c.user_id))
    return best.user_id


def check_outcome(outcome: str, reason: str, changed: Collection[str], disputed: Collection[str]) -> str:
    """The dispute status an outcome gives, after checking it fits the changed criteria.

    A reason is always required. Accepting (fully or partly) must change at least one criterion;
    rejecting must change none. When the agent disputed named criteria, only those may change.
    """
    if outcome not in OUTCOMES:
        raise DisputeRuleError(f"outcome must be accept, partly_accept or reject, not {outcome!r}")
    if not (reason or "").strip():
        raise DisputeRuleError("a reason is required")
    if outcome == "reject" and changed:
        raise DisputeRuleError(f"a rejected dispute keeps the evaluation; changed: {', '.join(sorted(changed))}")
    if outcome != "reject" and not changed:
        raise DisputeRuleError("accepting a dispute needs at least one changed criterion")
    outside = sorted(set(changed) - set(disputed)) if disputed else []
    if outside:
        raise DisputeRuleError(f"criteria not disputed cannot change: {', '.join(outside)}")
    return STATUS_OF_OUTCOME[outcome]


@dataclass(frozen=True)
class ResolvedDispute:
    """One dispute as statistics see it; `resolver` is None and `resolved_at` None while it is open."""

    status: str
    created_at: datetime
    resolved_at: Optional[datetime] = None
    resolver: Optional[str] = None


@dataclass(frozen=True)
class ResolverStats:
    resolver: str
    resolved: int
    outcomes: Mapping[str, int]
    median_hours: float


@dataclass(frozen=True)
class DisputeStats:
    """Volume (all disputes), open count, outcome counts, and per resolver the median hours to resolve."""

    volume: int
    open: int
    outcomes: Mapping[str, int]
    median_hours: Optional[float]
    resolvers: tuple[ResolverStats, ...]


def _hours(d: ResolvedDispute) -> float:
    return (as_utc(d.resolved_at) - as_utc(d.created_at)).total_seconds() / 3600


def dispute_stats(disputes: Iterable[ResolvedDispute]) -> DisputeStats:
    """Statistics over the disputes; resolvers sorted by name. A resolved dispute needs a resolver and a time."""
    items = list(disputes)
    done = []
    for i, d in enumerate(items):
        if d.status not in STATUSES:
            raise DisputeRuleError(f"dispute {i}: status must be one of {', '.join(STATUSES)}, not {d.status!r}")
        if d.status != "open":
            if d.resolved_at is None or not d.resolver:
                raise DisputeRuleError(f"dispute {i}: a resolved dispute needs resolved_at and resolver")
            done.append(d)
    outcomes = {s: sum(d.status == s for d in done) for s in STATUSES[1:]}
    by_resolver: dict[str, list[ResolvedDispute]] = {}
    for d in done:
        by_resolver.setdefault(d.resolver, []).append(d)
    resolvers = tuple(ResolverStats(
        resolver=name, resolved=len(rows), outcomes={s: sum(d.status == s for d in rows) for s in STATUSES[1:]},
        median_hours=median(_hours(d) for d in rows)) for name, rows in sorted(by_resolver.items()))
    return DisputeStats(volume=len(items), open=len(items) - len(done), outcomes=outcomes,
                        median_hours=median(_hours(d) for d in done) if done else None, resolvers=resolvers)
