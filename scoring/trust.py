"""Trusted automation: how well a criterion's automatic result agrees with reviewers, and better check thresholds."""
from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Mapping, Optional, Sequence

import numpy as np

from scoring.agreement import Ratings, cohen_kappa
from scoring.agreement.coefficients import kappa_of_table
from scoring.result import RESULTS

RATERS = ("automatic", "human")
DIRECTIONS = ("at_least", "at_most")  # the check passes when the value is at least / at most the threshold
TRUST_CODES = ("trusted", "too_few", "kappa_undefined", "kappa_low")
MAX_CANDIDATES = 200  # thresholds tried at most; more distinct values are thinned to evenly spaced ones


@dataclass(frozen=True)
class CriterionAgreement:
    """Agreement of automatic and human results over `n` paired items.

    `confusion[i][j]` counts items the automatic scorer rated RESULTS[i] and the human RESULTS[j]
    (pass, fail, na). `accuracy` is the share of equal results; `kappa` is Cohen's kappa, None
    with `kappa_reason` when it is undefined (no items, or both sides used one result only).
    """

    n: int
    accuracy: Optional[float]
    kappa: Optional[float]
    kappa_reason: str
    confusion: tuple[tuple[int, ...], ...]

    def confusion_rows(self) -> list[tuple[str, tuple[int, ...]]]:
        """(automatic result, counts by human result) in RESULTS order, for tables."""
        return list(zip(RESULTS, self.confusion))


@dataclass(frozen=True)
class Trust:
    """Whether a criterion's automatic result may count without a review, and why in plain English.

    `code` names the rule that decided, for translated messages: TRUST_CODES.
    """

    trusted: bool
    reason: str
    code: str


def _checked_pairs(pairs: Iterable[Sequence[str]]) -> list[tuple[str, str]]:
    checked = []
    for i, pair in enumerate(pairs):
        if len(pair) != 2:
            raise ValueError(f"pairs[{i}]: expected (automatic, human), got {len(pair)} values")
        for side, value in zip(RATERS, pair):
            if value not in RESULTS:
                raise ValueError(f"pairs[{i}] {side}: result must be one of {', '.join(RESULTS)}, not {value!r}")
        checked.append((pair[0], pair[1]))
    return checked


def criterion_agreement(pairs: Iterable[Sequence[str]]) -> CriterionAgreement:
    """Statistics of (automatic result, human result) pairs, each "pass", "fail" or "na"."""
    checked = _checked_pairs(pairs)
    index = {r: k for k, r in enumerate(RESULTS)}
    confusion = [[0] * len(RESULTS) for _ in RESULTS]
    for auto, human in checked:
        confusion[index[auto]][index[human]] += 1
    n = len(checked)
    table = tuple(tuple(row) for row in confusion)
    if n == 0:
        return CriterionAgreement(0, None, None, "no reviewed items", table)
    accuracy = sum(confusion[k][k] for k in range(len(RESULTS))) / n
    estimate = cohen_kappa(Ratings.from_rows(checked, rater_ids=RATERS))
    return CriterionAgreement(n, accuracy, estimate.value, estimate.reason, table)


def agreement_of_counts(counts: Mapping[tuple[str, str], int]) -> CriterionAgreement:
    """criterion_agreement of the pairs `counts` counts ({(automatic, human): how many}), without
    listing them: the same confusion table and the same kappa computation on it."""
    index = {r: k for k, r in enumerate(RESULTS)}
    confusion = [[0] * len(RESULTS) for _ in RESULTS]
    for pair, number in counts.items():
        _checked_pairs([pair])
        if isinstance(number, bool) or not isinstance(number, int) or number < 0:
            raise ValueError(f"count of {pair}: must be a whole number >= 0, not {number!r}")
        confusion[index[pair[0]]][index[pair[1]]] += number
    n = sum(map(sum, confusion))
    table = tuple(tuple(row) for row in confusion)
    if n == 0:
        return CriterionAgreement(0, None, None, "no reviewed items", table)
    accuracy = sum(confusion[k][k] for k in range(len(RESULTS))) / n
    used = sorted({r for pair, number in counts.items() if number for r in pair})  # as Ratings.coded sorts them
    coded = np.array([[confusion[index[a]][index[h]] for h in used] for a in used], dtype=np.int64)
    estimate = kappa_of_table(coded)
    return CriterionAgreement(n, accuracy, estimate.value, estimate.reason, table)


