"""Calibration maths: n-grams, metrics, the seeded split, ridge fitting on synthetic data, JSON round trips."""
import json
import math
import random

import pytest

from scoring import sentiment as sentiment_module
from scoring.calibration import (Calibration, CalibrationError, FitOptions, accuracy, calibration_from_dict,
                                 calibration_from_json, evaluate, fit_calibration, identity_calibration,
                                 is_binary, ngrams, pearson_r, split_half)
from scoring.sentiment import DefaultSentiment, fit_language, shipped_calibration


@pytest.mark.parametrize("text, unit, sizes, expected", [
    ("Not GOOD, not good!", "word", (1,), {"not", "good"}),
    ("not good at all", "word", (2,), {"not good", "good at", "at all"}),
    ("I don't like it", "word", (1,), {"i", "don't", "like", "it"}),
    ("很 好", "char", (1, 2), {"很", "好", "很好"}),
    ("", "char", (1, 2), set()),
    ("a", "word", (2,), set()),
])
def test_ngrams_are_distinct_lower_cased_words_or_characters_without_spaces(text, unit, sizes, expected):
    assert ngrams(text, unit, sizes) == expected


@pytest.mark.parametrize("labels, binary", [([0, 1, 1, 0], True), ([1.0, 0.0], True), ([0, 1, 2], False),
                                            ([-0.5, 0.5], False), ([1, 1], True)])
def test_only_labels_that_are_all_zero_or_one_are_binary(labels, binary):
    assert is_binary(labels) is binary


