"""Reading reviewer labels and the label -> scorecard criteria mapping (scoring.validity_labels)."""
import json

import pytest

from scoring.validity_labels import DEFAULT_MAPPING, Label, LabelsError, parse_labels, parse_mapping

GOOD = {"verdict": "good", "expected_score_band": [80, 100], "auto_fail": False,
        "criteria": {"greeting": "pass", "three_checks": "na", "customer_sentiment_end": "positive"},
        "why": "fine"}


def test_a_label_in_the_qa_dev_format_is_read_with_every_field():
    (parsed,) = parse_labels(json.dumps({"c1": GOOD}), "labels.json").values()
    assert parsed == Label("c1", "good", (80.0, 100.0), False,
                           {"greeting": "pass", "three_checks": "na", "customer_sentiment_end": "positive"}, "fine")


def test_fields_may_be_left_out_but_not_all_of_them():
    assert parse_labels('{"c1": {"criteria": {"closing": "fail"}}}')["c1"].verdict is None
    with pytest.raises(LabelsError, match="nothing to compare"):
        parse_labels('{"c1": {"why": "x"}}')


@pytest.mark.parametrize("text, message", [
    ('{"c1": {"verdict": "good",}}', r"labels.json, line 1, column \d+: not valid JSON"),
    ('[1, 2]', "expected a JSON object"),
    ('{}', "no labels"),
    ('{"c1": "good"}', "a label must be a JSON object"),
    ('{\n"c0": {"verdict": "bad"},\n"c1": {"verdict": "great"}}', r"line 3 \(label 'c1'\), field 'verdict': \"great\""),
    ('{"c1": {"expected_score_band": [90, 10]}}', "field 'expected_score_band'"),
    ('{"c1": {"expected_score_band": [0, 120]}}', "field 'expected_score_band'"),
    ('{"c1": {"auto_fail": "no"}}', "field 'auto_fail': \"no\" is not true or false"),
    ('{"c1": {"criteria": {"greeting": "yes"}}}', "field 'criteria.greeting': \"yes\" is not one of pass, fail, na"),
    ('{"c1": {"criteria": {"customer_sentiment_end": "pass"}}}', "criteria.customer_sentiment_end"),
    ('{"c1": {"criteria": {"greting": "pass"}}}', "criteria.greting': unknown criterion"),
    ('{"c1": {"verdict": "good", "verdcit": "bad"}}', "field 'verdcit': unknown field"),
    ('{"c1": {"verdict": "good", "why": 3}}', "field 'why'"),
])
def test_a_bad_labels_file_names_the_file_the_line_and_the_field(text, message):
    with pytest.raises(LabelsError, match=message):
        parse_labels(text, "labels.json")


def test_criteria_known_only_through_a_custom_mapping_are_accepted():
    assert parse_labels('{"c1": {"criteria": {"tone": "fail"}}}', mapping={"tone": ("politeness",)})["c1"].criteria \
        == {"tone": "fail"}


@pytest.mark.parametrize("text, expected", [
    ("greeting: opening_greeting\n", {"greeting": ("opening_greeting",)}),
    ('{"forbidden_language": ["forbidden_phrases", "sarcasm"]}', {"forbidden_language": ("forbidden_phrases", "sarcasm")}),
])
def test_a_mapping_file_is_yaml_or_json_with_one_id_or_a_list(text, expected):
    assert parse_mapping(text) == expected


@pytest.mark.parametrize("text, message", [
    ("greeting: [", r"mapping.yaml, line \d+: not valid YAML"),
    ("- greeting\n", "expected a mapping"),
    ("greeting: []\n", "criterion 'greeting'"),
    ("greeting: 3\n", "criterion 'greeting'"),
    ("customer_sentiment_end: mood\n", "always reads the stored mood"),
])
def test_a_bad_mapping_file_is_refused_naming_the_file_and_criterion(text, message):
    with pytest.raises(LabelsError, match=message):
        parse_mapping(text, "mapping.yaml")


def test_the_default_mapping_maps_three_checks_to_sancha_sanhe_and_language_to_forbidden_phrases():
    assert DEFAULT_MAPPING["three_checks"] == ("sancha_sanhe",)
    assert DEFAULT_MAPPING["forbidden_language"] == ("forbidden_phrases",)
