"""Consensus, a reviewer's alignment and leniency, and a whole calibration session, worked out by hand."""
import random

import pytest

from scoring.agreement import (Ratings, alignment, consensus, fleiss_kappa, icc_2_1, leniency, session_agreement)

POINTS = {"greeting": 10, "resolution": 30}
RATERS = ("bench", "ann", "bob")
ITEMS = ("c1", "c2")
CRITERIA = {
    "greeting": Ratings((("pass", "pass", "fail"), ("na", "na", "pass")), ITEMS, RATERS),
    "resolution": Ratings((("pass", "fail", "pass"), ("fail", "fail", None)), ITEMS, RATERS),
}
TOTALS = Ratings(((100, 25, 75), (0, 0, 100)), ITEMS, RATERS)


@pytest.mark.parametrize("rows, method, expected", [
    ([["pass", "pass", "fail"], ["na", "fail", None]], "majority", ("pass", None)),
    ([[None, None], ["fail", None]], "majority", (None, "fail")),
    ([[80, 90, None], [None, None, None]], "mean", (85.0, None)),
    ([[80, 90, 100, 10], [5, None, None, None]], "median", (85.0, 5.0)),
])
def test_consensus_is_the_majority_label_or_the_mean_or_median_and_none_on_a_tie_or_no_rating(rows, method, expected):
    assert consensus(Ratings.from_rows(rows), method) == expected


def test_consensus_of_an_empty_table_is_empty_and_an_unknown_method_is_refused():
    assert consensus(Ratings((), (), ("A", "B"))) == ()
    with pytest.raises(ValueError, match="method must be one of majority, mean, median"):
        consensus(Ratings.from_rows([[1, 2]]), "mode")


def test_alignment_is_one_minus_the_distance_per_criterion_weighted_by_points():
    points = {"greeting": 10, "resolution": 30, "closing": 10}
    own = {"greeting": 10, "resolution": 15, "closing": 0}
    benchmark = {"greeting": 10, "resolution": 30, "closing": 10}
    assert alignment(own, benchmark, points) == pytest.approx((10 * 1 + 30 * 0.5 + 10 * 0) / 50)
    assert alignment(benchmark, benchmark, points) == 1.0


@pytest.mark.parametrize("own, reference, expected", [
    ({"a": None, "b": 5}, {"a": None, "b": 5}, 1.0),     # both N/A: aligned
    ({"b": 5}, {"a": None, "b": 5}, 1.0),                # an absent criterion is N/A
    ({"a": 10, "b": 5}, {"a": None, "b": 5}, 0.5),       # N/A on one side only: not aligned
    ({"a": 0, "b": 0}, {"a": 10, "b": 10}, 0.0),
])
def test_alignment_counts_shared_na_as_aligned_and_one_sided_na_as_not(own, reference, expected):
    assert alignment(own, reference, {"a": 10, "b": 10}) == pytest.approx(expected)


def test_alignment_without_criteria_is_none():
    assert alignment({}, {}, {}) is None


@pytest.mark.parametrize("own, points, message", [
    ({"x": 1}, {"a": 10}, "own scores criteria that have no points: x"),
    ({"a": 11}, {"a": 10}, "criterion a: own score 11 is outside 0..10"),
    ({"a": -1}, {"a": 10}, "criterion a: own score -1 is outside 0..10"),
    ({"a": 1}, {"a": 0}, "criterion a: points must be greater than 0"),
])
def test_alignment_refuses_unknown_criteria_out_of_range_scores_and_non_positive_points(own, points, message):
    with pytest.raises(ValueError, match=message):
        alignment(own, {}, points)


def test_leniency_is_the_mean_offset_over_items_both_scored():
    estimate = leniency([80, 90, None, 70], [70, 95, 60, None])
    assert (estimate.value, estimate.n_items) == (2.5, 2)


def test_leniency_without_common_items_is_none_and_unequal_lengths_are_refused():
    assert "no item was scored by both" in leniency([None, 1], [2, None]).reason
    with pytest.raises(ValueError, match="2 own scores for 1 reference scores"):
        leniency([1, 2], [1])


