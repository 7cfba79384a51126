"""All agreement statistics of one ratings table, and of a calibration session per criterion and total."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

import numpy as np

from scoring.agreement.alpha import krippendorff_alpha
from scoring.agreement.coefficients import cohen_kappa, fleiss_kappa, icc_2_1, percent_agreement
from scoring.agreement.model import LEVELS, Estimate, Ratings
from scoring.agreement.reviewers import consensus, leniency

RESULT_POINTS = {"pass": 1.0, "fail": 0.0, "na": None}


@dataclass(frozen=True)
class AgreementSummary:
    """Statistics of one table. Kappas are for nominal data (Cohen's only with two raters), ICC for
    interval and ratio data; a statistic that does not apply to the level is None."""

    level: str
    n_items: int
    n_raters: int
    n_ratings: int
    percent_agreement: Estimate
    krippendorff_alpha: Estimate
    cohen_kappa: Optional[Estimate] = None
    fleiss_kappa: Optional[Estimate] = None
    icc: Optional[Estimate] = None

    def estimates(self) -> dict[str, Estimate]:
        names = ("percent_agreement", "krippendorff_alpha", "cohen_kappa", "fleiss_kappa", "icc")
        return {name: getattr(self, name) for name in names if getattr(self, name) is not None}

    def as_dict(self) -> dict:
        """Flat JSON-ready document: each statistic's value, and per statistic items used and reasons."""
        estimates = self.estimates()
        doc = {"level": self.level, "n_items": self.n_items, "n_raters": self.n_raters,
               "n_ratings": self.n_ratings}
        doc.update({name: e.value for name, e in estimates.items()})
        doc["items_used"] = {name: e.n_items for name, e in estimates.items()}
        doc["undefined"] = {name: e.reason for name, e in estimates.items() if e.value is None}
        return doc


def summarise(ratings: Ratings, level: str = "nominal", tolerance: float = 0.0) -> AgreementSummary:
    """Percent agreement (within `tolerance` for numbers), alpha at `level`, and the kappas or ICC."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    nominal = level == "nominal"
    metric = level in ("interval", "ratio")
    return AgreementSummary(
        level=level, n_items=ratings.n_items, n_raters=ratings.n_raters, n_ratings=ratings.n_ratings,
        percent_agreement=percent_agreement(ratings, tolerance),
        krippendorff_alpha=krippendorff_alpha(ratings, level),
        cohen_kappa=cohen_kappa(ratings) if nominal and ratings.n_raters == 2 else None,
        fleiss_kappa=fleiss_kappa(ratings) if nominal else None,
        icc=icc_2_1(ratings) if metric else None)


@dataclass(frozen=True)
class ReviewerAlignment:
    """One reviewer against the reference: points-weighted alignment over every (item, criterion)
    both rated, and leniency as the mean offset of totals (positive = scores higher)."""

    rater: str
    alignment: Optional[float]
    cells: int
    leniency: Estimate

    def as_dict(self) -> dict:
        return {"rater": self.rater, "alignment": self.alignment, "cells": self.cells,
                "leniency": self.leniency.value, "leniency_items": self.leniency.n_items}


@dataclass(frozen=True)
class SessionAgreement:
    """A calibration session: per-criterion (nominal) and total (interval) statistics, and reviewers
    against `reference` (a benchmark rater's id, or "consensus")."""

    criteria: Mapping[str, AgreementSummary]
    total: AgreementSummary
    reference: str
    reviewers: tuple[ReviewerAlignment, ...]

    def as_dict(self) -> dict:
        return {"criteria": {c: s.as_dict() for c, s in self.criteria.items()}, "total": self.total.as_dict(),
                "reference": self.reference, "reviewers": [r.as_dict() for r in self.reviewers]}


def session_agreement(criteria: Mapping[str, Ratings], totals: Ratings, points: Mapping[str, float],
                      benchmark: Optional[str] = None) -> SessionAgreement:
    """Statistics of a calibration session where every rater reviewed the same items.

    `criteria` maps each criterion to its table of "pass" / "fail" / "na" (None = not rated);
    `totals` holds the total scores (interval). Every table has the same items and raters.
    Reviewers are compared with the `benchmark` rater (who is then not listed among them), or,
    without one, with the consensus: the majority verdict per criterion (items with a tie are
    left out) and the mean total. All raters, the benchmark included, count in the statistics.
    """
    _check_session(criteria, totals, points, benchmark)
    reference_results = {c: (table.column(benchmark) if benchmark else consensus(table, "majority"))
                         for c, table in criteria.items()}
    reference_totals = totals.column(benchmark) if benchmark else consensus(totals, "mean")
    reviewers = tuple(_reviewer(rater, criteria, reference_results, totals, reference_totals, points)
                      for rater in totals.rater_ids if rater != benchmark)
    return SessionAgreement(
        criteria={c: summarise(table, "nominal") for c, table in criteria.items()},
        total=summarise(totals, "interval"), reference=benchmark or "consensus", reviewers=reviewers)


def _reviewer(rater: str, criteria: Mapping[str, Ratings], reference: Mapping[str, tuple],
              totals: Ratings, reference_totals: tuple, points: Mapping[str, float]) -> ReviewerAlignment:
    """Vectorised alignment_terms over the items: both N/A aligns, one N/A does not, else 1 - |a - b|."""
    weighted = weight = 0.0
    cells = 0
    for criterion, table in criteria.items():
        own, ref = _shares(table.column(rater)), _shares(reference[criterion])
        rated = ~np.isnan(own) & ~np.isnan(ref)
        own, ref = own[rated], ref[rated]
        na_own, na_ref = own < 0, ref < 0
        share = np.where(na_own | na_ref, (na_own & na_ref).astype(float), 1.0 - np.abs(own - ref))
        weighted += points[criterion] * float(share.sum())
        weight += points[criterion] * int(rated.sum())
        cells += int(rated.sum())
    return ReviewerAlignment(rater, weighted / weight if weight else None, cells,
                             leniency(totals.column(rater), reference_totals))


def _shares(results: tuple) -> np.ndarray:
    """Share of the points earned per item: 1 pass, 0 fail, -1 N/A, NaN not rated."""
    return np.array([np.nan if r is None else -1.0 if RESULT_POINTS[r] is None else RESULT_POINTS[r]
                     for r in results], dtype=float)


def _check_session(criteria: Mapping[str, Ratings], totals: Ratings, points: Mapping[str, float],
                   benchmark: Optional[str]) -> None:
    if set(criteria) != set(points):
        raise ValueError("criteria and points must name the same criteria")
    for name, maximum in points.items():
        if not maximum > 0:
            raise ValueError(f"criterion {name}: points must be greater than 0, not {maximum!r}")
    if benchmark is not None and benchmark not in totals.rater_ids:
        raise ValueError(f"benchmark {benchmark!r} is not one of the raters")
    for name, table in criteria.items():
        if table.rater_ids != totals.rater_ids or table.item_ids != totals.item_ids:
            raise ValueError(f"criterion {name}: its items and raters differ from the totals table")
        bad = {v for row in table.values for v in row if v is not None and v not in RESULT_POINTS}
        if bad:
            raise ValueError(f"criterion {name}: results must be pass, fail or na, not "
                             f"{', '.join(sorted(map(repr, bad)))}")
