"""The n-gram logistic regression behind the shipped Chinese model (scoring.ngram_logistic)."""
import pytest

from scoring.calibration import CalibrationError, accuracy, calibration_from_json
from scoring.ngram_logistic import LogisticOptions, fit_logistic

TEXTS = ["很好很满意", "非常好", "太差了", "很差劲", "退款很快很好", "退款太慢太差", "好评", "差评"] * 3
TARGETS = [1, 1, 0, 0, 1, 0, 1, 0] * 3
SMALL = LogisticOptions(min_count=1, keep_above=0.0, penalty=0.5, unigram_penalty=0.5)


def test_a_fit_separates_positive_and_negative_texts_and_round_trips_through_json():
    model = fit_logistic("zh", TEXTS, TARGETS, options=SMALL)
    assert model.link == "logistic"
    assert accuracy([model.polarity({}, t) for t in TEXTS], TARGETS) == 1.0
    assert calibration_from_json(model.to_json()) == model


def test_a_text_with_no_known_n_gram_reads_neutral():
    assert fit_logistic("zh", TEXTS, TARGETS, options=SMALL).polarity({}, "嗯嗯") == 0.0


def test_topic_words_carry_almost_no_sentiment():
    skewed = ["退款太差", "退款很差", "好", "很好"] * 4
    targets = [0, 0, 1, 1] * 4
    free = dict(fit_logistic("zh", skewed, targets, options=SMALL).terms)
    held = dict(fit_logistic("zh", skewed, targets,
                             options=LogisticOptions(**{**SMALL.__dict__, "topic_words": frozenset({"退款"})})).terms)
    assert free["退款"] < -0.1 and abs(held.get("退款", 0.0)) < 0.02


def test_neutral_targets_pull_their_words_towards_zero():
    texts = ["我要退货太差", "很好", "我要退货"] * 4
    plain = dict(fit_logistic("zh", texts[:2] * 6, [0, 1] * 6, options=SMALL).terms)
    mixed = dict(fit_logistic("zh", texts, [0, 1, 0.5] * 4, options=SMALL).terms)
    assert abs(mixed.get("退货", 0.0)) < abs(plain["退货"])


@pytest.mark.parametrize("targets, message", [([1.5, 0, 1, 0], "targets"), ([1, 1, 1, 1], "all targets"),
                                              ([1, 0], "at least 4")])
def test_unusable_training_sets_are_refused_naming_the_problem(targets, message):
    with pytest.raises(CalibrationError, match=message):
        fit_logistic("zh", ["好", "差", "很好", "太差"][:len(targets)], targets, options=SMALL)
