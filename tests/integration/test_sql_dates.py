"""qa_app.sql's date arithmetic gives the same answers on SQLite and PostgreSQL (run on both)."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import literal, select

from qa_app.extensions import db
from qa_app.sql import as_date, day_of, hour_of, iso_weekday, week_of, weekday_hour

SUNDAY_LATE = datetime(2026, 11, 29, 23, 30)  # a Sunday, 23:30 UTC


@pytest.mark.parametrize("minutes, weekday, hour, text", [
    (0, 7, 23, {"0 23", "7 23"}),      # Sunday stays Sunday
    (60, 1, 0, {"1 00"}),              # an hour east it is Monday 00:30
    (-24 * 60, 6, 23, {"6 23"}),       # a day west, Saturday
    (8 * 60, 1, 7, {"1 07"}),          # Beijing: Monday 07:30
])
def test_a_timestamp_shifted_by_minutes_has_the_local_weekday_and_hour(app, minutes, weekday, hour, text):
    ts, shift = literal(SUNDAY_LATE), literal(minutes)
    row = db.session.execute(select(iso_weekday(ts, shift), hour_of(ts, shift), weekday_hour(ts, shift))).one()
    assert (row[0], row[1]) == (weekday, hour) and row[2] in text


@pytest.mark.parametrize("when, day, monday", [
    (SUNDAY_LATE, date(2026, 11, 29), date(2026, 11, 23)),
    (datetime(2026, 11, 30, 0, 0), date(2026, 11, 30), date(2026, 11, 30)),   # a Monday is its own week
    (datetime(2028, 2, 29, 12, 0), date(2028, 2, 29), date(2028, 2, 28)),     # leap day, a Tuesday
    (datetime(2027, 1, 1, 0, 30), date(2027, 1, 1), date(2026, 12, 28)),      # the week starts last year
])
def test_the_day_and_the_monday_of_the_week_of_a_timestamp(app, when, day, monday):
    got = db.session.execute(select(day_of(literal(when)), week_of(literal(when)))).one()
    assert (as_date(got[0]), as_date(got[1])) == (day, monday)
