"""Date arithmetic in SQL written once, compiled for each supported engine (SQLite, PostgreSQL).

Reports group and filter conversations by local weekday, hour and day/week in the database, so a
period scan hands back one row per group rather than every conversation. SQLite and PostgreSQL spell
these differently (strftime modifiers against EXTRACT and intervals); each construct below compiles to
the right spelling, and tests run on both engines. Every construct takes a UTC timestamp column and,
where it is local, a whole number of minutes to add (a team's UTC offset, see services/local_clock).
"""
from __future__ import annotations

from sqlalchemy import Date, Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class _Fn(FunctionElement):
    inherit_cache = True

    def args(self, compiler, **kw) -> list[str]:
        return [compiler.process(c, **kw) for c in self.clauses]


class iso_weekday(_Fn):
    """ISO weekday 1 (Monday) .. 7 (Sunday) of `timestamp + minutes`."""
    type = Integer()
    name = "iso_weekday"
    inherit_cache = True


class hour_of(_Fn):
    """Hour 0..23 of `timestamp + minutes`."""
    type = Integer()
    name = "hour_of"
    inherit_cache = True


class weekday_hour(_Fn):
    """Text "D HH" of `timestamp + minutes`: D the weekday (0 or 7 for Sunday, 1 Monday ..), HH the
    hour; one expression for both so the shift is computed once per row."""
    type = String()
    name = "weekday_hour"
    inherit_cache = True


class day_of(_Fn):
    """The UTC calendar day of `timestamp` (a date on PostgreSQL, 'YYYY-MM-DD' text on SQLite: read
    it with `as_date`)."""
    type = Date()
    name = "day_of"
    inherit_cache = True


class week_of(_Fn):
    """The Monday of the UTC week of `timestamp` (as `day_of`)."""
    type = Date()
    name = "week_of"
    inherit_cache = True


def _sqlite_shift(args: list[str]) -> str:
    return f"{args[0]}, ({args[1]}) || ' minutes'"


def _pg_shift(args: list[str]) -> str:
    return f"({args[0]} + ({args[1]}) * INTERVAL '1 minute')"


@compiles(iso_weekday, "sqlite")
def _iso_weekday_sqlite(element, compiler, **kw):
    # %w is 0 for Sunday: (w + 6) % 7 + 1 maps Sunday to 7 and Monday to 1
    return f"((CAST(strftime('%w', {_sqlite_shift(element.args(compiler, **kw))}) AS INTEGER) + 6) % 7 + 1)"


@compiles(iso_weekday, "postgresql")
def _iso_weekday_pg(element, compiler, **kw):
    return f"CAST(EXTRACT(ISODOW FROM {_pg_shift(element.args(compiler, **kw))}) AS INTEGER)"


@compiles(hour_of, "sqlite")
def _hour_sqlite(element, compiler, **kw):
    return f"CAST(strftime('%H', {_sqlite_shift(element.args(compiler, **kw))}) AS INTEGER)"


@compiles(hour_of, "postgresql")
def _hour_pg(element, compiler, **kw):
    return f"CAST(EXTRACT(HOUR FROM {_pg_shift(element.args(compiler, **kw))}) AS INTEGER)"


@compiles(weekday_hour, "sqlite")
def _weekday_hour_sqlite(element, compiler, **kw):
    return f"strftime('%w %H', {_sqlite_shift(element.args(compiler, **kw))})"


@compiles(weekday_hour, "postgresql")
def _weekday_hour_pg(element, compiler, **kw):
    return f"to_char({_pg_shift(element.args(compiler, **kw))}, 'ID HH24')"


@compiles(day_of, "sqlite")
def _day_sqlite(element, compiler, **kw):
    return f"date({element.args(compiler, **kw)[0]})"


@compiles(day_of, "postgresql")
def _day_pg(element, compiler, **kw):
    return f"CAST({element.args(compiler, **kw)[0]} AS DATE)"


@compiles(week_of, "sqlite")
def _week_sqlite(element, compiler, **kw):
    # to the next Sunday (or the day itself if a Sunday), then six days back: that week's Monday
    return f"date({element.args(compiler, **kw)[0]}, 'weekday 0', '-6 days')"


@compiles(week_of, "postgresql")
def _week_pg(element, compiler, **kw):
    return f"CAST(date_trunc('week', {element.args(compiler, **kw)[0]}) AS DATE)"


def as_date(value):
    """A `day_of` / `week_of` result as a date, whichever engine returned it."""
    from datetime import date
    return value if isinstance(value, date) else date.fromisoformat(value)
