"""`qadesk agreement FILE.csv` on small ratings tables: the published examples, text output and bad files."""
from __future__ import annotations

import json

import pytest

from qa_app.cli import main
from qa_app.commands import agreement as agreement_commands

if "agreement" not in main.commands:  # until qa_app/cli.py registers the command itself
    agreement_commands.register(main)

# Krippendorff (2011): 12 units (rows) x 4 observers, empty = missing; nominal alpha 0.743, interval 0.849.
KRIPPENDORFF_CSV = """unit,A,B,C,D
u1,1,1,,1
u2,2,2,3,2
u3,3,3,3,3
u4,3,3,3,3
u5,2,2,2,2
u6,1,2,3,4
u7,4,4,4,4
u8,1,1,2,1
u9,2,2,2,2
u10,,5,5,5
u11,,,1,1
u12,,3,,
"""
# Shrout & Fleiss (1979), table 2; ICC(2,1) = 0.29.
SHROUT_FLEISS_CSV = "target,j1,j2,j3,j4\n1,9,2,5,8\n2,6,1,3,2\n3,8,4,6,8\n4,7,1,2,6\n5,10,5,6,9\n6,6,2,4,7\n"
VERDICTS_CSV = "conversation,ann,bob,cy\nc1,pass,pass,fail\nc2,na,na,na\nc3,fail,,fail\nc4,pass,pass,pass\n"


def write(tmp_path, text, name="ratings.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return str(path)


def run_json(cli, *args):
    result = cli("agreement", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_nominal_json_has_sizes_percent_agreement_alpha_and_fleiss_kappa(cli, tmp_path):
    doc = run_json(cli, write(tmp_path, KRIPPENDORFF_CSV))
    assert (doc["n_items"], doc["n_raters"], doc["n_ratings"], doc["level"]) == (12, 4, 41, "nominal")
    assert doc["krippendorff_alpha"] == pytest.approx(0.743, abs=5e-4)
    assert 0 < doc["percent_agreement"] < 1 and 0 < doc["fleiss_kappa"] < 1
    assert doc["items_used"]["krippendorff_alpha"] == 11
    assert "icc" not in doc


def test_interval_json_has_alpha_and_icc(cli, tmp_path):
    assert run_json(cli, write(tmp_path, KRIPPENDORFF_CSV), "--level", "interval")["krippendorff_alpha"] == \
        pytest.approx(0.849, abs=5e-4)
    doc = run_json(cli, write(tmp_path, SHROUT_FLEISS_CSV), "--level", "interval")
    assert doc["icc"] == pytest.approx(0.2898, abs=5e-5)
    assert "fleiss_kappa" not in doc


def test_verdict_labels_are_read_as_nominal_categories_and_two_raters_get_cohens_kappa(cli, tmp_path):
    doc = run_json(cli, write(tmp_path, VERDICTS_CSV))
    assert doc["percent_agreement"] == pytest.approx((1 / 3 + 1 + 1 + 1) / 4)
    two = run_json(cli, write(tmp_path, "id,ann,bob\n1,pass,pass\n2,fail,fail\n3,pass,fail\n4,na,na\n", "two.csv"))
    assert two["cohen_kappa"] is not None and two["fleiss_kappa"] is not None


def test_tolerance_widens_what_counts_as_agreeing_scores(cli, tmp_path):
    path = write(tmp_path, "id,a,b\n1,80,82\n2,70,70\n3,90,99\n")
    exact = run_json(cli, path, "--level", "interval")["percent_agreement"]
    within = run_json(cli, path, "--level", "interval", "--tolerance", "2")["percent_agreement"]
    assert (exact, within) == (pytest.approx(1 / 3), pytest.approx(2 / 3))


def test_a_tsv_file_is_read_with_tabs(cli, tmp_path):
    doc = run_json(cli, write(tmp_path, SHROUT_FLEISS_CSV.replace(",", "\t"), "ratings.tsv"), "--level", "interval")
    assert doc["icc"] == pytest.approx(0.2898, abs=5e-5)


def test_the_text_output_names_each_statistic(cli, tmp_path):
    result = cli("agreement", write(tmp_path, VERDICTS_CSV))
    assert result.exit_code == 0, result.output
    assert "4 items, 3 raters, 11 ratings (nominal)" in result.stdout
    for label in ("percent agreement", "Krippendorff's alpha", "Fleiss' kappa"):
        assert label in result.stdout


def test_a_table_without_variation_reports_undefined_statistics_instead_of_failing(cli, tmp_path):
    path = write(tmp_path, "id,a,b\n1,pass,pass\n2,pass,pass\n3,,pass\n")
    doc = run_json(cli, path)
    assert doc["percent_agreement"] == 1.0
    assert doc["krippendorff_alpha"] is None and doc["fleiss_kappa"] is None and doc["cohen_kappa"] is None
    assert "no variation" in doc["undefined"]["krippendorff_alpha"]
    text = cli("agreement", path).stdout
    assert "undefined (no variation" in text


@pytest.mark.parametrize("text, args, message", [
    ("id,a,b\n1,x,y\n2,x\n", (), "ratings.csv, line 3: 2 fields, expected 3"),
    ("id,a,b\n1,80,pass\n", ("--level", "interval"), "ratings.csv, line 2, column 3 ('b'): 'pass' is not a number"),
    ("id,only\n1,pass\n", (), "ratings.csv, line 1: the header names 1 rater(s)"),
    ("id,a,b\n", (), "ratings.csv: no items"),
    ("", (), "ratings.csv: empty file"),
    ("id,a,b\n1,2,3\n", ("--tolerance", "1"), "--tolerance needs numeric ratings"),
])
def test_bad_tables_fail_with_the_file_line_and_column(cli, tmp_path, text, args, message):
    result = cli("agreement", write(tmp_path, text), *args, "--json")
    assert result.exit_code == 1
    assert message in result.output
    assert result.stdout == ""  # the error goes to stderr, no JSON document


def test_a_file_that_is_not_utf8_is_refused(cli, tmp_path):
    path = tmp_path / "ratings.csv"
    path.write_bytes("id,a,b\n1,通过,不通过\n".encode("gb18030"))
    result = cli("agreement", str(path))
    assert result.exit_code == 1 and "not UTF-8 text" in result.output


def test_an_unknown_level_or_a_missing_file_is_a_usage_error(cli, tmp_path):
    assert cli("agreement", write(tmp_path, VERDICTS_CSV), "--level", "binary").exit_code == 2
    assert cli("agreement", str(tmp_path / "absent.csv")).exit_code == 2
