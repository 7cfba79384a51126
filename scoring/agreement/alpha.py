"""Krippendorff's alpha at the nominal, ordinal, interval and ratio levels, with missing ratings."""
from __future__ import annotations

import numpy as np

from scoring.agreement.coefficients import NO_PAIRS, category_counts, unit_blocks
from scoring.agreement.model import LEVELS, Estimate, Ratings, undefined

NO_VARIATION = "no variation: every rating of the items with two or more ratings is the same value"


def krippendorff_alpha(ratings: Ratings, level: str = "nominal") -> Estimate:
    """Krippendorff's alpha = 1 - (n - 1) * sum of o_ck d2_ck / sum of n_c n_k d2_ck.

    Follows Krippendorff (2011), "Computing Krippendorff's alpha-reliability": only items with two
    or more ratings ("pairable values") count; missing ratings are allowed. Nominal works on any
    labels; ordinal, interval and ratio need numbers (ordinal ranks by numeric order; ratio needs
    values >= 0). The observed disagreement is summed over the rater pairs within each item (no
    pairs-of-pairs loop in Python), the expected one from the pooled values. Returns None with a
    reason when no item has two ratings or there is no variation (the expected disagreement is 0).
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    if level == "nominal":
        observed, expected, n, items = _nominal(ratings)
    else:
        x = ratings.numeric
        x = x[(~np.isnan(x)).sum(axis=1) >= 2]
        if level == "ratio" and (x < 0).any():
            raise ValueError("the ratio level needs values of zero or more")
        if level == "ordinal":
            x = _ordinal_positions(x)
        metric = _ratio if level == "ratio" else None
        observed, expected, n, items = _metric(x, metric)
    if items == 0:
        return undefined(NO_PAIRS)
    if expected <= 1e-12 * max(1.0, observed):
        return undefined(NO_VARIATION, items)
    return Estimate(1.0 - (n - 1) * observed / expected, items)


def _nominal(ratings: Ratings) -> tuple[float, float, int, int]:
    """(observed, expected disagreement sums, pairable values n, items) with d2 = 1 for unequal labels."""
    codes, categories = ratings.coded
    counts = category_counts(codes, len(categories))
    m = counts.sum(axis=1)
    counts, m = counts[m >= 2], m[m >= 2]
    if m.size == 0:
        return 0.0, 0.0, 0, 0
    # Ordered pairs within an item with different labels: m^2 - sum over labels of n_uc^2.
    observed = float((((m ** 2) - (counts ** 2).sum(axis=1)) / (m - 1)).sum())
    n = int(m.sum())
    totals = counts.sum(axis=0)
    return observed, float(n * n - (totals ** 2).sum()), n, int(m.size)


def _ordinal_positions(x: np.ndarray) -> np.ndarray:
    """Replace each value by its mid-rank position among the pairable values.

    Krippendorff's ordinal d_ck = sum of n_g for g from c to k minus (n_c + n_k) / 2, which equals
    |pos_k - pos_c| with pos_c = (n of values up to and including c) - n_c / 2; so ordinal alpha is
    interval alpha on these positions.
    """
    present = ~np.isnan(x)
    values, inverse, counts = np.unique(x[present], return_inverse=True, return_counts=True)
    positions = np.cumsum(counts) - counts / 2.0
    out = np.full(x.shape, np.nan)
    out[present] = positions[inverse]
    return out


def _metric(x: np.ndarray, metric) -> tuple[float, float, int, int]:
    """Sums for numeric levels; metric None is the interval d2 = (c - k)^2 in closed form."""
    present = ~np.isnan(x)
    m = present.sum(axis=1)
    if m.size == 0:
        return 0.0, 0.0, 0, 0
    n = int(m.sum())
    if metric is None:
        # Sum over ordered pairs i != j of (x_i - x_j)^2 = 2 m * sum of squared deviations.
        deviations = np.nansum((x - np.nanmean(x, axis=1)[:, None]) ** 2, axis=1)
        observed = float((2 * m * deviations / (m - 1)).sum())
        pooled = x[present]
        expected = float(2 * n * ((pooled - pooled.mean()) ** 2).sum())
        return observed, expected, n, int(m.size)
    return _observed_pairs(x, m, metric), _expected_pairs(x[present], metric), n, int(m.size)


def _observed_pairs(x: np.ndarray, m: np.ndarray, metric) -> float:
    total = 0.0
    for block in unit_blocks(*x.shape):
        a = x[block]
        d2 = metric(a[:, :, None], a[:, None, :])
        total += float((np.nansum(d2, axis=(1, 2)) / (m[block] - 1)).sum())
    return total


def _expected_pairs(pooled: np.ndarray, metric) -> float:
    values, counts = np.unique(pooled, return_counts=True)
    counts = counts.astype(float)
    step = max(1, 4_000_000 // max(1, values.size))
    total = 0.0
    for start in range(0, values.size, step):
        d2 = metric(values[start:start + step, None], values[None, :])
        total += float(counts[start:start + step] @ d2 @ counts)
    return total


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Krippendorff's ratio d2 = ((c - k) / (c + k))^2, with 0 for two zeros."""
    total = a + b
    with np.errstate(invalid="ignore", divide="ignore"):
        d2 = ((a - b) / total) ** 2
    return np.where(total == 0, np.where(np.isnan(total), np.nan, 0.0), d2)
