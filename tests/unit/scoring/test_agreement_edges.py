"""Agreement statistics on degenerate tables (no variation, one rater, all missing, no items) and bad input."""
import math

import numpy as np
import pytest

from scoring.agreement import (LEVELS, Ratings, cohen_kappa, fleiss_kappa, icc_2_1, krippendorff_alpha,
                              percent_agreement, summarise)

ALL_STATISTICS = {
    "percent agreement": percent_agreement,
    "cohen": cohen_kappa,
    "fleiss": fleiss_kappa,
    "icc": icc_2_1,
    **{f"alpha {level}": (lambda r, level=level: krippendorff_alpha(r, level)) for level in LEVELS},
}
DEGENERATE = {
    "one rater": Ratings.from_rows([[1], [2], [3]]),
    "all missing": Ratings.from_rows([[None, None], [None, None]]),
    "no items": Ratings((), (), ("A", "B")),
    "no item rated twice": Ratings.from_rows([[1, None], [None, 2], [3, None]]),
}


@pytest.mark.parametrize("statistic", ALL_STATISTICS)
@pytest.mark.parametrize("table", DEGENERATE)
def test_a_table_without_rater_pairs_gives_none_with_a_reason_for_every_statistic(table, statistic):
    with np.errstate(all="raise"):
        estimate = ALL_STATISTICS[statistic](DEGENERATE[table])
    assert estimate.value is None
    assert estimate.reason


@pytest.mark.parametrize("statistic", ["cohen", "fleiss", "icc"] + [f"alpha {level}" for level in LEVELS])
def test_identical_ratings_everywhere_leave_chance_corrected_statistics_undefined_not_divided_by_zero(statistic):
    with np.errstate(all="raise"):
        estimate = ALL_STATISTICS[statistic](Ratings.from_rows([[4, 4]] * 5))
    assert estimate.value is None
    assert "no variation" in estimate.reason
    assert estimate.n_items == 5


def test_identical_ratings_still_have_full_percent_agreement():
    assert percent_agreement(Ratings.from_rows([["pass"] * 3] * 4)).value == 1.0


@pytest.mark.parametrize("level", LEVELS)
def test_perfect_agreement_with_variation_gives_alpha_one(level):
    assert krippendorff_alpha(Ratings.from_rows([[1, 1, 1], [2, 2, None], [5, 5, 5]]), level).value == 1.0


def test_perfect_agreement_gives_kappas_and_icc_of_one():
    ratings = Ratings.from_rows([[1, 1], [2, 2], [3, 3]])
    assert (cohen_kappa(ratings).value, fleiss_kappa(ratings).value) == (1.0, 1.0)
    assert icc_2_1(ratings).value == pytest.approx(1.0)


def test_cohen_kappa_is_for_two_raters_only_and_says_so():
    assert "two raters" in cohen_kappa(Ratings.from_rows([[1, 2, 3]])).reason


def test_cohen_kappa_uses_only_items_both_raters_rated():
    ratings = Ratings.from_rows([["a", "a"], ["b", "b"], ["a", None], [None, "b"], ["a", "b"]])
    full = Ratings.from_rows([["a", "a"], ["b", "b"], ["a", "b"]])
    assert cohen_kappa(ratings) == cohen_kappa(full)


def test_fleiss_kappa_leaves_out_items_with_a_single_rating():
    with_single = Ratings.from_rows([[1, 1, 2], [2, 2, 2], [1, None, None], [1, 2, None]])
    without = Ratings.from_rows([[1, 1, 2], [2, 2, 2], [1, 2, None]])
    assert fleiss_kappa(with_single) == fleiss_kappa(without)
    assert fleiss_kappa(with_single).n_items == 3


def test_summary_of_one_rater_lists_why_each_statistic_is_undefined():
    doc = summarise(Ratings.from_rows([["pass"], ["fail"]])).as_dict()
    assert doc["percent_agreement"] is None and doc["krippendorff_alpha"] is None and doc["fleiss_kappa"] is None
    assert set(doc["undefined"]) == {"percent_agreement", "krippendorff_alpha", "fleiss_kappa"}


@pytest.mark.parametrize("make, message", [
    (lambda: Ratings.from_rows([[1, 2], [3]]), "item 2 has 1 ratings, expected 2"),
    (lambda: Ratings.from_rows([[1, True]]), "not a category or a finite number"),
    (lambda: Ratings(((1.0, math.inf),)), "not a category or a finite number"),
    (lambda: Ratings(((1, [2]),)), "not a category or a finite number"),
    (lambda: Ratings.from_rows([[1, 2]], item_ids=["a", "b"]), "2 item ids for 1 items"),
    (lambda: Ratings.from_rows([[1, 2]], rater_ids=["A", "A"]), "rater ids must be unique"),
    (lambda: Ratings.from_rows([[1, 2], [1, 2]], item_ids=["x", "x"]), "item ids must be unique"),
])
def test_malformed_tables_are_refused_with_a_message_naming_the_problem(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_nan_from_numpy_counts_as_a_missing_rating():
    ratings = Ratings.from_rows(np.array([[1.0, np.nan], [2.0, 3.0]]))
    assert ratings.values == ((1.0, None), (2.0, 3.0))
    assert ratings.n_ratings == 3


@pytest.mark.parametrize("level", ["ordinal", "interval", "ratio"])
def test_numeric_levels_refuse_labels_naming_the_item_and_rater(level):
    ratings = Ratings.from_rows([[1, 2], [3, "pass"]], item_ids=["c1", "c2"], rater_ids=["ann", "bob"])
    with pytest.raises(ValueError, match="item c2, rater bob: 'pass' is not a number"):
        krippendorff_alpha(ratings, level)


def test_icc_refuses_labels():
    with pytest.raises(ValueError, match="is not a number"):
        icc_2_1(Ratings.from_rows([["pass", "fail"], ["fail", "fail"]]))


def test_ratio_level_refuses_negative_values():
    with pytest.raises(ValueError, match="zero or more"):
        krippendorff_alpha(Ratings.from_rows([[-1, 2], [3, 4]]), "ratio")


@pytest.mark.parametrize("call", [lambda r: krippendorff_alpha(r, "binary"), lambda r: summarise(r, "likert")])
def test_an_unknown_level_is_refused(call):
    with pytest.raises(ValueError, match="level must be one of nominal, ordinal, interval, ratio"):
        call(Ratings.from_rows([[1, 2]]))


def test_a_negative_tolerance_is_refused():
    with pytest.raises(ValueError, match="tolerance"):
        percent_agreement(Ratings.from_rows([[1, 2]]), tolerance=-1)


def test_a_rater_column_is_read_by_name_and_an_unknown_name_is_refused():
    ratings = Ratings.from_rows([[1, 2], [3, 4]], rater_ids=["ann", "bob"])
    assert ratings.column("bob") == (2, 4)
    with pytest.raises(ValueError, match="no rater 'cy'; raters are ann, bob"):
        ratings.column("cy")
