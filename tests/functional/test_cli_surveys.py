"""`qadesk surveys import FILE.csv [--json]`: the report, the exit status, and a second run that stores nothing."""
from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES

ANSWERS = ("survey_id,conversation_id,kind,rating,comment,responded_at\n"
           "S1,t-good-1,csat,4,Thank you! Mail me at sam@example.com,2026-11-11T09:00:00Z\n"
           "S2,t-bad-1,nps,2,,2026-11-11\n"
           "S3,t-none,csat,5,,2026-11-11\n"
           "S4,t-good-1,csat,9,,2026-11-11\n")


@pytest.fixture
def answers(cli, fake_sentiment, frozen_clock, tmp_path):
    assert cli("ingest", str(FIXTURES / "new_agent.ndjson"), "--create-agents").exit_code == 0
    path = tmp_path / "answers.csv"
    path.write_text(ANSWERS, encoding="utf-8")
    return str(path)


def test_the_json_report_lists_bad_rows_with_line_and_reason_and_the_exit_status_is_1(cli, answers):
    result = cli("surveys", "import", answers, "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["imported"], report["already_imported"], report["bad"], report["csat_updated"]) == (2, 0, 2, 1)
    assert report["errors"] == [{"line": 4, "reason": "conversation_id: no conversation with id 't-none'"},
                                {"line": 5, "reason": "rating: a CSAT rating must be 1 to 5, got 9"}]
    assert [(r["line"], r["conversation"], r["kind"], r["rating"]) for r in report["rows"]] == [
        (2, "t-good-1", "csat", 4), (3, "t-bad-1", "nps", 2)]
    shown = json.loads(cli("show", "t-good-1", "--json").stdout)
    assert shown["csat"] == 4


def test_a_second_import_of_the_same_file_stores_nothing_and_reports_already_imported(cli, answers):
    cli("surveys", "import", answers)
    again = cli("surveys", "import", answers)
    assert again.exit_code == 1
    assert "imported 0, already imported 2, bad 2" in again.stdout
    assert "line 5: rating: a CSAT rating must be 1 to 5, got 9" in again.stdout


def test_a_file_with_only_good_rows_exits_0(cli, answers, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("\n".join(ANSWERS.splitlines()[:3]) + "\n", encoding="utf-8-sig")  # with a byte-order mark
    result = cli("surveys", "import", str(good))
    assert result.exit_code == 0, result.output
    assert "imported 2, already imported 0, bad 0" in result.stdout


def test_a_file_that_is_not_a_survey_csv_fails_naming_the_file(cli, answers, tmp_path):
    notes = tmp_path / "notes.ndjson"
    notes.write_text('{"id": "x", "turns": []}\n', encoding="utf-8")
    result = cli("surveys", "import", str(notes))
    assert result.exit_code == 1
    assert f"{notes}: not a survey file: no column kind, rating, responded_at" in result.output
