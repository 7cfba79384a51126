"""Whether a course works: for each agent who completed it, their k final evaluations before the
assignment against their first k after completing it (paired), on the total score and on the
pass rate of the criteria that triggered the assignment; the mean change with its confidence
interval (training.certainty); the quiz scores' spread; completion on time.

The triggering criteria of an assignment are those that failed in the evaluation that triggered
it; for an assignment made by hand (no evaluation), the course's topics. A criterion's pass rate
over some evaluations counts its pass and fail results (N/A left out), in percent.

A course is flagged when at least `min_n` agents have both sides and the interval of the change in
the triggering criteria's pass rate includes 0: its criteria did not move.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Mapping, Optional, Sequence

from training.certainty import mean_interval


@dataclass(frozen=True)
class Scored:
    """One final evaluation of the agent: when the conversation happened, its total, each criterion's result."""

    at: datetime
    score: float
    results: Mapping[str, str]  # criterion id -> pass | fail | na


@dataclass(frozen=True)
class Completion:
    """A completed assignment with what the comparison needs: the triggering criteria and all the
    agent's final evaluations (any order)."""

    assignment_id: int
    agent: str
    assigned_at: datetime
    completed_at: datetime
    due_at: datetime
    criteria: tuple[str, ...]
    evaluations: tuple[Scored, ...]


@dataclass(frozen=True)
class Pair:
    """One agent's before and after: mean totals, and pass rates of the triggering criteria (None:
    none of them applied on that side)."""

    assignment_id: int
    agent: str
    score_before: float
    score_after: float
    rate_before: Optional[float]
    rate_after: Optional[float]

    @property
    def score_change(self) -> float:
        return self.score_after - self.score_before

    @property
    def rate_change(self) -> Optional[float]:
        if self.rate_before is None or self.rate_after is None:
            return None
        return self.rate_after - self.rate_before


@dataclass(frozen=True)
class Change:
    """The mean of paired changes over n agents, with its confidence interval (None below two pairs)."""

    n: int
    mean: Optional[float]
    low: Optional[float]
    high: Optional[float]

    @property
    def includes_zero(self) -> bool:
        return self.low is not None and self.low <= 0.0 <= self.high


@dataclass(frozen=True)
class Spread:
    """Quiz scores of the graded attempts: how many, mean, min, quartiles, max (None when none)."""

    n: int
    mean: Optional[float] = None
    minimum: Optional[float] = None
    q1: Optional[float] = None
    median: Optional[float] = None
    q3: Optional[float] = None
    maximum: Optional[float] = None


@dataclass(frozen=True)
class CourseEffect:
    code: str
    completed: int
    on_time: int
    waiting: int  # completed, but fewer than k evaluations on one side so far
    pairs: tuple[Pair, ...]
    score: Change
    criteria: Change
    quiz: Spread
    flagged: bool


def pass_rate(evaluations: Iterable[Scored], criteria: Iterable[str]) -> Optional[float]:
    """Percent of pass among the pass and fail results of `criteria` in `evaluations`; None if none applied."""
    wanted = set(criteria)
    results = [r for ev in evaluations for c, r in ev.results.items() if c in wanted and r in ("pass", "fail")]
    return 100.0 * results.count("pass") / len(results) if results else None


def pair_of(c: Completion, k: int) -> Optional[Pair]:
    """The agent's last k evaluations before the assignment and first k after completion; None
    when either side has fewer than k."""
    ordered = sorted(c.evaluations, key=lambda e: e.at)
    before = [e for e in ordered if e.at < c.assigned_at][-k:]
    after = [e for e in ordered if e.at > c.completed_at][:k]
    if len(before) < k or len(after) < k:
        return None
    return Pair(c.assignment_id, c.agent, statistics.fmean(e.score for e in before),
                statistics.fmean(e.score for e in after), pass_rate(before, c.criteria), pass_rate(after, c.criteria))


def change(values: Sequence[float], confidence: float = 0.95) -> Change:
    interval = mean_interval(values, confidence)
    return Change(interval.n, interval.mean, interval.low, interval.high)


def spread(scores: Iterable[float]) -> Spread:
    data = sorted(float(s) for s in scores)
    if not data:
        return Spread(0)
    q1, median, q3 = statistics.quantiles(data, n=4, method="inclusive") if len(data) > 1 else (data[0],) * 3
    return Spread(len(data), statistics.fmean(data), data[0], q1, median, q3, data[-1])


def course_effect(code: str, completions: Sequence[Completion], quiz_scores: Iterable[float], k: int = 3,
                  min_n: int = 5, confidence: float = 0.95) -> CourseEffect:
    """The course's figures from its completed assignments (see the module docstring)."""
    if k < 1 or min_n < 2:
        raise ValueError(f"k must be >= 1 and min_n >= 2, not k={k!r}, min_n={min_n!r}")
    pairs = tuple(p for p in (pair_of(c, k) for c in completions) if p is not None)
    criteria = change([p.rate_change for p in pairs if p.rate_change is not None], confidence)
    return CourseEffect(
        code, len(completions), sum(c.completed_at <= c.due_at for c in completions), len(completions) - len(pairs),
        pairs, change([p.score_change for p in pairs], confidence), criteria, spread(quiz_scores),
        flagged=criteria.n >= min_n and criteria.includes_zero)
