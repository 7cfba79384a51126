"""A team's local time as spans of one UTC offset: summer time splits a period where the clocks change."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from scoring.local_time import UnknownZone, offset_spans


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def test_london_changes_offset_at_one_in_the_morning_utc_on_the_last_sundays_of_march_and_october():
    spans = offset_spans("Europe/London", utc(2026, 1, 1), utc(2027, 1, 1))
    assert [(s.start, s.end, s.minutes) for s in spans] == [
        (utc(2026, 1, 1), utc(2026, 3, 29, 1), 0), (utc(2026, 3, 29, 1), utc(2026, 10, 25, 1), 60),
        (utc(2026, 10, 25, 1), utc(2027, 1, 1), 0)]


def test_a_zone_without_summer_time_is_one_span_and_no_zone_is_utc():
    assert [s.minutes for s in offset_spans("Asia/Shanghai", utc(2026, 1, 1), utc(2027, 1, 1))] == [480]
    assert [s.minutes for s in offset_spans(None, utc(2026, 1, 1), utc(2026, 2, 1))] == [0]


def test_an_unknown_zone_is_named_in_the_error():
    with pytest.raises(UnknownZone, match="Mars/Base"):
        offset_spans("Mars/Base", utc(2026, 1, 1), utc(2026, 2, 1))