def test_a_session_compares_each_reviewer_with_the_benchmark_who_is_not_listed():
    session = session_agreement(CRITERIA, TOTALS, POINTS, benchmark="bench")
    rows = {r.rater: (r.alignment, r.cells, r.leniency.value) for r in session.reviewers}
    # ann: greeting 10 + 10 (shared N/A), resolution 0 + 30 out of 80; bob: resolution c2 not rated.
    assert rows == {"ann": (pytest.approx(50 / 80), 4, -37.5), "bob": (pytest.approx(30 / 50), 3, 37.5)}
    assert session.reference == "bench"


def test_without_a_benchmark_reviewers_are_compared_with_the_majority_and_the_mean_total():
    session = session_agreement(CRITERIA, TOTALS, POINTS)
    rows = {r.rater: (r.alignment, r.cells, r.leniency.value) for r in session.reviewers}
    assert rows == {"bench": (1.0, 4, pytest.approx(0.0)), "ann": (pytest.approx(50 / 80), 4, pytest.approx(-37.5)),
                    "bob": (pytest.approx(30 / 50), 3, pytest.approx(37.5))}
    assert session.reference == "consensus"


def test_a_session_has_nominal_statistics_per_criterion_and_interval_ones_for_the_total():
    session = session_agreement(CRITERIA, TOTALS, POINTS)
    assert session.criteria["resolution"].fleiss_kappa == fleiss_kappa(CRITERIA["resolution"])
    assert session.total.icc == icc_2_1(TOTALS)
    doc = session.as_dict()
    assert set(doc["criteria"]) == {"greeting", "resolution"}
    assert doc["total"]["level"] == "interval" and doc["criteria"]["greeting"]["level"] == "nominal"
    assert [r["rater"] for r in doc["reviewers"]] == list(RATERS)


def test_items_where_the_majority_ties_are_left_out_of_the_alignment():
    criteria = {"greeting": Ratings((("pass", "fail"), ("pass", "pass")), ITEMS, ("A", "B"))}
    totals = Ratings(((50, 60), (70, 70)), ITEMS, ("A", "B"))
    session = session_agreement(criteria, totals, {"greeting": 5})
    assert [(r.alignment, r.cells) for r in session.reviewers] == [(1.0, 1), (1.0, 1)]


@pytest.mark.parametrize("criteria, points, benchmark, message", [
    (CRITERIA, {"greeting": 10}, None, "criteria and points must name the same criteria"),
    (CRITERIA, {"greeting": 10, "resolution": 0}, None, "criterion resolution: points must be greater than 0"),
    (CRITERIA, POINTS, "carol", "benchmark 'carol' is not one of the raters"),
    ({**CRITERIA, "greeting": Ratings((("pass", "yes", "fail"), ("na", "na", "pass")), ITEMS, RATERS)}, POINTS, None,
     "criterion greeting: results must be pass, fail or na, not 'yes'"),
    ({**CRITERIA, "greeting": Ratings((("pass",) * 3, ("na",) * 3), ("c1", "c9"), RATERS)}, POINTS, None,
     "criterion greeting: its items and raters differ from the totals table"),
])
def test_a_session_refuses_mismatched_tables_points_results_and_benchmarks(criteria, points, benchmark, message):
    with pytest.raises(ValueError, match=message):
        session_agreement(criteria, TOTALS, points, benchmark)


@pytest.mark.parametrize("seed", range(5))
def test_session_alignment_equals_the_points_weighted_mean_of_alignment_per_evaluation(seed):
    rng = random.Random(seed)
    points = {"a": 5, "b": 20, "c": 10}
    raters, items = ("r1", "r2", "r3", "r4"), tuple(f"i{i}" for i in range(15))
    criteria = {c: Ratings(tuple(tuple(rng.choice(["pass", "fail", "na"]) for _ in raters) for _ in items),
                           items, raters) for c in points}
    totals = Ratings(tuple(tuple(rng.uniform(0, 100) for _ in raters) for _ in items), items, raters)
    session = session_agreement(criteria, totals, points, benchmark="r1")
    earned = {"pass": 1.0, "fail": 0.0, "na": None}
    for reviewer in session.reviewers:
        scores = []
        for i in range(len(items)):
            own, ref = ({c: None if earned[t.values[i][t.rater_ids.index(r)]] is None
                         else points[c] * earned[t.values[i][t.rater_ids.index(r)]] for c, t in criteria.items()}
                        for r in (reviewer.rater, "r1"))
            scores.append(alignment(own, ref, points))
        assert reviewer.alignment == pytest.approx(sum(scores) / len(scores))
        assert reviewer.cells == len(items) * len(points)
