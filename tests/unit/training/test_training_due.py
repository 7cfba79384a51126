"""Due dates and status over time (the reminder stages: test_training_reminders.py)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from training.due import as_utc, due_date, status_at

UTC = timezone.utc
DUE = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def at(day, hour=9, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    "assigned_at, days, expected",
    [
        (datetime(2026, 11, 6, 9, 0, tzinfo=UTC), 14, datetime(2026, 11, 20, 9, 0, tzinfo=UTC)),
        (datetime(2026, 12, 28, 23, 30, tzinfo=UTC), 7, datetime(2027, 1, 4, 23, 30, tzinfo=UTC)),
        (datetime(2028, 2, 28, 12, 0), 1, datetime(2028, 2, 29, 12, 0)),
    ],
)
def test_the_due_date_is_whole_days_after_assignment_in_the_same_zone(assigned_at, days, expected):
    assert due_date(assigned_at, days) == expected


@pytest.mark.parametrize("days", [0, -3, 1.5, "7", True, None])
def test_due_days_must_be_a_positive_whole_number(days):
    with pytest.raises(ValueError, match="due_days must be a whole number of days >= 1"):
        due_date(at(1), days)


@pytest.mark.parametrize(
    "status, now, expected",
    [
        ("assigned", at(19), "assigned"),
        ("assigned", DUE, "assigned"),
        ("assigned", DUE + timedelta(seconds=1), "overdue"),
        ("overdue", at(25), "overdue"),
        ("overdue", at(18), "assigned"),
        ("completed", at(25), "completed"),
        ("completed", at(1), "completed"),
        ("cancelled", at(25), "cancelled"),
    ],
)
def test_status_at_turns_open_assignments_overdue_and_leaves_final_ones_alone(status, now, expected):
    assert status_at(status, DUE, now) == expected


@pytest.mark.parametrize("status", ["done", "", "Assigned", None])
def test_an_unknown_status_is_refused(status):
    with pytest.raises(ValueError, match="status must be one of assigned, overdue, completed, cancelled"):
        status_at(status, DUE, at(1))


def test_naive_datetimes_are_read_as_utc():
    naive_now = datetime(2026, 11, 20, 9, 30)
    assert status_at("assigned", DUE, naive_now) == "overdue"
    assert as_utc(naive_now) == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def test_aware_datetimes_in_other_zones_are_compared_in_utc():
    shanghai = timezone(timedelta(hours=8))
    assert status_at("assigned", DUE, datetime(2026, 11, 20, 17, 0, tzinfo=shanghai)) == "assigned"
    assert status_at("assigned", DUE, datetime(2026, 11, 20, 17, 1, tzinfo=shanghai)) == "overdue"
