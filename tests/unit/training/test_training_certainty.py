"""Student's t quantiles, a mean's 95 % confidence interval and the reviews still needed, against known values."""
from __future__ import annotations

import math

import pytest

from training.certainty import MeanInterval, mean_interval, reviews_needed, t_cdf, t_quantile


# Values from printed t tables (to three decimals).
@pytest.mark.parametrize("p, df, expected", [
    (0.975, 1, 12.706), (0.975, 2, 4.303), (0.975, 4, 2.776), (0.975, 10, 2.228), (0.975, 29, 2.045),
    (0.975, 30, 2.042), (0.975, 120, 1.980), (0.95, 10, 1.812), (0.995, 3, 5.841), (0.9, 5, 1.476),
    (0.6, 5, 0.267), (0.5, 7, 0.0), (0.025, 4, -2.776), (0.975, 1e9, 1.960),
])
def test_t_quantiles_match_the_printed_tables(p, df, expected):
    assert t_quantile(p, df) == pytest.approx(expected, abs=5e-4)


@pytest.mark.parametrize("t, df, expected", [(0.0, 3, 0.5), (12.706, 1, 0.975), (-2.776, 4, 0.025), (1.0, 1, 0.75)])
def test_the_t_distribution_function_matches_known_values(t, df, expected):
    assert t_cdf(t, df) == pytest.approx(expected, abs=1e-4)


def test_the_quantile_inverts_the_distribution_function():
    for df in (1, 2.5, 9, 40):
        for p in (0.01, 0.3, 0.9, 0.999):
            assert t_cdf(t_quantile(p, df), df) == pytest.approx(p, abs=1e-9)


@pytest.mark.parametrize("p, df, message", [
    (0.0, 3, "probability must be strictly between 0 and 1"), (1.0, 3, "probability"),
    (0.5, 0, "degrees of freedom must be positive"), (0.5, -2, "degrees of freedom"),
])
def test_an_impossible_probability_or_degrees_of_freedom_is_refused(p, df, message):
    with pytest.raises(ValueError, match=message):
        t_quantile(p, df)


def test_a_mean_of_five_scores_has_its_t_interval():
    interval = mean_interval([80, 90, 70, 85, 75])
    sd = math.sqrt(250 / 4)
    half = 2.776445 * sd / math.sqrt(5)
    assert (interval.n, interval.mean) == (5, 80.0)
    assert interval.sd == pytest.approx(sd)
    assert interval.half_width == pytest.approx(half, rel=1e-5)
    assert (interval.low, interval.high) == (pytest.approx(80 - half, rel=1e-6), pytest.approx(80 + half, rel=1e-6))


def test_thirty_scores_use_twenty_nine_degrees_of_freedom():
    values = [60.0, 100.0] * 15
    interval = mean_interval(values)
    sd = math.sqrt(sum((v - 80) ** 2 for v in values) / 29)
    assert interval.half_width == pytest.approx(2.045230 * sd / math.sqrt(30), rel=1e-5)


@pytest.mark.parametrize("values, expected", [
    ([], MeanInterval(0, None)),
    ([72.5], MeanInterval(1, 72.5)),
    ([50, 50, 50], MeanInterval(3, 50.0, 0.0, 50.0, 50.0, 0.0)),
])
def test_without_two_scores_there_is_no_interval_and_equal_scores_have_a_zero_width(values, expected):
    assert mean_interval(values) == expected


@pytest.mark.parametrize("values, message", [
    ([1, "2"], r"values\[1\]: '2' is not a finite number"),
    ([math.nan], r"values\[0\]: nan"),
    ([True], r"values\[0\]: True"),
    ([math.inf, 1], r"values\[0\]: inf"),
])
def test_a_value_that_is_not_a_finite_number_is_named_by_position(values, message):
    with pytest.raises(ValueError, match=message):
        mean_interval(values)


def test_a_confidence_outside_zero_and_one_is_refused():
    with pytest.raises(ValueError, match="confidence must be strictly between 0 and 1"):
        mean_interval([1, 2], confidence=95)


@pytest.mark.parametrize("sd, current_n, half_width, expected", [
    (15.0, 10, 5, 28),    # 38 scores give t(37) * 15 / sqrt(38) = 4.93; 37 give 5.00 (just over)
    (15.0, 38, 5, 0),
    (15.0, 100, 5, 0),    # already narrower than asked
    (0.0, 1, 5, 1),       # an interval needs two scores at least
    (0.0, 0, 5, 2),
    (10.0, 0, 5, 18),     # t(17) * 10 / sqrt(18) = 4.97
    (40.0, 3, 5, 246),
    (15.0, 10, 10, 2),    # 11 scores: t(10) * 15 / sqrt(11) = 10.08 (over); 12: 9.53
])
def test_reviews_needed_is_the_smallest_number_that_brings_the_half_width_under_the_target(
        sd, current_n, half_width, expected):
    needed = reviews_needed(sd, current_n, half_width)
    assert needed == expected
    total = current_n + needed
    assert total >= 2 and t_quantile(0.975, total - 1) * sd / math.sqrt(total) <= half_width
    if needed > 0 and total - 1 >= 2:
        assert t_quantile(0.975, total - 2) * sd / math.sqrt(total - 1) > half_width


@pytest.mark.parametrize("sd, current_n, half_width, message", [
    (-1.0, 3, 5, "standard deviation must be a finite number >= 0"),
    (math.nan, 3, 5, "standard deviation"),
    (10.0, -1, 5, "current number of scores must be a whole number >= 0"),
    (10.0, 2.5, 5, "current number of scores"),
    (10.0, 3, 0, "half-width must be positive"),
])
def test_reviews_needed_refuses_impossible_inputs(sd, current_n, half_width, message):
    with pytest.raises(ValueError, match=message):
        reviews_needed(sd, current_n, half_width)


def _needed_by_stepping(sd, current_n, half_width, confidence):
    """reviews_needed as its definition reads: from n = 2 up, scipy asked afresh at every step."""
    from scipy.stats import t
    p, n = 1.0 - (1.0 - confidence) / 2.0, max(2, current_n)
    while float(t.ppf(p, n - 1)) * sd / math.sqrt(n) > half_width:
        n += 1
    return n - current_n


def test_reviews_needed_with_remembered_quantiles_gives_the_stepping_answers_over_a_table_of_cases():
    cases = [(sd, current_n, half_width, confidence)
             for sd in (0.0, 0.5, 3.0, 7.5, 12.25, 15.0, 21.0, 33.3, 40.0)
             for current_n in (0, 1, 2, 5, 17, 60)
             for half_width in (2.5, 5.0, 10.0)
             for confidence in (0.9, 0.95, 0.99)]
    for _ in range(2):  # the second pass answers from the remembered quantiles
        for sd, current_n, half_width, confidence in cases:
            assert reviews_needed(sd, current_n, half_width, confidence) == \
                _needed_by_stepping(sd, current_n, half_width, confidence), (sd, current_n, half_width, confidence)


def test_a_remembered_quantile_is_exactly_scipys():
    from scipy.stats import t
    for p, df in ((0.975, 1), (0.975, 37), (0.995, 2.5), (0.05, 9), (0.975, 1e9)):
        assert t_quantile(p, df) == t_quantile(p, df) == float(t.ppf(p, df))
