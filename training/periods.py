"""Reporting periods: a month ("2026-11"), a quarter ("2026-Q4") or a year ("2026"), in UTC."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from training.due import as_utc

MIN_YEAR = 1970
MAX_YEAR = 9998  # the end of year 9998 is the last period end datetime can hold
_EXPECTED = "expected a month (2026-11), a quarter (2026-Q4) or a year (2026)"
_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{1,2})|[Qq](?P<quarter>\d)))?$")


class PeriodError(ValueError):
    """A period label is not a month, quarter or year."""


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC; `kind` is "month", "quarter" or "year"; `label` is the normalised text."""

    label: str
    start: datetime
    end: datetime
    kind: str

    def contains(self, moment: datetime) -> bool:
        """Whether `moment` falls in the period (a naive datetime is read as UTC)."""
        return self.start <= as_utc(moment) < self.end


def _utc(year: int, month: int) -> datetime:
    return datetime(year, month, 1, tzinfo=timezone.utc)


def _next_month(year: int, month: int, months: int) -> datetime:
    index = year * 12 + (month - 1) + months
    return _utc(index // 12, index % 12 + 1)


def parse_period(text: str) -> Period:
    """The Period a label names; PeriodError says what is wrong with anything else."""
    if not isinstance(text, str) or not text.strip():
        raise PeriodError(f"period is empty; {_EXPECTED}")
    match = _PATTERN.match(text.strip())
    if not match:
        raise PeriodError(f"period {text!r} is not valid; {_EXPECTED}")
    year = int(match["year"])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(f"period {text!r}: year must be between {MIN_YEAR} and {MAX_YEAR}")
    if match["month"] is not None:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise PeriodError(f"period {text!r}: month {month} is not between 1 and 12")
        return Period(f"{year}-{month:02d}", _utc(year, month), _next_month(year, month, 1), "month")
    if match["quarter"] is not None:
        quarter = int(match["quarter"])
        if not 1 <= quarter <= 4:
            raise PeriodError(f"period {text!r}: quarter {quarter} is not between 1 and 4")
        first = 3 * (quarter - 1) + 1
        return Period(f"{year}-Q{quarter}", _utc(year, first), _next_month(year, first, 3), "quarter")
    return Period(str(year), _utc(year, 1), _utc(year + 1, 1), "year")


def period_of(moment: datetime, kind: str = "month") -> Period:
    """The month, quarter or year that contains `moment` (a naive datetime is read as UTC)."""
    at = as_utc(moment)
    if kind == "month":
        return parse_period(f"{at.year}-{at.month:02d}")
    if kind == "quarter":
        return parse_period(f"{at.year}-Q{(at.month - 1) // 3 + 1}")
    if kind == "year":
        return parse_period(str(at.year))
    raise PeriodError(f"period kind must be month, quarter or year, not {kind!r}")
