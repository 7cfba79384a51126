"""The appraisal's agent score columns: mean of the counted scores, n, 95 % interval and reviews still needed."""
from __future__ import annotations

import math
from datetime import datetime, timezone

import pytest

from training.appraisal import (CSV_HEADER, REPORT_HEADER, AgentRecords, EvaluationRecord, appraisal_rows,
                                certainty_columns, to_csv_rows, within)
from training.periods import parse_period

AS_OF = datetime(2026, 11, 30, tzinfo=timezone.utc)


def scored(*scores: float, month: int = 11) -> tuple[EvaluationRecord, ...]:
    return tuple(EvaluationRecord(score=s, auto_fail=s == 0, at=datetime(2026, month, 10, tzinfo=timezone.utc))
                 for s in scores)


def test_five_counted_scores_give_their_mean_interval_and_reviews_needed():
    # mean 80, sd sqrt(62.5), half-width t(0.975, 4) * sd / sqrt(5) = 9.82
    columns = certainty_columns([80, 90, 70, 85, 75])
    assert columns == {"qa_score": 80.0, "qa_n": 5, "qa_ci_low": 70.2, "qa_ci_high": 89.8, "reviews_needed": 8}
    # 13 scores: t(0.975, 12) * sd / sqrt(13) = 2.179 * 7.906 / 3.606 = 4.78; 12 give 2.201 * 7.906 / 3.464 = 5.02
    assert 2.179 * math.sqrt(62.5) / math.sqrt(13) <= 5 < 2.201 * math.sqrt(62.5) / math.sqrt(12)


@pytest.mark.parametrize("scores, expected", [
    ([], {"qa_score": None, "qa_n": 0, "qa_ci_low": None, "qa_ci_high": None, "reviews_needed": None}),
    ([64.0], {"qa_score": 64.0, "qa_n": 1, "qa_ci_low": None, "qa_ci_high": None, "reviews_needed": None}),
    ([100, 100, 100], {"qa_score": 100.0, "qa_n": 3, "qa_ci_low": 100.0, "qa_ci_high": 100.0, "reviews_needed": 0}),
    # mean 95, sd 7.07: 95 ± 12.706 * 5 runs past 100 and is clipped there; 11 scores get within ±5 (4.75)
    ([100, 90], {"qa_score": 95.0, "qa_n": 2, "qa_ci_low": 31.5, "qa_ci_high": 100.0, "reviews_needed": 9}),
])
def test_few_or_equal_scores_give_no_or_a_clipped_interval(scores, expected):
    assert certainty_columns(scores) == expected


def test_a_row_carries_the_agent_score_beside_the_final_evaluation_average():
    records = AgentRecords("alex", "North", evaluations=scored(0.0, 90.0), scored=scored(90.0, 70.0, 80.0))
    [row] = appraisal_rows([records], AS_OF)
    assert (row.qa_average, row.evaluations) == (45.0, 2)
    assert (row.qa_score, row.qa_n, row.reviews_needed) == (80.0, 3, 15)
    assert row.qa_ci_low == pytest.approx(80 - 4.303 * 10 / math.sqrt(3), abs=0.06)
    assert row.qa_ci_high == 100.0  # 80 + 24.8, clipped


def test_within_keeps_only_the_scores_made_in_the_period():
    records = AgentRecords("gus", scored=scored(70.0) + scored(20.0, month=12))
    assert [e.score for e in within(records, parse_period("2026-11")).scored] == [70.0]


def test_the_report_csv_adds_the_certainty_columns_after_the_plain_ones():
    rows = appraisal_rows([AgentRecords("bo", scored=scored(80.0, 90.0, 70.0))], AS_OF)
    table = to_csv_rows(rows, REPORT_HEADER)
    assert table[0] == CSV_HEADER + ("qa_score", "qa_n", "qa_ci_low", "qa_ci_high", "reviews_needed")
    assert table[1][len(CSV_HEADER):] == (80.0, 3, 55.2, 100.0, 15)
    assert len(to_csv_rows(rows)[1]) == len(CSV_HEADER)


def test_an_unknown_column_is_refused():
    with pytest.raises(ValueError, match="unknown appraisal columns: bonus"):
        to_csv_rows([], CSV_HEADER + ("bonus",))
