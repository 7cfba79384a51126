"""Appraisal maths: per-agent QA, training and CSAT figures, bands, sorting and CSV rows."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from training.appraisal import (
    CSV_HEADER,
    AgentRecords,
    AppraisalRow,
    AssignmentRecord,
    CsatCounts,
    EvaluationRecord,
    EvaluationTotals,
    appraisal_rows,
    csat_percent,
    rating_band,
    to_csv_rows,
    within,
)
from training.periods import parse_period

UTC = timezone.utc
AS_OF = datetime(2026, 12, 1, tzinfo=UTC)


def day(d, month=11):
    return datetime(2026, month, d, 10, 0, tzinfo=UTC)


def ev(score, auto_fail=False, d=10):
    return EvaluationRecord(score, auto_fail, day(d))


def job(status, due_d, completed=None, assigned_d=1, month=11):
    return AssignmentRecord(status, day(due_d, month), completed, day(assigned_d))


ALEX = AgentRecords(
    "alex", "North",
    evaluations=(ev(90.0), ev(80.0), ev(0.0, auto_fail=True), ev(95.5)),
    assignments=(job("completed", 15, day(12)), job("assigned", 20), job("overdue", 25), job("assigned", 30, None),
                 job("cancelled", 5)),
    csat=(5, 4, 3, 1),
)


def test_an_agent_row_adds_up_evaluations_training_and_csat():
    [row] = appraisal_rows([ALEX], AS_OF)
    assert row == AppraisalRow(
        agent="alex", team="North", qa_average=66.4, evaluations=4, critical_failures=1,
        courses_assigned=4, courses_completed=1, courses_overdue=3, csat_percent=50.0, rating="D",
    )


def test_an_agent_row_from_totals_and_csat_counts_is_the_row_from_the_records():
    summed = AgentRecords("alex", "North", assignments=ALEX.assignments, totals=EvaluationTotals(4, 265.5, 1),
                          csat_counts=CsatCounts(4, 2))
    assert appraisal_rows([summed], AS_OF) == appraisal_rows([ALEX], AS_OF)
    assert (EvaluationTotals.of(ALEX.evaluations), CsatCounts.of(ALEX.csat)) == (EvaluationTotals(4, 265.5, 1),
                                                                                 CsatCounts(4, 2))
    [empty] = appraisal_rows([AgentRecords("bo", totals=EvaluationTotals(), csat_counts=CsatCounts())], AS_OF)
    assert (empty.qa_average, empty.evaluations, empty.csat_percent, empty.rating) == (None, 0, None, None)


@pytest.mark.parametrize("build, message", [
    (lambda: EvaluationTotals(2, 150.0, 3), "critical failures must be 0..2"),
    (lambda: EvaluationTotals(-1, 0.0, 0), "evaluation count must be >= 0"),
    (lambda: CsatCounts(3, 4), "satisfied answers must be 0..3"),
])
def test_impossible_totals_are_refused_with_the_figure_named(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_an_agent_without_evaluations_or_csat_has_no_average_no_csat_and_no_rating():
    [row] = appraisal_rows([AgentRecords("bo", "North", assignments=(job("assigned", 5, month=12),))], AS_OF)
    assert (row.qa_average, row.evaluations, row.csat_percent, row.rating) == (None, 0, None, None)
    assert (row.courses_assigned, row.courses_overdue) == (1, 0)


def test_overdue_is_judged_at_the_as_of_moment():
    records = AgentRecords("cy", assignments=(job("assigned", 20),))
    assert appraisal_rows([records], day(19))[0].courses_overdue == 0
    assert appraisal_rows([records], day(21))[0].courses_overdue == 1


def test_cancelled_assignments_are_not_counted_at_all():
    [row] = appraisal_rows([AgentRecords("di", assignments=(job("cancelled", 2), job("cancelled", 3)))], AS_OF)
    assert (row.courses_assigned, row.courses_completed, row.courses_overdue) == (0, 0, 0)


@pytest.mark.parametrize(
    "average, band",
    [(100.0, "A"), (90.0, "A"), (89.9, "B"), (80.0, "B"), (79.9, "C"), (70.0, "C"), (69.9, "D"), (0.0, "D"),
     (None, None)],
)
def test_rating_bands_follow_the_documented_thresholds(average, band):
    assert rating_band(average) == band


def test_the_band_uses_the_average_as_shown_rounded_to_one_decimal():
    records = AgentRecords("ed", evaluations=(ev(89.96), ev(89.96)))
    row = appraisal_rows([records], AS_OF)[0]
    assert (row.qa_average, row.rating) == (90.0, "A")


@pytest.mark.parametrize(
    "values, expected",
    [((), None), ((5,), 100.0), ((3,), 0.0), ((4, 3, 2), 33.3), ((1, 2, 3, 4, 5), 40.0)],
)
def test_csat_percent_is_the_share_of_four_and_five(values, expected):
    assert csat_percent(values) == expected


def test_rows_are_sorted_by_team_then_agent_with_teamless_agents_last():
    agents = [AgentRecords("zoe", "South"), AgentRecords("amy"), AgentRecords("bob", "North"),
              AgentRecords("al", "South"), AgentRecords("ann", "North")]
    rows = appraisal_rows(agents, AS_OF)
    assert [(r.team, r.agent) for r in rows] == [("North", "ann"), ("North", "bob"), ("South", "al"),
                                                 ("South", "zoe"), (None, "amy")]


def test_an_agent_listed_twice_is_an_error():
    with pytest.raises(ValueError, match="agent 'alex' appears more than once"):
        appraisal_rows([AgentRecords("alex"), AgentRecords("alex", "North")], AS_OF)


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: EvaluationRecord(101.0, False, day(1)), r"evaluation score must be a number 0\.\.100, not 101\.0"),
        (lambda: EvaluationRecord(-0.5, False, day(1)), r"evaluation score must be a number"),
        (lambda: EvaluationRecord("80", False, day(1)), r"evaluation score must be a number"),
        (lambda: AssignmentRecord("done", day(1)), r"assignment status must be one of .*, not 'done'"),
        (lambda: AgentRecords("", "North"), r"agent must be a non-empty text"),
        (lambda: AgentRecords("fay", csat=(5, 6)), r"agent 'fay' csat\[1\]: must be a whole number 1\.\.5, not 6"),
        (lambda: AgentRecords("fay", csat=(0,)), r"agent 'fay' csat\[0\]: must be a whole number 1\.\.5"),
        (lambda: AgentRecords("fay", csat=(4.5,)), r"agent 'fay' csat\[0\]: must be a whole number 1\.\.5"),
    ],
)
def test_bad_records_are_refused_with_the_field_named(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_within_keeps_only_records_of_the_period():
    records = AgentRecords(
        "gus", "East",
        evaluations=(ev(70.0, d=30, ), EvaluationRecord(80.0, False, day(1, month=12))),
        assignments=(job("assigned", 20, assigned_d=3),
                     AssignmentRecord("assigned", day(5, month=12), None, day(30)),
                     AssignmentRecord("assigned", day(9, month=12), None, day(1, month=12)),
                     AssignmentRecord("assigned", day(10), None, None)),
        csat=(5,),
    )
    kept = within(records, parse_period("2026-11"))
    assert [e.score for e in kept.evaluations] == [70.0]
    assert [a.due_at for a in kept.assignments] == [day(20), day(5, month=12), day(10)]
    assert (kept.agent, kept.team, kept.csat) == ("gus", "East", (5,))


def test_csv_rows_start_with_the_header_and_hold_plain_values():
    rows = appraisal_rows([ALEX, AgentRecords("bo")], AS_OF)
    table = to_csv_rows(rows)
    assert table[0] == CSV_HEADER
    assert table[1] == ("alex", "North", 66.4, 4, 1, 4, 1, 3, 50.0, "D")
    assert table[2] == ("bo", "", "", 0, 0, 0, 0, 0, "", "")


@pytest.mark.parametrize("name", ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)"])
def test_csv_text_that_looks_like_a_formula_is_kept_as_text(name):
    table = to_csv_rows(appraisal_rows([AgentRecords(name)], AS_OF))
    assert table[1][0] == "'" + name


@pytest.mark.parametrize("record, counted", [
    (AssignmentRecord("assigned", day(20), None, day(3, month=12), caused_at=day(28)), day(28)),
    (AssignmentRecord("assigned", day(20), None, day(3)), day(3)),
    (AssignmentRecord("assigned", day(20)), day(20)),
])
def test_an_assignment_counts_at_its_conversation_else_when_assigned_else_when_due(record, counted):
    assert record.counted_at == counted


def test_an_assignment_made_in_december_for_a_november_conversation_counts_in_november():
    late = AssignmentRecord("assigned", day(17, month=12), None, day(3, month=12), caused_at=day(28))
    records = AgentRecords("gus", "East", evaluations=(), assignments=(late,), csat=())
    assert within(records, parse_period("2026-11")).assignments == (late,)
    assert within(records, parse_period("2026-12")).assignments == ()