def is_trusted(stats: CriterionAgreement, min_kappa: float = 0.6, min_n: int = 30) -> Trust:
    """Trusted when at least `min_n` items were reviewed and kappa is at least `min_kappa`."""
    if stats.n < min_n:
        return Trust(False, f"only {stats.n} reviews, needs {min_n}", "too_few")
    if stats.kappa is None:
        return Trust(False, f"kappa undefined: {stats.kappa_reason}", "kappa_undefined")
    if stats.kappa < min_kappa:
        shown = f"{stats.kappa:.2f}" if round(stats.kappa, 2) < min_kappa else f"{stats.kappa:.4f}"
        return Trust(False, f"kappa {shown} < {min_kappa:g}", "kappa_low")
    return Trust(True, f"kappa {stats.kappa:.2f} over {stats.n} reviews ≥ {min_kappa:g} over {min_n}", "trusted")


@dataclass(frozen=True)
class ThresholdOption:
    """What a threshold would give over the items: `n` items compared, accuracy and kappa (None when undefined)."""

    threshold: float
    n: int
    accuracy: Optional[float]
    kappa: Optional[float]

    def rank(self) -> tuple[float, float]:
        """(kappa, accuracy) for comparing options. An undefined kappa counts as perfect when every
        item agrees (both sides gave one and the same result), else as the worst."""
        accuracy = -math.inf if self.accuracy is None else self.accuracy
        if self.kappa is not None:
            return self.kappa, accuracy
        return (1.0 if accuracy == 1.0 else -math.inf), accuracy


@dataclass(frozen=True)
class ThresholdSuggestion:
    """The current threshold and the one that agrees best with the reviewers (maybe the same)."""

    direction: str
    current: ThresholdOption
    suggested: ThresholdOption

    @property
    def improves(self) -> bool:
        """Whether the suggested threshold agrees better than the current one."""
        return self.suggested.rank() > self.current.rank()


def _checked_items(items: Iterable[Sequence], direction: str) -> list[tuple[float, str]]:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    kept = []
    for i, item in enumerate(items):
        if len(item) != 2:
            raise ValueError(f"items[{i}]: expected (measured value, human result), got {len(item)} values")
        value, human = item
        if human not in RESULTS:
            raise ValueError(f"items[{i}] human: result must be one of {', '.join(RESULTS)}, not {human!r}")
        if value is None or human == "na":
            continue  # no threshold can turn a missing value or an N/A verdict into pass or fail
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"items[{i}] value: {value!r} is not a finite number")
        kept.append((float(value), human))
    return kept


def threshold_option(items: Sequence[tuple[float, str]], threshold: float, direction: str) -> ThresholdOption:
    """Agreement with the human pass/fail if the check passed values at least (or at most) `threshold`."""
    predicted = Counter((("pass" if (v >= threshold if direction == "at_least" else v <= threshold) else "fail"), human)
                        for v, human in items)  # counted: the same statistics as listing the pairs, far faster
    stats = agreement_of_counts(predicted)
    return ThresholdOption(threshold, stats.n, stats.accuracy, stats.kappa)


class _SortedItems:
    """Items' values sorted per human result, so that a threshold's counts are two bisections:
    threshold_option's figures in O(log n) per threshold instead of a pass over every item."""

    def __init__(self, items: Sequence[tuple[float, str]]):
        self.values = {human: sorted(v for v, h in items if h == human) for human in {h for _, h in items}}

    def option(self, threshold: float, direction: str) -> ThresholdOption:
        counts = {}
        for human, values in self.values.items():
            # at_least passes v >= threshold (those from bisect_left on); at_most v <= threshold (up to bisect_right)
            passed = (len(values) - bisect_left(values, threshold) if direction == "at_least"
                      else bisect_right(values, threshold))
            counts.update({("pass", human): passed, ("fail", human): len(values) - passed})
        stats = agreement_of_counts({pair: n for pair, n in counts.items() if n})
        return ThresholdOption(threshold, stats.n, stats.accuracy, stats.kappa)


def _candidates(values: list[float]) -> list[float]:
    distinct = sorted(set(values))
    if len(distinct) <= MAX_CANDIDATES:
        return distinct
    step = (len(distinct) - 1) / (MAX_CANDIDATES - 1)
    return sorted({distinct[round(k * step)] for k in range(MAX_CANDIDATES)})


def suggest_threshold(items: Iterable[Sequence], current: float, direction: str) -> ThresholdSuggestion:
    """The threshold that maximises kappa (then accuracy) against the human results (see
    ThresholdOption.rank for an undefined kappa).

    `items` are (measured value, human result). Items without a value or with a human N/A are left
    out. Candidates are the measured values themselves; on a tie the one nearest `current` wins, and
    the current threshold stays suggested unless another agrees strictly better.
    """
    kept = _checked_items(items, direction)
    sorted_items = _SortedItems(kept)
    now = sorted_items.option(float(current), direction)
    best = now
    for candidate in _candidates([v for v, _ in kept]):
        option = sorted_items.option(candidate, direction)
        closer = abs(candidate - current) < abs(best.threshold - current)
        if option.rank() > best.rank() or (option.rank() == best.rank() and closer and best is not now):
            best = option
    return ThresholdSuggestion(direction, now, best)
