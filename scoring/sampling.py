"""Weekly review sampling: per-agent quotas, a stratified random share, risk-targeted picks, weighted reviewers."""
from __future__ import annotations

import math
import random
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Optional, Sequence

RANDOM = "random"
# Risk reasons with their severity: a critical failure outranks everything, a long silence least.
SEVERITY = {"critical_failure": 5, "low_score": 3, "negative_end_sentiment": 2, "low_csat": 2, "long_silence": 1}
REASONS = tuple(SEVERITY)
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


class SamplingError(ValueError):
    """Sampling cannot go ahead (bad settings, no reviewers, a malformed week); the message says why."""


@dataclass(frozen=True)
class Candidate:
    """An automatically scored, not yet human-reviewed conversation that may be picked."""

    conversation_id: int
    agent: str
    team: Optional[str]
    channel: str
    queue: Optional[str]
    auto_score: float
    auto_fail: bool = False
    end_sentiment: Optional[float] = None  # the customer's last turn, -1..1
    longest_silence: Optional[float] = None  # seconds
    csat: Optional[int] = None
    reviewed_by_human: bool = False

    @property
    def stratum(self) -> str:
        return f"{self.channel}/{self.queue or '-'}"


@dataclass(frozen=True)
class Reviewer:
    """A reviewer who may receive picks: `weight` is their relative share (0: none); `teams` the
    teams they cover (empty: every team). Conversations of agents in no team go to anyone."""

    login: str
    weight: float = 1.0
    teams: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not (isinstance(self.weight, (int, float)) and math.isfinite(self.weight) and self.weight >= 0):
            raise SamplingError(f"reviewer {self.login}: weight must be a number of 0 or more, not {self.weight!r}")

    def may_review(self, candidate: Candidate) -> bool:
        covered = not self.teams or candidate.team is None or candidate.team in self.teams
        return covered and self.weight > 0 and self.login != candidate.agent


@dataclass(frozen=True)
class SamplingSettings:
    quota_per_agent: int = 5
    random_share: float = 0.5
    low_score: float = 70.0  # an automatic score below this is a risk
    negative_end_sentiment: float = -0.3  # customer sentiment at the end below this
    long_silence: float = 30.0  # a silence (calls) or wait (chats) longer than this, seconds
    low_csat: int = 2  # CSAT at or below this

    def __post_init__(self) -> None:
        if isinstance(self.quota_per_agent, bool) or not isinstance(self.quota_per_agent, int) \
                or self.quota_per_agent < 0:
            raise SamplingError(f"quota_per_agent: must be a whole number of 0 or more, "
                                f"not {self.quota_per_agent!r}")
        if not 0.0 <= self.random_share <= 1.0:
            raise SamplingError(f"random_share: must be between 0 and 1, not {self.random_share!r}")


@dataclass(frozen=True)
class Pick:
    """One picked conversation: its reviewer, why it was picked and its (channel/queue) stratum."""

    conversation_id: int
    agent: str
    reviewer: str
    reasons: tuple[str, ...]
    stratum: str
    random: bool


def risk_reasons(candidate: Candidate, settings: SamplingSettings) -> tuple[str, ...]:
    """Every risk reason that applies to `candidate`, most severe first."""
    c, s = candidate, settings
    found = {
        "critical_failure": c.auto_fail,
        "low_score": c.auto_score < s.low_score,
        "negative_end_sentiment": c.end_sentiment is not None and c.end_sentiment < s.negative_end_sentiment,
        "low_csat": c.csat is not None and c.csat <= s.low_csat,
        "long_silence": c.longest_silence is not None and c.longest_silence > s.long_silence,
    }
    return tuple(reason for reason in REASONS if found[reason])


def pick_week(candidates: Iterable[Candidate], reviewers: Sequence[Reviewer], settings: SamplingSettings,
              rng: random.Random) -> list[Pick]:
    """Up to `quota_per_agent` picks per agent, each with a reviewer.

    Of an agent's quota, round(quota x random_share) (halves up) are drawn at random first,
    from all the agent's conversations, stratified by channel/queue in proportion to their
    sizes, so the random picks estimate the agent's average without bias. The rest are the
    riskiest remaining conversations (most reasons, then most severe, then lowest score);
    when too few are risky, more random picks fill the quota. Conversations a human already
    reviewed are never picked. The same inputs and rng seed give the same picks.
    Raises SamplingError when a pick has no reviewer (none given, all weights 0, or only
    the agent themself / reviewers not covering the agent's team).
    """
    pool = [c for c in candidates if not c.reviewed_by_human]
    _check_unique(pool)
    by_agent: dict[str, list[Candidate]] = {}
    for c in sorted(pool, key=lambda c: (c.agent, c.conversation_id)):
        by_agent.setdefault(c.agent, []).append(c)
    chosen: list[tuple[Candidate, tuple[str, ...], bool]] = []
    for agent in sorted(by_agent):
        chosen.extend(_pick_agent(by_agent[agent], settings, rng))
    return _assign(chosen, reviewers, rng)


