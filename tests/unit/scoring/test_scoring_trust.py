"""Trusted automation maths: agreement of automatic and human results, the trust rule, threshold suggestions."""
from __future__ import annotations

import pytest

from scoring.trust import (CriterionAgreement, ThresholdOption, criterion_agreement, is_trusted, suggest_threshold,
                           threshold_option)

P, F, N = "pass", "fail", "na"

# 20 agree on pass, 15 on fail, 1 on N/A; 3 automatic passes the human failed, 2 the other way.
# p_o = 36/41; p_e = (23*22 + 17*18 + 1*1) / 41^2 = 813/1681; kappa = (36*41 - 813) / (1681 - 813) = 663/868.
WORKED = [(P, P)] * 20 + [(F, F)] * 15 + [(P, F)] * 3 + [(F, P)] * 2 + [(N, N)]


def test_a_worked_example_gives_accuracy_kappa_and_the_confusion_matrix():
    stats = criterion_agreement(WORKED)
    assert stats.n == 41
    assert stats.accuracy == pytest.approx(36 / 41)
    assert stats.kappa == pytest.approx(663 / 868)
    assert stats.confusion == ((20, 3, 0), (2, 15, 0), (0, 0, 1))
    assert stats.confusion_rows()[1] == ("fail", (2, 15, 0))


@pytest.mark.parametrize("pairs, accuracy, kappa, reason", [
    ([], None, None, "no reviewed items"),
    ([(P, P)] * 4, 1.0, None, "no variation: both raters gave every item the same category"),
    ([(P, F), (F, P)], 0.0, -1.0, ""),
    ([(P, P), (F, F), (N, N)], 1.0, 1.0, ""),
    ([(P, P), (P, F)], 0.5, 0.0, ""),  # the automatic side never varies: p_e = p_o
])
def test_edge_tables_give_their_accuracy_and_kappa_or_a_reason(pairs, accuracy, kappa, reason):
    stats = criterion_agreement(pairs)
    assert stats.accuracy == (None if accuracy is None else pytest.approx(accuracy))
    assert stats.kappa == (None if kappa is None else pytest.approx(kappa))
    assert stats.kappa_reason == reason


@pytest.mark.parametrize("pairs, message", [
    ([(P, "yes")], r"pairs\[0\] human: result must be one of pass, fail, na, not 'yes'"),
    ([(P, P), (None, P)], r"pairs\[1\] automatic: result must be one of"),
    ([(P, P, P)], r"pairs\[0\]: expected \(automatic, human\), got 3 values"),
])
def test_a_bad_pair_is_named_by_position_and_side(pairs, message):
    with pytest.raises(ValueError, match=message):
        criterion_agreement(pairs)


def stats(n: int, kappa, reason: str = "") -> CriterionAgreement:
    return CriterionAgreement(n, 0.9, kappa, reason, ((0, 0, 0),) * 3)


@pytest.mark.parametrize("given, min_kappa, min_n, trusted, reason, code", [
    (stats(41, 0.72), 0.6, 30, True, "kappa 0.72 over 41 reviews ≥ 0.6 over 30", "trusted"),
    (stats(30, 0.6), 0.6, 30, True, "kappa 0.60 over 30 reviews ≥ 0.6 over 30", "trusted"),  # limits included
    (stats(29, 0.95), 0.6, 30, False, "only 29 reviews, needs 30", "too_few"),
    (stats(12, None, "no reviewed items"), 0.6, 30, False, "only 12 reviews, needs 30", "too_few"),
    (stats(50, 0.41), 0.6, 30, False, "kappa 0.41 < 0.6", "kappa_low"),
    (stats(50, 0.5999), 0.6, 30, False, "kappa 0.5999 < 0.6", "kappa_low"),  # not rounded up
    (stats(50, None, "no variation"), 0.6, 30, False, "kappa undefined: no variation", "kappa_undefined"),
    (stats(10, 0.8), 0.75, 10, True, "kappa 0.80 over 10 reviews ≥ 0.75 over 10", "trusted"),
])
def test_a_criterion_is_trusted_only_with_enough_reviews_and_kappa(given, min_kappa, min_n, trusted, reason, code):
    verdict = is_trusted(given, min_kappa=min_kappa, min_n=min_n)
    assert (verdict.trusted, verdict.reason, verdict.code) == (trusted, reason, code)


# End-customer polarity and the reviewer's verdict: the reviewers fail everything below 0.
SENTIMENT = [(-0.6, F), (-0.4, F), (-0.2, F), (-0.1, F), (0.0, P), (0.1, P), (0.3, P), (0.5, P)]


def test_a_too_lenient_sentiment_threshold_gets_the_one_that_matches_the_reviewers():
    suggestion = suggest_threshold(SENTIMENT, current=-0.3, direction="at_least")
    assert suggestion.current == ThresholdOption(-0.3, 8, 0.75, pytest.approx(0.5))
    assert suggestion.suggested == ThresholdOption(0.0, 8, 1.0, 1.0)
    assert suggestion.improves


def test_a_threshold_that_already_agrees_best_stays_suggested():
    suggestion = suggest_threshold(SENTIMENT, current=-0.05, direction="at_least")
    assert suggestion.suggested == suggestion.current and suggestion.suggested.threshold == -0.05
    assert not suggestion.improves


