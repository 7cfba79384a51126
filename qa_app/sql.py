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


#: each construct's SQL per engine; {ts} is the timestamp, {shift} the timestamp moved by the minutes
#: (SQLite: strftime's arguments; PostgreSQL: an interval sum)
SPELLINGS = {
    # %w is 0 for Sunday: (w + 6) % 7 + 1 maps Sunday to 7 and Monday to 1
    iso_weekday: ("((CAST(strftime('%w', {shift}) AS INTEGER) + 6) % 7 + 1)",
                  "CAST(EXTRACT(ISODOW FROM {shift}) AS INTEGER)"),
    hour_of: ("CAST(strftime('%H', {shift}) AS INTEGER)", "CAST(EXTRACT(HOUR FROM {shift}) AS INTEGER)"),
    weekday_hour: ("strftime('%w %H', {shift})", "to_char({shift}, 'ID HH24')"),
    day_of: ("date({ts})", "CAST({ts} AS DATE)"),
    # to the next Sunday (or the day itself if a Sunday), then six days back: that week's Monday
    week_of: ("date({ts}, 'weekday 0', '-6 days')", "CAST(date_trunc('week', {ts}) AS DATE)"),
}


def _register(construct, sqlite: str, postgresql: str) -> None:
    def spell(template: str, shift):
        def compile_(element, compiler, **kw):
            args = element.args(compiler, **kw)
            return template.format(ts=args[0], shift=shift(args) if len(args) > 1 else "")
        return compile_
    compiles(construct, "sqlite")(spell(sqlite, lambda a: f"{a[0]}, ({a[1]}) || ' minutes'"))
    compiles(construct, "postgresql")(spell(postgresql, lambda a: f"({a[0]} + ({a[1]}) * INTERVAL '1 minute')"))


for _construct, (_sqlite, _postgresql) in SPELLINGS.items():
    _register(_construct, _sqlite, _postgresql)


def as_date(value):
    """A `day_of` / `week_of` result as a date, whichever engine returned it."""
    from datetime import date
    return value if isinstance(value, date) else date.fromisoformat(value)