def _check_unique(pool: list[Candidate]) -> None:
    repeated = sorted(cid for cid, n in Counter(c.conversation_id for c in pool).items() if n > 1)
    if repeated:
        raise SamplingError(f"conversation {repeated[0]} is a candidate more than once")


def _pick_agent(own: list[Candidate], settings: SamplingSettings,
                rng: random.Random) -> list[tuple[Candidate, tuple[str, ...], bool]]:
    wanted = min(settings.quota_per_agent, len(own))
    n_random = math.floor(wanted * settings.random_share + 0.5)
    drawn = stratified_draw(own, n_random, rng)
    drawn_ids = {c.conversation_id for c in drawn}
    rest = [c for c in own if c.conversation_id not in drawn_ids]
    risky = sorted(((c, risk_reasons(c, settings)) for c in rest if risk_reasons(c, settings)),
                   key=lambda pair: (-len(pair[1]), -sum(SEVERITY[r] for r in pair[1]),
                                     pair[0].auto_score, pair[0].conversation_id))
    targeted = risky[:wanted - n_random]
    taken = {c.conversation_id for c, _ in targeted}
    # Too few risky conversations: the quota is filled at random from what is left.
    filler = stratified_draw([c for c in rest if c.conversation_id not in taken],
                             wanted - n_random - len(targeted), rng)
    return ([(c, (RANDOM,), True) for c in drawn + filler]
            + [(c, reasons, False) for c, reasons in targeted])


def stratified_draw(pool: Sequence[Candidate], n: int, rng: random.Random) -> list[Candidate]:
    """`n` candidates drawn without replacement, each stratum getting its proportional share
    (largest remainders, ties broken at random)."""
    if n <= 0:
        return []
    strata: dict[str, list[Candidate]] = {}
    for c in pool:
        strata.setdefault(c.stratum, []).append(c)
    sizes = {name: len(members) for name, members in strata.items()}
    allocation = proportional_allocation(sizes, min(n, len(pool)), rng)
    drawn: list[Candidate] = []
    for name in sorted(strata):
        drawn.extend(rng.sample(strata[name], allocation[name]))
    return drawn


def proportional_allocation(sizes: dict[str, int], n: int, rng: random.Random) -> dict[str, int]:
    """How many of `n` draws each stratum gets: n x size / total, rounded by largest remainder."""
    total = sum(sizes.values())
    exact = {name: n * size / total for name, size in sizes.items()}
    counts = {name: math.floor(share) for name, share in exact.items()}
    order = sorted(sizes, key=lambda name: (-(exact[name] - counts[name]), rng.random()))
    for name in order[:n - sum(counts.values())]:
        counts[name] += 1
    return counts


def _assign(chosen: list[tuple[Candidate, tuple[str, ...], bool]], reviewers: Sequence[Reviewer],
            rng: random.Random) -> list[Pick]:
    """Each pick to the eligible reviewer furthest below their weighted share so far."""
    if chosen and not any(r.weight > 0 for r in reviewers):
        raise SamplingError("there are no reviewers to assign the picks to: add a user with the reviewer "
                            "role (or give one a weight above 0)")
    load = {r.login: 0 for r in reviewers}
    picks = []
    for candidate, reasons, is_random in chosen:
        eligible = [r for r in reviewers if r.may_review(candidate)]
        if not eligible:
            raise SamplingError(f"conversation {candidate.conversation_id} of {candidate.agent}: no reviewer "
                                f"may review it (nobody reviews their own conversations, and reviewers "
                                f"only get the teams they cover)")
        best = min(eligible, key=lambda r: ((load[r.login] + 1) / r.weight, rng.random()))
        load[best.login] += 1
        picks.append(Pick(candidate.conversation_id, candidate.agent, best.login, reasons,
                          candidate.stratum, is_random))
    return picks


def parse_week(week: str) -> tuple[date, date]:
    """(Monday, next Monday) of an ISO week written like 2026-W47; SamplingError otherwise."""
    match = _WEEK.match(week.strip()) if isinstance(week, str) else None
    if not match:
        raise SamplingError(f"week must look like 2026-W47 (ISO year, 'W', two-digit week), not {week!r}")
    try:
        monday = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise SamplingError(f"{week}: year {match.group(1)} has no week {match.group(2)}") from None
    return monday, monday + timedelta(days=7)


def week_of(day: date) -> str:
    """The ISO week containing `day`, written like 2026-W47."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
