"""Consensus of the raters, and a reviewer's alignment with and offset from a benchmark or the consensus."""
from __future__ import annotations

import math
from typing import Mapping, Optional, Sequence

import numpy as np

from scoring.agreement.coefficients import category_counts
from scoring.agreement.model import Estimate, Ratings, Value, undefined

CONSENSUS_METHODS = ("majority", "mean", "median")


def consensus(ratings: Ratings, method: str = "majority") -> tuple[Optional[Value], ...]:
    """Each item's consensus rating: None when the item has no rating.

    "majority" (nominal): the most frequent label, None on a tie for first place.
    "mean" / "median" (numbers): the mean or median of the item's ratings.
    """
    if method not in CONSENSUS_METHODS:
        raise ValueError(f"method must be one of {', '.join(CONSENSUS_METHODS)}, not {method!r}")
    if method == "majority":
        return _majority(ratings)
    x = ratings.numeric
    present = ~np.isnan(x)
    out = []
    for row, mask in zip(x, present):
        if not mask.any():
            out.append(None)
        else:
            out.append(float(np.mean(row[mask]) if method == "mean" else np.median(row[mask])))
    return tuple(out)


def _majority(ratings: Ratings) -> tuple[Optional[Value], ...]:
    codes, categories = ratings.coded
    counts = category_counts(codes, len(categories))
    if not categories:
        return (None,) * ratings.n_items
    top = counts.max(axis=1)
    ties = (counts == top[:, None]).sum(axis=1) > 1
    winners = counts.argmax(axis=1)
    return tuple(None if t == 0 or tie else categories[w] for t, tie, w in zip(top, ties, winners))


def alignment_terms(own: Mapping[str, Optional[float]], reference: Mapping[str, Optional[float]],
                    points: Mapping[str, float]) -> tuple[float, float]:
    """(sum of points x per-criterion alignment, sum of points) over the criteria in `points`.

    Values are points earned (0..points), None for N/A; a criterion absent from a mapping is N/A.
    A criterion both sides marked N/A is aligned (1); N/A on one side only is not aligned (0).
    """
    for name, given in (("own", own), ("reference", reference)):
        unknown = sorted(set(given) - set(points))
        if unknown:
            raise ValueError(f"{name} scores criteria that have no points: {', '.join(unknown)}")
    weighted = weight = 0.0
    for criterion, maximum in points.items():
        if not maximum > 0:
            raise ValueError(f"criterion {criterion}: points must be greater than 0, not {maximum!r}")
        a, b = own.get(criterion), reference.get(criterion)
        for label, v in (("own", a), ("reference", b)):
            if v is not None and not 0 <= v <= maximum:
                raise ValueError(f"criterion {criterion}: {label} score {v!r} is outside 0..{maximum}")
        if a is None or b is None:
            share = 1.0 if a is None and b is None else 0.0
        else:
            share = 1.0 - abs(a - b) / maximum
        weighted += maximum * share
        weight += maximum
    return weighted, weight


def alignment(own: Mapping[str, Optional[float]], reference: Mapping[str, Optional[float]],
              points: Mapping[str, float]) -> Optional[float]:
    """One evaluation's alignment with a reference: points-weighted mean of 1 - |own - ref| / points.

    1 is full agreement, 0 the most distant possible. None when `points` is empty. See
    alignment_terms for N/A handling.
    """
    weighted, weight = alignment_terms(own, reference, points)
    return weighted / weight if weight else None


def leniency(own: Sequence[Optional[float]], reference: Sequence[Optional[float]]) -> Estimate:
    """Mean offset own - reference over the items both scored: above 0 is lenient, below 0 strict."""
    if len(own) != len(reference):
        raise ValueError(f"{len(own)} own scores for {len(reference)} reference scores")
    offsets = [a - b for a, b in zip(own, reference)
               if a is not None and b is not None and not (math.isnan(a) or math.isnan(b))]
    if not offsets:
        return undefined("no item was scored by both the reviewer and the reference")
    return Estimate(sum(offsets) / len(offsets), len(offsets))
