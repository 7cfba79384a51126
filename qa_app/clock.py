"""The one place in the product that says what time it is.

Everything in the shell that needs the current time calls `now()` (or `today()`); the pure core
(`transcripts`, `scoring`, `training`) never reads the clock and takes `now` as a parameter.
Tests freeze this clock with time-machine (`tests/conftest.py: frozen_clock`), and CI runs the
suite a second time under libfaketime, so nothing may bypass it.
"""
from __future__ import annotations

from datetime import date, datetime, timezone


def now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(timezone.utc)


def today() -> date:
    """Today's date in UTC (the calendar the product's periods use)."""
    return now().date()


def or_now(value: datetime | None) -> datetime:
    """`value` when the caller passed one, else the clock's now (for `now=None` parameters)."""
    return value if value is not None else now()