def test_items_without_a_value_or_with_a_human_na_are_left_out():
    items = SENTIMENT + [(None, P), (0.4, N)]
    assert suggest_threshold(items, current=-0.3, direction="at_least").current.n == 8


# First response seconds: reviewers fail waits over 60 s; the scorecard allows 30 s.
TIMING = [(5, P), (20, P), (28, P), (45, P), (50, P), (59, P), (61, F), (90, F), (200, F), (35, F)]


def test_a_too_strict_timing_limit_gets_a_longer_one():
    suggestion = suggest_threshold(TIMING, current=30, direction="at_most")
    assert suggestion.current.accuracy == pytest.approx(0.7)
    assert suggestion.suggested.threshold == 59.0
    assert suggestion.suggested.accuracy == pytest.approx(0.9)
    assert suggestion.suggested.kappa > suggestion.current.kappa


def test_among_equally_good_thresholds_the_one_nearest_the_current_one_is_suggested():
    items = [(10, P), (20, P), (40, F), (50, F)]
    # Any limit from 20 up to 40 splits perfectly: 35 already does; from 45 the nearest perfect candidate is 20.
    assert suggest_threshold(items, current=35, direction="at_most").suggested.threshold == 35
    assert suggest_threshold(items, current=45, direction="at_most").suggested.threshold == 20


def test_a_single_threshold_is_scored_as_the_check_would_pass():
    option = threshold_option([(1.0, P), (2.0, F)], 1.5, "at_most")
    assert (option.n, option.accuracy, option.kappa) == (2, 1.0, 1.0)
    assert threshold_option([], 1.5, "at_most") == ThresholdOption(1.5, 0, None, None)


@pytest.mark.parametrize("items, direction, message", [
    ([(1.0, P)], "above", "direction must be one of at_least, at_most, not 'above'"),
    ([(1.0, "good")], "at_most", r"items\[0\] human: result must be one of"),
    ([(1.0, P), ("fast", P)], "at_most", r"items\[1\] value: 'fast' is not a finite number"),
    ([(float("nan"), P)], "at_most", r"items\[0\] value: nan"),
    ([(1.0,)], "at_most", r"items\[0\]: expected \(measured value, human result\), got 1 values"),
])
def test_bad_threshold_items_are_named_by_position(items, direction, message):
    with pytest.raises(ValueError, match=message):
        suggest_threshold(items, current=1.0, direction=direction)


def test_many_distinct_values_are_thinned_but_still_find_the_split():
    items = [(float(v), P if v <= 600 else F) for v in range(1000)]
    suggestion = suggest_threshold(items, current=100, direction="at_most")
    assert suggestion.suggested.accuracy > 0.99 and suggestion.suggested.kappa > 0.98


@pytest.mark.parametrize("option, better_than", [
    (ThresholdOption(90, 4, 1.0, None), ThresholdOption(30, 4, 0.5, 0.0)),   # all agree, nothing varies: perfect
    (ThresholdOption(30, 4, 0.5, 0.0), ThresholdOption(90, 4, 0.0, None)),   # all disagree, nothing varies: worst
    (ThresholdOption(1, 4, 0.75, 0.5), ThresholdOption(2, 4, 0.75, 0.4)),
    (ThresholdOption(1, 4, 0.8, 0.5), ThresholdOption(2, 4, 0.75, 0.5)),     # equal kappa: accuracy decides
])
def test_options_rank_by_kappa_then_accuracy_and_an_undefined_kappa_by_whether_all_agree(option, better_than):
    assert option.rank() > better_than.rank()


def test_when_the_reviewers_pass_everything_the_limit_that_passes_everything_is_suggested():
    items = [(10, P), (10, P), (90, P), (90, P)]
    suggestion = suggest_threshold(items, current=30, direction="at_most")
    assert (suggestion.current.kappa, suggestion.suggested.threshold, suggestion.suggested.accuracy) == (0.0, 90, 1.0)


def _suggested_by_counting_every_item(items, current, direction):
    """suggest_threshold as it was first written: every candidate counted over every item."""
    from scoring.trust import _candidates, _checked_items
    kept = _checked_items(items, direction)
    best = now = threshold_option(kept, float(current), direction)
    for candidate in _candidates([v for v, _ in kept]):
        option = threshold_option(kept, candidate, direction)
        closer = abs(candidate - current) < abs(best.threshold - current)
        if option.rank() > best.rank() or (option.rank() == best.rank() and closer and best is not now):
            best = option
    return now, best


@pytest.mark.parametrize("seed", range(12))
def test_the_bisected_suggestion_gives_what_counting_every_item_at_every_threshold_gives(seed):
    import random
    rng = random.Random(seed)
    distinct = rng.choice((5, 40, 600))  # few values (ties at thresholds), some, more than MAX_CANDIDATES
    split = rng.uniform(0, distinct)
    items = [(v, P if (v >= split) == (rng.random() > 0.15) else F)
             for v in (float(rng.randrange(distinct)) / rng.choice((1, 4)) for _ in range(rng.randint(0, 900)))]
    items += [(None, P), (1.0, N)] * rng.randint(0, 3)
    for direction in ("at_least", "at_most"):
        current = rng.choice((split, 0.0, float(distinct), 2.0))
        suggestion = suggest_threshold(items, current, direction)
        assert (suggestion.current, suggestion.suggested) == _suggested_by_counting_every_item(items, current, direction)
