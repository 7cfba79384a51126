"""Reporting periods: months, quarters and years in UTC, and the errors for everything else."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from training.periods import Period, PeriodError, parse_period, period_of

UTC = timezone.utc


def utc(year, month, day=1):
    return datetime(year, month, day, tzinfo=UTC)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-11", Period("2026-11", utc(2026, 11), utc(2026, 12), "month")),
        ("2026-12", Period("2026-12", utc(2026, 12), utc(2027, 1), "month")),
        ("2026-1", Period("2026-01", utc(2026, 1), utc(2026, 2), "month")),
        ("2028-02", Period("2028-02", utc(2028, 2), utc(2028, 3), "month")),
        ("2026-Q1", Period("2026-Q1", utc(2026, 1), utc(2026, 4), "quarter")),
        ("2026-Q4", Period("2026-Q4", utc(2026, 10), utc(2027, 1), "quarter")),
        ("2026-q2", Period("2026-Q2", utc(2026, 4), utc(2026, 7), "quarter")),
        ("2026", Period("2026", utc(2026, 1), utc(2027, 1), "year")),
        (" 2026-11 ", Period("2026-11", utc(2026, 11), utc(2026, 12), "month")),
    ],
)
def test_a_label_names_a_utc_period_with_an_exclusive_end(text, expected):
    period = parse_period(text)
    assert period == expected
    assert period.start.tzinfo is UTC and period.end.tzinfo is UTC


@pytest.mark.parametrize(
    "text, message",
    [
        ("", r"^period is empty; expected a month \(2026-11\), a quarter \(2026-Q4\) or a year \(2026\)$"),
        ("   ", r"^period is empty"),
        (None, r"^period is empty"),
        ("2026-13", r"^period '2026-13': month 13 is not between 1 and 12$"),
        ("2026-00", r"^period '2026-00': month 0 is not between 1 and 12$"),
        ("2026-Q5", r"^period '2026-Q5': quarter 5 is not between 1 and 4$"),
        ("2026-Q0", r"^period '2026-Q0': quarter 0 is not between 1 and 4$"),
        ("26-11", r"^period '26-11' is not valid; expected a month"),
        ("2026/11", r"^period '2026/11' is not valid"),
        ("2026-11-05", r"^period '2026-11-05' is not valid"),
        ("Nov 2026", r"^period 'Nov 2026' is not valid"),
        ("2026-Q", r"^period '2026-Q' is not valid"),
        ("1969", r"^period '1969': year must be between 1970 and 9998$"),
        ("9999-12", r"^period '9999-12': year must be between"),
    ],
)
def test_anything_else_is_a_period_error_saying_what_is_wrong(text, message):
    with pytest.raises(PeriodError, match=message):
        parse_period(text)


@pytest.mark.parametrize(
    "moment, inside",
    [
        (utc(2026, 11), True),
        (datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC), True),
        (utc(2026, 12), False),
        (utc(2026, 10, 31), False),
        (datetime(2026, 11, 15, 12, 0), True),
        (datetime(2026, 12, 1, 7, 0, tzinfo=timezone(timedelta(hours=8))), True),
    ],
)
def test_a_period_contains_moments_from_its_start_up_to_but_not_including_its_end(moment, inside):
    assert parse_period("2026-11").contains(moment) is inside


@pytest.mark.parametrize(
    "kind, label",
    [("month", "2026-11"), ("quarter", "2026-Q4"), ("year", "2026")],
)
def test_period_of_finds_the_period_containing_a_moment(kind, label):
    assert period_of(datetime(2026, 11, 15, 8, 0), kind).label == label


def test_period_of_refuses_an_unknown_kind():
    with pytest.raises(PeriodError, match="period kind must be month, quarter or year, not 'week'"):
        period_of(utc(2026, 11), "week")
