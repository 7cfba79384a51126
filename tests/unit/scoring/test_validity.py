"""The figures of `qadesk scorer eval` (scoring.validity): verdict, score gap, mapping, kappa, confusion."""
import pytest

from scoring.result import CriterionResult, Evidence
from scoring.validity import (Case, Product, Thresholds, agreement, auto_fail_counts, compare, confusion,
                              disagreements, product_value, score_gap, score_gaps, verdict)
from scoring.validity_labels import Label


def crit(cid: str, result: str, explanation: str = "", evidence=()) -> CriterionResult:
    score = None if result == "na" else (1.0 if result == "pass" else 0.0)
    return CriterionResult(cid, "s", result, score, 1.0, evidence=tuple(evidence), explanation=explanation)


def product(cid="c1", language="en", score=90.0, auto_fail=False, criteria=(), mood=None) -> Product:
    return Product(cid, language, score, auto_fail, tuple(criteria), mood)


@pytest.mark.parametrize("score, auto_fail, any_failed, expected", [
    (100, True, False, "bad"),
    (49.9, False, False, "bad"),
    (50, False, False, "average"),
    (79.9, False, False, "average"),
    (80, False, False, "good"),
    (95, False, True, "average"),
    (0, False, True, "bad"),
])
def test_verdict_follows_the_rubric_thresholds(score, auto_fail, any_failed, expected):
    assert verdict(score, auto_fail, any_failed) == expected


def test_verdict_thresholds_are_options():
    assert verdict(70, False, False, Thresholds(bad_below=75, good_from=90)) == "bad"
    assert verdict(85, False, False, Thresholds(bad_below=40, good_from=85)) == "good"
    with pytest.raises(ValueError):
        Thresholds(bad_below=90, good_from=80)


@pytest.mark.parametrize("score, band, gap", [
    (50, (40, 60), 0), (40, (40, 60), 0), (60, (40, 60), 0),
    (30, (40, 60), 10), (75.5, (40, 60), 15.5), (0, (0, 0), 0), (100, (0, 20), 80),
])
def test_score_gap_is_zero_inside_the_band_else_the_distance_to_the_nearest_edge(score, band, gap):
    assert score_gap(score, band) == pytest.approx(gap)


def test_score_gaps_give_the_mean_and_the_share_inside_the_band():
    gaps = score_gaps([(50, (40, 60)), (30, (40, 60)), (90, (0, 70))])
    assert (gaps.n, gaps.mean, gaps.in_band) == (3, pytest.approx(10.0), 1)
    assert gaps.in_band_share == pytest.approx(1 / 3)
    assert score_gaps([]).mean is None and score_gaps([]).in_band_share is None


@pytest.mark.parametrize("criteria, label_criterion, mapping, expected", [
    ([crit("greeting", "pass")], "greeting", {"greeting": ("greeting",)}, "pass"),
    ([crit("greeting", "fail")], "greeting", {"greeting": ("greeting",)}, "fail"),
    ([], "three_checks", {"three_checks": ("sancha_sanhe",)}, "na"),  # absent from the scorecard: na
    ([crit("sancha_sanhe", "na")], "three_checks", {"three_checks": ("sancha_sanhe",)}, "na"),
    ([crit("a", "pass"), crit("b", "fail")], "language", {"language": ("a", "b")}, "fail"),
    ([crit("a", "na"), crit("b", "pass")], "language", {"language": ("a", "b")}, "pass"),
    ([crit("greeting", "pass")], "unmapped", {}, "na"),
])
def test_product_value_of_a_label_criterion_through_the_mapping(criteria, label_criterion, mapping, expected):
    assert product_value(product(criteria=criteria), label_criterion, mapping) == expected


@pytest.mark.parametrize("mood, expected", [("positive", "positive"), ("negative", "negative"), (None, "na")])
def test_end_sentiment_is_the_stored_mood_label(mood, expected):
    assert product_value(product(mood=mood), "customer_sentiment_end") == expected


@pytest.mark.parametrize("pairs, kappa, accuracy", [
    ([("pass", "pass"), ("fail", "fail"), ("na", "na")], 1.0, 1.0),
    ([("pass", "fail"), ("fail", "pass")], -1.0, 0.0),
    # Cohen's textbook case: p_o 0.7, p_e 0.5
    ([("pass", "pass")] * 20 + [("pass", "fail")] * 5 + [("fail", "pass")] * 10 + [("fail", "fail")] * 15,
     0.4, 0.7),
])
def test_agreement_gives_accuracy_and_cohens_kappa(pairs, kappa, accuracy):
    figures = agreement(pairs, ("pass", "fail", "na"))
    assert figures.kappa.value == pytest.approx(kappa)
    assert figures.accuracy == pytest.approx(accuracy)
    assert figures.n == len(pairs)


