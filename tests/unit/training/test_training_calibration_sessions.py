"""When a calibration session counts as closed: a pure function of (status, deadline, now)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from training.calibration_sessions import effective_closed_at, effective_status, is_overdue

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("status, deadline, expected", [
    ("open", NOW + timedelta(minutes=1), "open"),
    ("open", NOW, "closed"),                          # the deadline itself is past it
    ("open", NOW - timedelta(days=3), "closed"),
    ("closed", NOW + timedelta(days=3), "closed"),    # closed by hand before its deadline
    ("open", (NOW + timedelta(hours=1)).replace(tzinfo=None), "open"),   # naive: read as UTC
    ("open", (NOW - timedelta(hours=1)).replace(tzinfo=None), "closed"),
])
def test_a_session_is_closed_once_closed_by_hand_or_once_its_deadline_passed(status, deadline, expected):
    assert effective_status(status, deadline, NOW) == expected


def test_a_deadline_in_another_time_zone_is_compared_as_the_same_instant():
    shanghai = timezone(timedelta(hours=8))
    assert effective_status("open", datetime(2026, 11, 27, 17, 59, tzinfo=shanghai), NOW) == "closed"
    assert effective_status("open", datetime(2026, 11, 27, 18, 1, tzinfo=shanghai), NOW) == "open"


def test_only_a_session_stored_open_past_its_deadline_is_overdue():
    assert is_overdue("open", NOW - timedelta(seconds=1), NOW)
    assert not is_overdue("open", NOW + timedelta(seconds=1), NOW)
    assert not is_overdue("closed", NOW - timedelta(days=1), NOW)


def test_a_session_closed_at_its_deadline_or_when_a_lead_closed_it():
    deadline = NOW - timedelta(hours=2)
    assert effective_closed_at("open", None, deadline, NOW) == deadline
    assert effective_closed_at("open", None, NOW + timedelta(hours=2), NOW) is None
    by_hand = NOW - timedelta(days=1)
    assert effective_closed_at("closed", by_hand.replace(tzinfo=None), NOW + timedelta(days=1), NOW) == by_hand
