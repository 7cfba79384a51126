"""Calibration statistics speed: a generated 1,000-conversation x 10-reviewer session against a 1 s target.

Each reviewer gives pass/fail/na on 8 criteria (nominal) with their own accuracy and leniency, and
the total follows from the verdicts and the criteria's points (interval); ~2 % of verdicts and
1 % of totals are missing.
Times building the tables and computing every statistic (per criterion, total, reviewer alignment
and leniency), then prints the figures. Run: .venv/bin/python bench/calibration.py [--items 1000]
[--raters 10] [--repeat 3] [--benchmark]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoring.agreement import Ratings, session_agreement  # noqa: E402

TARGET_SECONDS = 1.0
POINTS = {"greeting": 5, "verification": 10, "empathy": 10, "policy": 20, "resolution": 25,
          "tone": 10, "next_steps": 10, "closing": 10}
LABELS = np.array(["pass", "fail", "na"], dtype=object)


def generate(items: int, raters: int, seed: int = 11) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """(criterion -> items x raters codes 0 pass / 1 fail / 2 na / -1 missing, items x raters totals)."""
    rng = np.random.default_rng(seed)
    accuracy = rng.uniform(0.75, 0.97, size=raters)
    lenient = rng.uniform(0.0, 0.3, size=raters)  # chance of passing a true fail
    codes = {}
    for name in POINTS:
        truth = rng.choice(3, size=(items, 1), p=[0.7, 0.2, 0.1])
        wrong = rng.random((items, raters)) > accuracy
        given = np.where(wrong, rng.integers(0, 3, size=(items, raters)), truth)
        given = np.where((given == 1) & (rng.random((items, raters)) < lenient), 0, given)
        codes[name] = np.where(rng.random((items, raters)) < 0.02, -1, given)
    return codes, _totals(codes)


def _totals(codes: dict[str, np.ndarray], seed: int = 12) -> np.ndarray:
    """100 x points passed / points applicable (an unrated criterion counts as N/A); 1 % missing."""
    earned = sum(POINTS[c] * (v == 0) for c, v in codes.items())
    applicable = sum(POINTS[c] * ((v == 0) | (v == 1)) for c, v in codes.items())
    with np.errstate(invalid="ignore", divide="ignore"):
        totals = np.where(applicable > 0, 100.0 * earned / applicable, 100.0)
    missing = np.random.default_rng(seed).random(totals.shape) < 0.01
    return np.where(missing, np.nan, totals.round(2))


def build(codes: dict[str, np.ndarray], totals: np.ndarray) -> tuple[dict[str, Ratings], Ratings]:
    items, raters = totals.shape
    item_ids = tuple(f"conv-{i:05d}" for i in range(items))
    rater_ids = tuple(f"reviewer-{r:02d}" for r in range(raters))
    tables = {}
    for name, v in codes.items():
        labels = np.where(v < 0, None, LABELS[np.clip(v, 0, 2)])
        tables[name] = Ratings(tuple(map(tuple, labels.tolist())), item_ids, rater_ids)
    return tables, Ratings.from_rows(totals, item_ids, rater_ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--raters", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3, help="Runs; the fastest is reported.")
    parser.add_argument("--benchmark", action="store_true", help="Compare reviewers with reviewer-00, not the consensus.")
    args = parser.parse_args()
    codes, totals = generate(args.items, args.raters)
    best_build = best_stats = float("inf")
    for _ in range(args.repeat):
        started = time.perf_counter()
        criteria, total_table = build(codes, totals)
        built = time.perf_counter()
        session = session_agreement(criteria, total_table, POINTS, "reviewer-00" if args.benchmark else None)
        done = time.perf_counter()
        best_build, best_stats = min(best_build, built - started), min(best_stats, done - built)
    report(session, args, best_build, best_stats)


def report(session, args, build_seconds: float, stats_seconds: float) -> None:
    print(f"{args.items} conversations x {args.raters} reviewers, {len(POINTS)} criteria + total, "
          f"reference: {session.reference}")
    print(f"{'criterion':<14}{'agree':>7}{'alpha':>7}{'fleiss':>8}")
    for name, s in session.criteria.items():
        print(f"{name:<14}{_f(s.percent_agreement.value):>7}{_f(s.krippendorff_alpha.value):>7}"
              f"{_f(s.fleiss_kappa.value):>8}")
    t = session.total
    print(f"{'total':<14}{_f(t.percent_agreement.value):>7}{_f(t.krippendorff_alpha.value):>7}"
          f"{'':>8}  ICC(2,1) {_f(t.icc.value)} on {t.icc.n_items} complete conversations")
    for r in session.reviewers:
        print(f"  {r.rater}: alignment {_f(r.alignment)}  leniency {r.leniency.value:+.2f} points")
    total = build_seconds + stats_seconds
    print(f"time: build tables {build_seconds:.3f} s + statistics {stats_seconds:.3f} s = {total:.3f} s "
          f"(best of {args.repeat}); {total / TARGET_SECONDS:.2f} x the {TARGET_SECONDS:.0f} s target")


def _f(value) -> str:
    return "-" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    main()
