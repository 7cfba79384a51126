"""Percent agreement, Cohen's and Fleiss' kappa and ICC(2,1) of a ratings table, vectorised with numpy."""
from __future__ import annotations

from typing import Iterator

import numpy as np

from scoring.agreement.model import Estimate, Ratings, undefined

NO_PAIRS = "no item has two or more ratings"
# Upper bound on the cells of one items x raters x raters block, to keep memory flat on large tables.
BLOCK_CELLS = 2_000_000


def category_counts(codes: np.ndarray, n_categories: int) -> np.ndarray:
    """Items x categories: how many raters put each item in each category (codes -1 = missing)."""
    n_items = codes.shape[0]
    present = codes >= 0
    flat = (np.arange(n_items)[:, None] * n_categories + codes)[present]
    counts = np.bincount(flat, minlength=n_items * n_categories)
    return counts.reshape(n_items, n_categories)


def unit_blocks(n_items: int, n_raters: int) -> Iterator[slice]:
    """Slices of items small enough that an items x raters x raters block stays under BLOCK_CELLS."""
    step = max(1, BLOCK_CELLS // max(1, n_raters * n_raters))
    for start in range(0, n_items, step):
        yield slice(start, min(n_items, start + step))


def percent_agreement(ratings: Ratings, tolerance: float = 0.0) -> Estimate:
    """Mean over items with two or more ratings of the share of agreeing rater pairs on that item.

    Missing ratings are left out of the pairs. With tolerance 0 ratings agree when equal; with a
    tolerance > 0 (numbers only) when they differ by at most `tolerance`. For two raters this is the
    share of co-rated items on which they agree.
    """
    if tolerance < 0:
        raise ValueError("tolerance must be zero or positive")
    if tolerance == 0:
        codes, categories = ratings.coded
        counts = category_counts(codes, len(categories))
        m = counts.sum(axis=1)
        usable = m >= 2
        if not usable.any():
            return undefined(NO_PAIRS)
        agreeing = (counts[usable] * (counts[usable] - 1)).sum(axis=1)
        shares = agreeing / (m[usable] * (m[usable] - 1))
        return Estimate(float(shares.mean()), int(usable.sum()))
    return _percent_within(ratings.numeric, tolerance)


def _percent_within(x: np.ndarray, tolerance: float) -> Estimate:
    shares = []
    off_diagonal = ~np.eye(x.shape[1], dtype=bool)
    for block in unit_blocks(*x.shape):
        a = x[block]
        valid = ~np.isnan(a[:, :, None]) & ~np.isnan(a[:, None, :]) & off_diagonal
        with np.errstate(invalid="ignore"):
            close = np.abs(a[:, :, None] - a[:, None, :]) <= tolerance + 1e-9 * tolerance
        pairs = valid.sum(axis=(1, 2))
        agreeing = (close & valid).sum(axis=(1, 2))
        shares.append(agreeing[pairs > 0] / pairs[pairs > 0])
    shares = np.concatenate(shares) if shares else np.array([])
    if shares.size == 0:
        return undefined(NO_PAIRS)
    return Estimate(float(shares.mean()), int(shares.size))


def cohen_kappa(ratings: Ratings) -> Estimate:
    """Cohen's (1960) unweighted kappa of exactly two raters, on the items both rated.

    kappa = (p_o - p_e) / (1 - p_e). Undefined (None with a reason) for other numbers of raters,
    without co-rated items, or when chance agreement is 1 (both raters used a single category).
    """
    if ratings.n_raters != 2:
        return undefined(f"Cohen's kappa is for two raters; this table has {ratings.n_raters}")
    codes, categories = ratings.coded
    both = (codes >= 0).all(axis=1)
    n = int(both.sum())
    if n == 0:
        return undefined("no item was rated by both raters")
    k = len(categories)
    return kappa_of_table(np.bincount(codes[both, 0] * k + codes[both, 1], minlength=k * k).reshape(k, k))


def kappa_of_table(counts: np.ndarray) -> Estimate:
    """Cohen's kappa of a k x k table of counts of co-rated items (rows: the first rater's category,
    columns: the second's, categories in Ratings.coded order): what cohen_kappa computes once it has
    counted, for callers that hold the counts rather than the items."""
    n = int(counts.sum())
    if n == 0:
        return undefined("no item was rated by both raters")
    table = counts / n
    p_o = float(np.trace(table))
    p_e = float(table.sum(axis=1) @ table.sum(axis=0))
    if 1.0 - p_e <= 1e-12:
        return undefined("no variation: both raters gave every item the same category", n)
    return Estimate((p_o - p_e) / (1.0 - p_e), n)


def fleiss_kappa(ratings: Ratings) -> Estimate:
    """Fleiss' (1971) kappa for any number of raters.

    On complete data this is Fleiss' formula. Items with missing ratings are kept when they have
    two or more ratings: each item's agreement P_i uses its own number of ratings m_i, and the
    category shares p_j are pooled over all ratings of those items (the usual extension to
    unequal numbers of raters). Items with fewer than two ratings are left out.
    """
    codes, categories = ratings.coded
    counts = category_counts(codes, len(categories))
    m = counts.sum(axis=1)
    usable = m >= 2
    if not usable.any():
        return undefined(NO_PAIRS)
    counts, m = counts[usable], m[usable]
    p_items = (counts * (counts - 1)).sum(axis=1) / (m * (m - 1))
    shares = counts.sum(axis=0) / m.sum()
    p_e = float(shares @ shares)
    n = int(usable.sum())
    if 1.0 - p_e <= 1e-12:
        return undefined("no variation: every rating is the same category", n)
    return Estimate((float(p_items.mean()) - p_e) / (1.0 - p_e), n)


def icc_2_1(ratings: Ratings) -> Estimate:
    """ICC(2,1) of Shrout & Fleiss (1979): two-way random effects, absolute agreement, single rater.

    Uses complete cases only (items every rater scored). ICC = (BMS - EMS) /
    (BMS + (k-1) EMS + k (JMS - EMS) / n). Undefined below two raters or two complete items, or
    when every score is the same.
    """
    x = ratings.numeric
    k = x.shape[1]
    if k < 2:
        return undefined(f"ICC needs two or more raters; this table has {k}")
    x = x[~np.isnan(x).any(axis=1)]
    n = x.shape[0]
    if n < 2:
        return undefined("ICC needs two or more items scored by every rater", n)
    grand = x.mean()
    ss_total = float(((x - grand) ** 2).sum())
    if ss_total <= 1e-12 * max(1.0, float((x ** 2).sum())):
        return undefined("no variation: every score is the same", n)
    ss_rows = k * float(((x.mean(axis=1) - grand) ** 2).sum())
    ss_cols = n * float(((x.mean(axis=0) - grand) ** 2).sum())
    bms = ss_rows / (n - 1)
    jms = ss_cols / (k - 1)
    ems = (ss_total - ss_rows - ss_cols) / ((n - 1) * (k - 1))
    return Estimate((bms - ems) / (bms + (k - 1) * ems + k * (jms - ems) / n), n)
