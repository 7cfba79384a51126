"""Agreement statistics on random tables: equal to the krippendorff package and to direct pairwise sums,
and invariant where the theory says they must be."""
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.agreement import (Ratings, cohen_kappa, fleiss_kappa, icc_2_1, krippendorff_alpha, percent_agreement)

krippendorff = pytest.importorskip("krippendorff", reason="the krippendorff package is a test extra")

SEEDS = range(12)


def random_table(seed, low=1, high=5, missing=0.3, integers=True):
    """(items x raters array with NaN for missing, the Ratings) of random size and values."""
    rng = np.random.default_rng(seed)
    items, raters = rng.integers(3, 40), rng.integers(2, 7)
    if integers:
        x = rng.integers(low, high + 1, size=(items, raters)).astype(float)
    else:
        x = rng.uniform(low, high, size=(items, raters)).round(2)
    x[rng.random(x.shape) < missing] = np.nan
    return x, Ratings.from_rows(x)


def package_alpha(x, level):
    """The package's alpha, or None where it cannot be computed (no pairable values or no variation)."""
    try:
        with np.errstate(invalid="ignore", divide="ignore"):  # the package divides 0 by 0 without variation
            value = krippendorff.alpha(reliability_data=x.T, level_of_measurement=level)
    except ValueError:
        return None
    return None if not np.isfinite(value) else float(value)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@pytest.mark.parametrize("seed", SEEDS)
def test_alpha_equals_the_krippendorff_package_on_random_data_with_missing_values(seed, level):
    x, ratings = random_table(seed, integers=level in ("nominal", "ordinal"))
    expected = package_alpha(x, level)
    ours = krippendorff_alpha(ratings, level).value
    if expected is None:
        assert ours is None
    else:
        assert ours == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_nominal_alpha_of_string_labels_equals_the_package_on_their_codes(seed):
    x, _ = random_table(seed, 0, 2)
    labels = [[None if np.isnan(v) else ("pass", "fail", "na")[int(v)] for v in row] for row in x]
    ours = krippendorff_alpha(Ratings.from_rows(labels)).value
    assert ours == pytest.approx(package_alpha(x, "nominal"), abs=1e-9)


def brute_force_percent_agreement(rows):
    shares = []
    for row in rows:
        rated = [v for v in row if v is not None]
        pairs = list(itertools.permutations(rated, 2))
        if pairs:
            shares.append(sum(a == b for a, b in pairs) / len(pairs))
    return sum(shares) / len(shares) if shares else None


def brute_force_fleiss(rows):
    rated = [[v for v in row if v is not None] for row in rows]
    rated = [r for r in rated if len(r) >= 2]
    p_items = [sum(a == b for a, b in itertools.permutations(r, 2)) / (len(r) * (len(r) - 1)) for r in rated]
    pooled = [v for r in rated for v in r]
    p_e = sum((pooled.count(c) / len(pooled)) ** 2 for c in set(pooled))
    return (sum(p_items) / len(p_items) - p_e) / (1 - p_e)


@pytest.mark.parametrize("seed", SEEDS)
def test_percent_agreement_and_fleiss_kappa_equal_pair_by_pair_sums_with_missing_values(seed):
    _, ratings = random_table(seed, 1, 3)
    assert percent_agreement(ratings).value == pytest.approx(brute_force_percent_agreement(ratings.values))
    assert fleiss_kappa(ratings).value == pytest.approx(brute_force_fleiss(ratings.values))


def brute_force_within(x, tolerance):
    shares = []
    for row in x:
        rated = row[~np.isnan(row)]
        pairs = list(itertools.permutations(rated, 2))
        if pairs:
            shares.append(sum(abs(a - b) <= tolerance for a, b in pairs) / len(pairs))
    return float(np.mean(shares))


@pytest.mark.parametrize("seed", SEEDS)
def test_percent_agreement_within_a_tolerance_counts_pairs_at_most_that_far_apart(seed):
    x, ratings = random_table(seed, 0, 10, integers=False)
    assert percent_agreement(ratings, tolerance=2.5).value == pytest.approx(brute_force_within(x, 2.5))


@pytest.mark.parametrize("seed", SEEDS)
def test_cohen_kappa_is_symmetric_and_fleiss_equals_scotts_pi_for_two_complete_raters(seed):
    rng = np.random.default_rng(seed)
    pairs = rng.integers(0, 3, size=(rng.integers(5, 60), 2))
    ratings, swapped = Ratings.from_rows(pairs), Ratings.from_rows(pairs[:, ::-1])
    assert cohen_kappa(ratings).value == pytest.approx(cohen_kappa(swapped).value)
    p_o = float((pairs[:, 0] == pairs[:, 1]).mean())
    shares = np.bincount(pairs.ravel(), minlength=3) / pairs.size
    scotts_pi = (p_o - shares @ shares) / (1 - shares @ shares)
    assert fleiss_kappa(ratings).value == pytest.approx(scotts_pi)


