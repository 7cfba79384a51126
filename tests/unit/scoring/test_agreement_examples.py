"""Agreement statistics reproduce published worked examples (Wikipedia, Krippendorff 2011, Shrout & Fleiss 1979)."""
import pytest

from scoring.agreement import (Ratings, cohen_kappa, fleiss_kappa, icc_2_1, krippendorff_alpha, percent_agreement,
                              summarise)

# Wikipedia, "Fleiss' kappa", worked example: 10 subjects x 14 raters, counts per category 1..5.
# (An illustration of Fleiss' (1971) method, not the 30-patient table of the 1971 paper.)
FLEISS_COUNTS = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
                 [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: 4 observers x 12 units,
# with missing values (None). Rows are observers here; Ratings wants items x raters.
KRIPPENDORFF_OBSERVERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]
# Krippendorff (2011), section A: two observers, binary data, ten units; alpha = 0.095.
KRIPPENDORFF_BINARY = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]

# Shrout & Fleiss (1979), table 2: 6 targets x 4 judges.
SHROUT_FLEISS = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]


def from_counts(counts):
    """Items x raters table in which each item has counts[j] ratings of category j + 1."""
    return Ratings.from_rows([[j + 1 for j, c in enumerate(row) for _ in range(c)] for row in counts])


def two_raters(yes_yes, yes_no, no_yes, no_no):
    """A 2 x 2 contingency table as items rated by raters A and B."""
    cells = [("yes", "yes")] * yes_yes + [("yes", "no")] * yes_no + [("no", "yes")] * no_yes + [("no", "no")] * no_no
    return Ratings.from_rows(cells, rater_ids=("A", "B"))


def by_observers(observers):
    return Ratings.from_rows(list(zip(*observers)))


def test_fleiss_kappa_of_wikipedias_14_rater_example_is_0_210():
    assert fleiss_kappa(from_counts(FLEISS_COUNTS)).value == pytest.approx(0.20993, abs=5e-5)


def test_percent_agreement_of_wikipedias_fleiss_example_is_its_mean_observed_agreement_0_378():
    assert percent_agreement(from_counts(FLEISS_COUNTS)).value == pytest.approx(0.37802, abs=5e-5)


@pytest.mark.parametrize("table, kappa, agreement", [
    ((20, 5, 10, 15), 0.4, 0.7),           # Wikipedia, "Cohen's kappa", simple example
    ((45, 15, 25, 15), 0.1304, 0.6),       # Wikipedia: same agreement, balanced marginals
    ((25, 35, 5, 35), 0.2593, 0.6),        # Wikipedia: same agreement, unbalanced marginals
])
def test_cohen_kappa_matches_wikipedias_worked_examples(table, kappa, agreement):
    ratings = two_raters(*table)
    assert cohen_kappa(ratings).value == pytest.approx(kappa, abs=5e-5)
    assert cohen_kappa(ratings).n_items == sum(table)
    assert percent_agreement(ratings).value == pytest.approx(agreement)


@pytest.mark.parametrize("level, alpha", [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849),
                                          ("ratio", 0.797)])
def test_krippendorff_alpha_matches_the_2011_worked_example_with_missing_data(level, alpha):
    estimate = krippendorff_alpha(by_observers(KRIPPENDORFF_OBSERVERS), level)
    assert estimate.value == pytest.approx(alpha, abs=5e-4)
    assert estimate.n_items == 11  # unit 12 has a single value and is not pairable


def test_krippendorff_alpha_of_the_2011_binary_two_observer_example_is_0_095():
    assert krippendorff_alpha(by_observers(KRIPPENDORFF_BINARY), "nominal").value == pytest.approx(0.095, abs=5e-4)


def test_nominal_alpha_reads_labels_as_well_as_numbers():
    labels = [[None if v is None else "abcde"[v - 1] for v in row] for row in KRIPPENDORFF_OBSERVERS]
    assert krippendorff_alpha(by_observers(labels)).value == pytest.approx(0.743, abs=5e-4)


def test_icc_2_1_of_shrout_and_fleiss_table_2_is_0_29():
    estimate = icc_2_1(Ratings.from_rows(SHROUT_FLEISS))
    assert estimate.value == pytest.approx(0.2898, abs=5e-5)
    assert estimate.n_items == 6


def test_icc_2_1_uses_only_items_every_judge_scored():
    rows = SHROUT_FLEISS + [[None, 3, 3, 3], [4, None, None, None]]
    estimate = icc_2_1(Ratings.from_rows(rows))
    assert (round(estimate.value, 4), estimate.n_items) == (0.2898, 6)


def test_summary_of_the_interval_example_carries_alpha_and_icc_but_no_kappa():
    summary = summarise(by_observers(KRIPPENDORFF_OBSERVERS), "interval")
    doc = summary.as_dict()
    assert (doc["n_items"], doc["n_raters"], doc["n_ratings"]) == (12, 4, 41)
    assert doc["krippendorff_alpha"] == pytest.approx(0.849, abs=5e-4)
    complete_units = [u for u in zip(*KRIPPENDORFF_OBSERVERS) if None not in u]
    assert doc["icc"] == pytest.approx(icc_2_1(Ratings.from_rows(complete_units)).value)
    assert doc["items_used"]["icc"] == len(complete_units) == 8
    assert "fleiss_kappa" not in doc and "cohen_kappa" not in doc


def test_summary_of_two_nominal_raters_carries_cohen_and_fleiss_kappa():
    doc = summarise(two_raters(20, 5, 10, 15)).as_dict()
    assert doc["cohen_kappa"] == pytest.approx(0.4)
    assert doc["fleiss_kappa"] == pytest.approx(fleiss_kappa(two_raters(20, 5, 10, 15)).value)
    assert doc["undefined"] == {} and "icc" not in doc