def test_pearson_r_is_one_for_a_linear_relation_and_nan_when_one_side_is_constant():
    assert pearson_r([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson_r([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert math.isnan(pearson_r([1, 1, 1], [1, 2, 3]))
    assert math.isnan(pearson_r([1], [1]))
    with pytest.raises(ValueError):
        pearson_r([1, 2], [1])


def test_accuracy_counts_a_positive_polarity_as_label_one_and_zero_as_label_zero():
    assert accuracy([0.3, -0.2, 0.0, 0.9], [1, 0, 0, 0]) == 0.75
    with pytest.raises(ValueError):
        accuracy([], [])


@pytest.mark.parametrize("labels, metric", [([0, 1, 0, 1], "accuracy"), ([-2.0, 1.5, 0.0, 3.0], "pearson_r")])
def test_evaluate_picks_accuracy_for_binary_labels_and_pearson_otherwise(labels, metric):
    assert evaluate([-1.0, 1.0, -0.5, 0.8], labels)[0] == metric


def test_split_half_is_seeded_disjoint_and_complete():
    train, test = split_half(11, seed=3)
    assert (train, test) == split_half(11, seed=3)
    assert sorted(train + test) == list(range(11)) and len(train) == 5 and len(test) == 6
    assert split_half(11, seed=4) != (train, test)


def synthetic(n=300, seed=1):
    """y = 2 * feature + 1 for texts with "great", - 1 for texts with "awful", plus noise."""
    rng = random.Random(seed)
    features, texts, labels = [], [], []
    for i in range(n):
        f, good = rng.gauss(0, 1), i % 2 == 0
        features.append({"f": f, "unused": 5.0})
        texts.append(f"{'great' if good else 'awful'} item number{i % 5}")
        labels.append(2 * f + (1 if good else -1) + rng.gauss(0, 0.05))
    return features, texts, labels


def test_a_fitted_calibration_recovers_a_linear_relation_with_feature_and_words():
    features, texts, labels = synthetic()
    model = fit_calibration("en", features, texts, labels, ["f", "unused"],
                            FitOptions(feature_penalty=0.01, term_penalty=0.01, label_range=(-10.0, 10.0)))
    weights = dict(model.terms)
    # labels are mapped from -10..10 onto -1..1: y/10 = 0.2 f +- 0.1
    assert model.weights[0] / model.scales[0] == pytest.approx(0.2, abs=0.01)
    assert model.weights[1] == pytest.approx(0.0, abs=1e-6)  # a constant feature carries nothing
    assert weights["great"] - weights["awful"] == pytest.approx(0.2, abs=0.01)
    assert evaluate([model.polarity(f, t) for f, t in zip(features, texts)], labels)[1] > 0.99


def test_numeric_labels_are_mapped_from_their_observed_range_onto_minus_one_to_one():
    features, texts, labels = synthetic()
    model = fit_calibration("en", features, texts, labels, ["f"], FitOptions(term_penalty=0.01))
    assert (model.label_low, model.label_high, model.binary) == (min(labels), max(labels), False)
    raw = [model.raw(f, t) for f, t in zip(features, texts)]
    assert -1.2 < min(raw) < -0.8 and 0.8 < max(raw) < 1.2


def test_binary_labels_fit_a_classifier_whose_sign_is_the_prediction():
    features, texts, _ = synthetic()
    labels = [1 if t.startswith("great") else 0 for t in texts]
    model = fit_calibration("zh", features, texts, labels, ["f"], FitOptions(unit="char", ngram_sizes=(1, 2)))
    assert model.binary and (model.label_low, model.label_high) == (0.0, 1.0)
    assert accuracy([model.polarity(f, t) for f, t in zip(features, texts)], labels) == 1.0


def test_a_larger_penalty_shrinks_the_word_weights():
    features, texts, labels = synthetic()
    loose = dict(fit_calibration("en", features, texts, labels, ["f"], FitOptions(term_penalty=0.1)).terms)
    tight = dict(fit_calibration("en", features, texts, labels, ["f"], FitOptions(term_penalty=1000.0)).terms)
    assert abs(tight["great"]) < abs(loose["great"]) / 2


def test_rare_and_disallowed_ngrams_get_no_weight():
    features, texts, labels = synthetic(n=40)
    texts[0] += " once"
    model = fit_calibration("en", features, texts, labels, ["f"],
                            FitOptions(min_count=2, allowed_terms=frozenset({"great", "awful", "once"})))
    assert {t for t, _ in model.terms} == {"great", "awful"}


@pytest.mark.parametrize("features, texts, labels, message", [
    ([{}] * 3, ["a"] * 3, [0, 1, 0], "at least 4"),
    ([{}] * 4, ["a"] * 3, [0, 1, 0, 1], "same length"),
    ([{}] * 4, ["a"] * 4, [1, 1, 1, 1], "all labels are the same"),
    ([{}] * 4, ["a"] * 4, [0, 1, math.nan, 1], "finite"),
])
def test_unusable_training_sets_are_refused_with_the_reason(features, texts, labels, message):
    with pytest.raises(CalibrationError, match=message):
        fit_calibration("en", features, texts, labels, [])


def test_polarity_is_clipped_and_missing_features_count_as_their_mean():
    model = Calibration("en", ("f",), (1.0,), (2.0,), (3.0,), intercept=0.25, terms=(("bad", -0.5),))
    assert model.raw({}, "fine") == 0.25
    assert model.raw({"f": 2.0}, "bad bad") == pytest.approx(0.25 + 1.5 - 0.5)
    assert model.polarity({"f": 100.0}, "") == 1.0 and model.polarity({"f": -100.0}, "") == -1.0
    assert model.polarity({"f": math.nan}, "") == 0.0


def test_the_identity_calibration_returns_the_analyser_reading():
    model = identity_calibration("zh", "snownlp")
    assert [model.polarity({"snownlp": v}, "好") for v in (-0.4, 0.0, 0.9, 3.0)] == [-0.4, 0.0, 0.9, 1.0]


def test_a_calibration_survives_a_json_round_trip():
    features, texts, labels = synthetic(n=60)
    model = fit_calibration("en", features, texts, labels, ["f"], note="synthetic")
    again = calibration_from_json(model.to_json())
    assert again == model and again.polarity(features[0], texts[0]) == model.polarity(features[0], texts[0])


@pytest.mark.parametrize("change, message", [
    ({"format": 99}, "format"),
    ({"weights": [1.0, 2.0]}, "same length"),
    ({"scales": [0.0]}, "positive"),
    ({"means": ["x"]}, r"means\[0\]"),
    ({"unit": "syllable"}, "unit"),
    ({"terms": {"good": "high"}}, "terms.good"),
    ({"terms": ["good"]}, "terms"),
    ({"language": 5}, "language"),
])
def test_a_damaged_calibration_document_is_refused_naming_the_source_and_field(change, message):
    data = {**Calibration("en", ("f",), (0.0,), (1.0,), (1.0,)).to_dict(), **change}
    with pytest.raises(CalibrationError, match=f"instance/en.json: .*{message}"):
        calibration_from_dict(data, "instance/en.json")


@pytest.mark.parametrize("text", ["not json", "[1, 2]"])
def test_text_that_is_not_a_calibration_object_is_refused(text):
    with pytest.raises(CalibrationError, match="en.json"):
        calibration_from_json(text, "en.json")


def test_the_shipped_english_calibration_loads_and_weighs_both_analysers_and_words():
    model = shipped_calibration("en")
    assert set(model.features) == set(sentiment_module.FEATURES["en"])
    assert model.terms and (model.label_low, model.label_high) == (-4.0, 4.0)
    assert json.loads(model.to_json())["language"] == "en"


def fake_featurizer(text):
    return {"snownlp": 0.5 if "好" in text else -0.5}


def test_fit_language_uses_the_family_s_options_and_the_given_featurizer():
    texts = ["很好", "不好", "非常好", "太差"] * 5
    labels = [1, 0, 1, 0] * 5
    model = fit_language("zh-CN", texts, labels, featurizer=fake_featurizer)
    # the shipped Chinese model reads n-grams only: a fit weighs its output ("base") and n-grams
    assert (model.language, model.unit, model.ngram_sizes, model.features) == ("zh", "char", (1, 2), ("base",))
    assert model.base == shipped_calibration("zh")
    assert accuracy([model.polarity(fake_featurizer(t), t) for t in texts], labels) == 1.0


def test_default_sentiment_uses_a_given_calibration_for_its_language():
    flipped = Calibration("zh", unit="char", terms=(("好", -0.5), ("差", 0.5)))
    assert DefaultSentiment({"zh": flipped}).polarity(["好的", "差"], "zh") == [-0.5, 0.5]


def test_a_logistic_calibration_reads_its_sum_as_log_odds_and_round_trips_through_json():
    model = Calibration("zh", unit="char", terms=(("好", 2.0),), link="logistic")
    assert model.polarity({}, "好") == pytest.approx(2 / (1 + math.exp(-2.0)) - 1)
    assert model.polarity({}, "嗯") == 0.0
    assert calibration_from_json(model.to_json()) == model


def test_a_calibration_with_an_unknown_link_is_refused_naming_the_field():
    data = {**Calibration("zh").to_dict(), "link": "probit"}
    with pytest.raises(CalibrationError, match="zh.json: link"):
        calibration_from_dict(data, "zh.json")


def test_a_calibration_reads_only_the_analysers_it_names():
    stacked = Calibration("en", ("base", "vader_compound"), (0.0, 0.0), (1.0, 1.0), (1.0, 1.0),
                          base=Calibration("en", ("textblob",), (0.0,), (1.0,), (1.0,)))
    assert stacked.needed_features() == {"vader_compound", "textblob"}
    assert Calibration("zh", unit="char", terms=(("好", 1.0),)).needed_features() == set()


def test_calibrations_for_unknown_language_families_are_refused():
    with pytest.raises(ValueError, match="fr"):
        DefaultSentiment({"fr": identity_calibration("fr", "x")})


def test_a_fit_on_a_base_weighs_the_base_output_and_keeps_the_base():
    features, texts, labels = synthetic()
    base = Calibration("en", ("f",), (0.0,), (1.0,), (0.1,))
    model = fit_calibration("en", features, texts, labels, ["f"], FitOptions(term_penalty=0.01), base=base)
    assert model.features == ("f", "base") and model.base == base
    # the base is a copy of f: ridge shares the weight between the two, the sum stays as without a base
    alone = fit_calibration("en", features, texts, labels, ["f"], FitOptions(term_penalty=0.01))
    combined = model.weights[0] / model.scales[0] + 0.1 * model.weights[1] / model.scales[1]
    assert combined == pytest.approx(alone.weights[0] / alone.scales[0], rel=0.01)
    assert calibration_from_json(model.to_json()) == model


def test_precomputed_base_values_in_the_rows_are_used_instead_of_the_base_s_output():
    features, texts, labels = synthetic()
    base = Calibration("en", ("f",), (0.0,), (1.0,), (0.1,))
    given = [{**row, "base": 0.0} for row in features]  # a constant: it can carry no weight
    model = fit_calibration("en", given, texts, labels, ["f"], FitOptions(term_penalty=0.01), base=base)
    assert model.weights[1] == pytest.approx(0.0, abs=1e-6)


def test_a_damaged_base_is_refused_naming_it():
    data = Calibration("en", base=Calibration("en")).to_dict()
    data["base"]["unit"] = "syllable"
    with pytest.raises(CalibrationError, match="stored.json: base: .*unit"):
        calibration_from_dict(data, "stored.json")


def test_a_fit_builds_on_the_shipped_model_of_its_language():
    from scoring.sentiment import fit_base
    assert fit_base("en") == shipped_calibration("en") and fit_base("zh") == shipped_calibration("zh")