@pytest.mark.parametrize("seed", SEEDS)
def test_alphas_do_not_depend_on_the_order_of_items_or_raters(seed):
    x, ratings = random_table(seed)
    rng = np.random.default_rng(seed + 100)
    shuffled = Ratings.from_rows(x[rng.permutation(x.shape[0])][:, rng.permutation(x.shape[1])])
    for level in ("nominal", "ordinal", "interval", "ratio"):
        assert krippendorff_alpha(shuffled, level).value == pytest.approx(krippendorff_alpha(ratings, level).value)


@pytest.mark.parametrize("seed", SEEDS)
def test_interval_alpha_ignores_linear_rescaling_and_ordinal_alpha_any_increasing_map(seed):
    x, ratings = random_table(seed, integers=False)
    interval = krippendorff_alpha(ratings, "interval").value
    assert krippendorff_alpha(Ratings.from_rows(3.5 * x - 20), "interval").value == pytest.approx(interval)
    ordinal = krippendorff_alpha(ratings, "ordinal").value
    assert krippendorff_alpha(Ratings.from_rows(np.exp(x)), "ordinal").value == pytest.approx(ordinal)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_judge_who_adds_a_constant_lowers_icc_2_1_which_measures_absolute_agreement(seed):
    rng = np.random.default_rng(seed)
    truth = rng.normal(70, 10, size=(30, 1))
    x = truth + rng.normal(0, 3, size=(30, 4))
    shifted = x.copy()
    shifted[:, 0] += 15
    assert icc_2_1(Ratings.from_rows(shifted)).value < icc_2_1(Ratings.from_rows(x)).value


def test_icc_2_1_equals_the_anova_formula_written_out_on_a_random_complete_table():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(25, 5))
    n, k = x.shape
    grand = x.mean()
    bms = k * ((x.mean(axis=1) - grand) ** 2).sum() / (n - 1)
    jms = n * ((x.mean(axis=0) - grand) ** 2).sum() / (k - 1)
    residual = x - x.mean(axis=1, keepdims=True) - x.mean(axis=0, keepdims=True) + grand
    ems = (residual ** 2).sum() / ((n - 1) * (k - 1))
    expected = (bms - ems) / (bms + (k - 1) * ems + k * (jms - ems) / n)
    assert icc_2_1(Ratings.from_rows(x)).value == pytest.approx(expected)


@pytest.mark.parametrize("seed", SEEDS[:4])
def test_alpha_and_percent_agreement_computed_in_small_blocks_equal_the_package(seed, monkeypatch):
    from scoring.agreement import coefficients
    monkeypatch.setattr(coefficients, "BLOCK_CELLS", 20)
    x, ratings = random_table(seed, 1, 9)
    assert krippendorff_alpha(ratings, "ratio").value == pytest.approx(package_alpha(x, "ratio"), abs=1e-9)
    assert percent_agreement(ratings, tolerance=1).value == pytest.approx(brute_force_within(x, 1))


def test_large_tables_with_many_distinct_values_are_computed_in_blocks_without_running_out_of_memory():
    rng = np.random.default_rng(3)
    x = rng.uniform(1, 100, size=(1500, 10))
    x[rng.random(x.shape) < 0.2] = np.nan
    ratings = Ratings.from_rows(x)
    # Independent random ratings: alpha near 0 at every level.
    for level in ("ordinal", "interval", "ratio"):
        assert abs(krippendorff_alpha(ratings, level).value) < 0.02
    assert 0 < percent_agreement(ratings, tolerance=5).value < 0.2


CELLS = st.one_of(st.none(), st.integers(0, 3))


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 5).flatmap(lambda raters: st.lists(st.lists(CELLS, min_size=raters, max_size=raters),
                                                          min_size=1, max_size=8)),
       st.sampled_from(["nominal", "ordinal", "interval", "ratio"]))
def test_alpha_equals_the_package_or_is_none_where_the_package_has_no_value_on_any_small_table(rows, level):
    x = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)
    expected = package_alpha(x, level) if (~np.isnan(x)).sum() else None
    estimate = krippendorff_alpha(Ratings.from_rows(rows), level)
    if expected is None:
        assert estimate.value is None and estimate.reason
    else:
        assert estimate.value == pytest.approx(expected, abs=1e-9)