@pytest.mark.parametrize("pairs, reason", [
    ([("na", "na")] * 4, "no variation"),  # all na on both sides: agreement 1, kappa undefined
    ([], "no conversation"),
])
def test_kappa_is_undefined_with_a_reason_when_there_is_nothing_to_correct_for_chance(pairs, reason):
    figures = agreement(pairs, ("pass", "fail", "na"))
    assert figures.kappa.value is None and reason in figures.kappa.reason
    assert figures.accuracy == (1.0 if pairs else None)


def test_confusion_rows_are_the_label_columns_the_product_and_na_is_a_class():
    matrix = confusion([("pass", "na"), ("pass", "na"), ("na", "fail"), ("fail", "fail")], ("pass", "fail", "na"))
    assert matrix.classes == ("pass", "fail", "na")
    assert matrix.counts == ((0, 0, 2), (0, 1, 0), (0, 1, 0))


def test_confusion_keeps_values_outside_the_classes():
    assert confusion([("pass", "maybe")], ("pass", "fail")).classes == ("pass", "fail", "maybe")


@pytest.mark.parametrize("pairs, precision, recall", [
    ([(True, True), (True, False), (False, True), (False, False)], 0.5, 0.5),
    ([(False, False)] * 3, None, None),
    ([(True, False)] * 2, None, 0.0),
    ([(False, True)], 0.0, None),
])
def test_auto_fail_precision_and_recall_are_none_when_undefined(pairs, precision, recall):
    counts = auto_fail_counts(pairs)
    assert (counts.precision, counts.recall) == (precision, recall)


def label(cid="c1", **fields) -> Label:
    return Label(cid, **fields)


def test_a_label_criterion_missing_from_a_label_leaves_that_conversation_out_of_that_criterion():
    cases = [Case(label("c1", criteria={"greeting": "pass", "closing": "pass"}),
                  product("c1", criteria=[crit("greeting", "pass"), crit("closing", "fail")])),
             Case(label("c2", criteria={"greeting": "fail"}), product("c2", criteria=[crit("greeting", "fail")]))]
    figures = compare(cases).groups["all"]
    assert figures.criteria["greeting"].n == 2 and figures.criteria["greeting"].accuracy == 1.0
    assert figures.criteria["closing"].n == 1 and figures.criteria["closing"].accuracy == 0.0
    assert figures.verdict.n == 0 and figures.auto_fail.as_dict()["n"] == 0 and figures.score_gap.n == 0


def test_english_three_checks_na_agrees_with_a_scorecard_without_the_criterion():
    cases = [Case(label(criteria={"three_checks": "na"}), product(criteria=[crit("greeting", "pass")]))]
    assert compare(cases).groups["en"].criteria["three_checks"].accuracy == 1.0
    assert compare(cases).disagreements == ()


def test_groups_are_en_zh_other_languages_present_and_all():
    cases = [Case(label("a", verdict="good"), product("a", "en")), Case(label("b", verdict="bad"), product("b", "fr"))]
    report = compare(cases)
    assert list(report.groups) == ["en", "zh", "fr", "all"]
    assert (report.groups["zh"].n, report.groups["all"].n) == (0, 2)
    assert report.groups["fr"].verdict.agreeing == 0


def test_disagreements_carry_the_products_evidence_and_explanation_and_the_labels_why():
    said = crit("forbidden_phrases", "fail", "forbidden phrase \"your problem\" in turn 3",
                [Evidence(3, "the driver said it's your problem")])
    case = Case(label(verdict="good", auto_fail=False, criteria={"forbidden_language": "pass"},
                      why="quotes the courier"), product(score=0, auto_fail=True, criteria=[said]))
    found = {d.figure: d for d in disagreements(case)}
    assert set(found) == {"verdict", "auto_fail", "forbidden_language"}
    language = found["forbidden_language"]
    assert (language.label, language.product) == ("pass", "fail")
    assert language.evidence == (Evidence(3, "the driver said it's your problem"),)
    assert "your problem" in language.explanation and language.why == "quotes the courier"
    assert (found["auto_fail"].label, found["auto_fail"].product) == ("no", "yes")
    assert "score 0" in found["verdict"].explanation


def test_a_criterion_absent_from_the_evaluation_says_so_in_its_disagreement():
    case = Case(label(criteria={"escalation": "fail"}), product())
    (found,) = disagreements(case)
    assert found.product == "na" and "counts as na" in found.explanation


def test_the_verdict_on_mapped_criteria_only_ignores_failures_of_criteria_the_labels_do_not_judge():
    failed_extra = product("c1", score=92, criteria=[crit("greeting", "pass"), crit("order_verification", "fail")])
    failed_mapped = product("c2", score=92, criteria=[crit("greeting", "fail"), crit("order_verification", "pass")])
    cases = [Case(label("c1", verdict="good"), failed_extra), Case(label("c2", verdict="good"), failed_mapped)]
    figures = compare(cases).groups["all"]
    assert figures.verdict.agreeing == 0  # every failed criterion counts: both are "average"
    assert figures.verdict_mapped.agreeing == 1  # order_verification is no label criterion
    assert figures.as_dict()["verdict_mapped_criteria"]["agreeing"] == 1
