"""`qadesk sentiment eval / fit / reset` on small generated CSV and TSV files, with the real engines."""
from __future__ import annotations

import csv
import json
import random

import pytest

from qa_app.cli import main
from qa_app.commands import sentiment as sentiment_commands

if "sentiment" not in main.commands:  # until qa_app/cli.py registers the group itself
    sentiment_commands.register(main)

POSITIVE_EN = ["Great product, works perfectly.", "I love it, excellent quality.",
               "Very happy with this purchase!", "Fantastic, fast delivery and friendly help.",
               "Good value, really nice.", "Wonderful, thank you so much."]
NEGATIVE_EN = ["Terrible, it broke after a day.", "Awful quality, very disappointed.", "Worst purchase ever, useless.",
               "Horrible service, I am angry.", "Bad product, waste of money.", "Poor fit and ugly colour."]
POSITIVE_ZH = ["质量很好，非常满意", "很好用，谢谢客服", "物流很快，好评", "非常喜欢，推荐购买", "包装精美，很好",
               "满意，下次还来"]
NEGATIVE_ZH = ["质量太差了，非常失望", "很差，不推荐", "物流太慢，生气", "坏了，要退货", "太失望了，差评",
               "做工粗糙，很差"]


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def write_rows(path, header, rows, delimiter=","):
    """A CSV with csv's quoting, or a TSV written as is (quotes in its cells stay literal)."""
    if delimiter == ",":
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows([header, *rows])
    else:
        lines = [delimiter.join(header)] + [delimiter.join(str(c) for c in row) for row in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def binary_rows(positive, negative, copies=2):
    rows = [(text, 1) for text in positive] + [(text, 0) for text in negative]
    rows = rows * copies
    random.Random(3).shuffle(rows)
    return rows


def test_eval_reports_accuracy_for_zero_one_labels(cli, tmp_path):
    path = write_rows(tmp_path / "reviews.csv", ["text", "label"], binary_rows(POSITIVE_EN, NEGATIVE_EN, 1))
    result = _json(cli("sentiment", "eval", path, "--lang", "en", "--json"))
    assert result["n"] == 12 and result["metric"] == "accuracy" and "pearson_r" not in result
    assert result["accuracy"] >= 0.9
    assert (result["text_column"], result["label_column"]) == ("text", "label")


def test_eval_reports_pearson_r_for_numeric_labels_in_a_tsv_with_lone_quotes(cli, tmp_path):
    rows = [("1", 3.1, "Absolutely amazing, I love it!"), ("2", 1.2, 'a "decent" case'),
            ("3", 0.0, "The box is blue."), ("4", -1.5, "not great, a bit disappointing"),
            ("5", -3.2, "Horrible, the worst thing I have ever bought.")]
    path = write_rows(tmp_path / "scores.tsv", ["id", "score", "text"], rows, delimiter="\t")
    result = _json(cli("sentiment", "eval", path, "--lang", "en", "--json"))
    assert result["n"] == 5 and result["metric"] == "pearson_r" and result["pearson_r"] > 0.8


def test_eval_takes_named_columns_and_sniffs_a_tab_separated_file_without_extension(cli, tmp_path):
    rows = [(text, "good" if label else "bad", label) for text, label in binary_rows(POSITIVE_ZH, NEGATIVE_ZH, 1)]
    path = write_rows(tmp_path / "labelled", ["评论", "note", "y"], rows, delimiter="\t")
    result = _json(cli("sentiment", "eval", path, "--lang", "zh", "--text-column", "评论", "--label-column", "y",
                       "--json"))
    assert result["n"] == 12 and result["metric"] == "accuracy" and result["accuracy"] >= 0.75


def test_without_a_known_text_column_the_longest_non_numeric_column_is_taken(cli, tmp_path):
    rows = [("shop", label, text) for text, label in binary_rows(POSITIVE_EN, NEGATIVE_EN, 1)]
    path = write_rows(tmp_path / "r.csv", ["cat", "label", "body"], rows)
    assert _json(cli("sentiment", "eval", path, "--lang", "en", "--json"))["text_column"] == "body"


def test_rows_without_text_are_skipped_and_counted(cli, tmp_path):
    path = write_rows(tmp_path / "r.csv", ["text", "label"], [("Great!", 1), ("", 0), ("Awful.", 0)])
    result = _json(cli("sentiment", "eval", path, "--lang", "en", "--json"))
    assert (result["n"], result["skipped"]) == (2, 1)


def test_fit_reports_before_and_after_on_the_held_out_half_and_stores_the_calibration(cli, tmp_path, instance_dir):
    path = write_rows(tmp_path / "zh.csv", ["cat", "label", "review"],
                      [("衣服", label, text) for text, label in binary_rows(POSITIVE_ZH, NEGATIVE_ZH)])
    result = _json(cli("sentiment", "fit", "--lang", "zh", path, "--json"))
    assert (result["n_train"], result["n_test"], result["metric"]) == (12, 12, "accuracy")
    assert 0 <= result["before"] <= 1 and result["after"] >= 0.9
    stored = instance_dir / "sentiment" / "zh.json"
    assert result["stored"] == str(stored) and result["n_stored"] == 24
    assert json.loads(stored.read_text(encoding="utf-8"))["language"] == "zh"
    # eval now uses the stored calibration, which learnt these very texts
    assert _json(cli("sentiment", "eval", path, "--lang", "zh", "--json"))["accuracy"] == 1.0


def test_fit_with_the_same_seed_gives_the_same_figures_and_then_starts_from_the_stored_calibration(cli, tmp_path):
    rows = [(text, round(random.Random(i).uniform(0.5, 4), 2) * (1 if text in POSITIVE_EN else -1))
            for i, text in enumerate(POSITIVE_EN + NEGATIVE_EN)]
    path = write_rows(tmp_path / "en.csv", ["text", "score"], rows)
    first = _json(cli("sentiment", "fit", "--lang", "en", path, "--seed", "5", "--json"))
    assert first["metric"] == "pearson_r" and (first["n_train"], first["n_test"]) == (6, 6)
    second = _json(cli("sentiment", "fit", "--lang", "en", path, "--seed", "5", "--json"))
    assert second["after"] == first["after"]
    # "before" is now the stored calibration, fitted on every row, the held-out half included
    assert second["before"] > 0.9
    text = cli("sentiment", "fit", "--lang", "en", path, "--seed", "5")
    assert text.exit_code == 0 and "pearson_r on 6 held-out texts: before" in text.stdout
    assert "en.json" in text.stdout


def test_reset_removes_the_stored_calibration(cli, tmp_path, instance_dir):
    path = write_rows(tmp_path / "en.csv", ["text", "label"], binary_rows(POSITIVE_EN, NEGATIVE_EN))
    _json(cli("sentiment", "fit", "--lang", "en", path, "--json"))
    assert _json(cli("sentiment", "reset", "--lang", "en", "--json")) == {"language": "en", "removed": True}
    assert not (instance_dir / "sentiment" / "en.json").exists()
    assert _json(cli("sentiment", "reset", "--lang", "en", "--json"))["removed"] is False


def test_a_damaged_stored_calibration_is_reported_with_its_path(cli, tmp_path, instance_dir):
    (instance_dir / "sentiment").mkdir()
    (instance_dir / "sentiment" / "en.json").write_text("{broken", encoding="utf-8")
    path = write_rows(tmp_path / "r.csv", ["text", "label"], [("Great!", 1), ("Awful.", 0)])
    result = cli("sentiment", "eval", path, "--lang", "en")
    assert result.exit_code == 1 and "en.json" in result.stderr and "not JSON" in result.stderr


@pytest.mark.parametrize("header, rows, options, message", [
    (["text", "label"], [("Great", 1)], ["--label-column", "stars"], "no column 'stars'"),
    (["text", "label"], [("Great", 1)], ["--text-column", "body"], "no column 'body'"),
    (["text", "rating"], [("Great", 1)], [], "no label column"),
    (["id", "label"], [(1, 1), (2, 0)], [], "no text column"),
    (["text", "label"], [("Great", 1), ("Awful", "bad")], [], "r.csv:3: column 'label': expected a number, got 'bad'"),
    (["text", "label"], [("Great", 1), ("Awful", "")], [], "r.csv:3: column 'label'"),
    (["text", "label"], [("Great", 1), ("Awful", "nan")], [], "r.csv:3"),
    (["text", "label"], [], [], "no data rows"),
    (["text", "label"], [("", 1)], [], "no rows with text"),
])
def test_bad_input_is_refused_naming_the_file_line_and_column(cli, tmp_path, header, rows, options, message):
    path = write_rows(tmp_path / "r.csv", header, rows)
    result = cli("sentiment", "eval", path, "--lang", "en", *options)
    assert result.exit_code == 1 and message in result.stderr and str(tmp_path / "r.csv") in result.stderr


def test_an_empty_file_is_refused(cli, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    for command in (["eval", str(path), "--lang", "en"], ["fit", str(path), "--lang", "zh"]):
        result = cli("sentiment", *command)
        assert result.exit_code == 1 and f"{path}: empty file" in result.stderr


@pytest.mark.parametrize("rows, message", [
    ([("Great", 1), ("Awful", 0), ("Fine", 1)], "at least 8 labelled rows"),
    ([(f"text {i}", 1) for i in range(10)], "all labels are the same"),
])
def test_fit_refuses_too_few_rows_or_a_single_label_and_stores_nothing(cli, tmp_path, instance_dir, rows, message):
    path = write_rows(tmp_path / "r.csv", ["text", "label"], rows)
    result = cli("sentiment", "fit", path, "--lang", "en")
    assert result.exit_code == 1 and message in result.stderr
    assert not (instance_dir / "sentiment" / "en.json").exists()


@pytest.mark.parametrize("command", ["eval", "fit"])
def test_an_unknown_language_is_a_usage_error(cli, tmp_path, command):
    path = write_rows(tmp_path / "r.csv", ["text", "label"], [("Great", 1)])
    result = cli("sentiment", command, path, "--lang", "fr")
    assert result.exit_code == 2 and "'fr' is not one of 'en', 'zh'" in result.stderr


def test_a_missing_file_is_a_usage_error(cli, tmp_path):
    result = cli("sentiment", "eval", str(tmp_path / "nope.csv"), "--lang", "en")
    assert result.exit_code == 2 and "nope.csv" in result.stderr


def test_the_service_fits_with_a_given_featurizer_and_the_stamp_tells_a_new_calibration(app, tmp_path):
    from qa_app.services import sentiment as service
    path = write_rows(tmp_path / "zh.csv", ["label", "review"],
                      [(label, text) for text, label in binary_rows(POSITIVE_ZH, NEGATIVE_ZH)])
    assert service.calibration_stamp() == ()
    # The instance uses SnowNLP's reading (the runner-up), which this featurizer gives as a constant 0
    from scoring.sentiment import shipped_calibration
    service.calibration_path("zh").parent.mkdir(parents=True, exist_ok=True)
    service.calibration_path("zh").write_text(shipped_calibration("zh", "snownlp").to_json(), encoding="utf-8")
    result = service.fit_file(path, "zh", featurizer=lambda text: {"snownlp": 0.0}, seed=1)
    # a constant reading of 0 calls every text negative: "before" is the share of negatives held out
    assert result["before"] <= 0.75 and result["after"] > result["before"] and result["improved"] is True
    stamp = service.calibration_stamp()
    assert [family for family, _ in stamp] == ["zh"]
    assert set(service.load_calibrations()) == {"zh"}
    assert service.reset("zh") and service.calibration_stamp() == ()
