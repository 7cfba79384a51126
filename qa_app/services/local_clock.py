"""SQL for a conversation's local start time: UTC shifted by its agent's team time zone.

Weekdays and shifts in reports are local to the team (Team.timezone, UTC when unset). The offsets
come from scoring.local_time as spans of one offset each, so a summer-time change inside the
period shifts the conversations on either side by their own offset. The offset is a whole number
of minutes; qa_app.sql turns it into each engine's date arithmetic (SQLite and PostgreSQL).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import case, literal

from qa_app.extensions import db
from qa_app.models import Conversation, Team, User
from qa_app.sql import hour_of, iso_weekday
from scoring import dashboard as figures
from scoring.local_time import offset_spans

NO_SHIFT = 0  # minutes


def _years(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """Calendar-year pieces of [start, end): offset spans are cached per year."""
    last = (end - timedelta(microseconds=1)).year
    return [(datetime(y, 1, 1, tzinfo=timezone.utc), datetime(y + 1, 1, 1, tzinfo=timezone.utc))
            for y in range(start.year, last + 1)]


def modifier(start: datetime, end: datetime):
    """A SQL expression giving the offset in minutes of each conversation's local time in
    [start, end): by the zone of its agent's team, looked up as `agent_id IN (agents of the teams
    in that zone)` so the period scan needs no join (SQLite builds each list once per query)."""
    zones: dict[str, list[int]] = {}
    for team_id, name in db.session.execute(db.select(Team.id, Team.timezone).where(Team.timezone.is_not(None))):
        zones.setdefault(name, []).append(team_id)
    whens = []
    for name, team_ids in sorted(zones.items()):
        spans = [s for low, high in _years(start, end) for s in offset_spans(name, low, high)
                 if s.end > start and s.start < end]
        if all(s.minutes == 0 for s in spans):
            continue
        in_zone = Conversation.agent_id.in_(db.select(User.id).where(User.team_id.in_(team_ids)))
        if len({s.minutes for s in spans}) == 1:
            whens.append((in_zone, spans[0].minutes))
            continue
        whens += [(in_zone & (Conversation.started_at >= s.start) & (Conversation.started_at < s.end),
                   s.minutes) for s in spans]
    return case(*whens, else_=literal(NO_SHIFT)) if whens else literal(NO_SHIFT)


def local_weekday(mod):
    """ISO weekday 1..7 of the local start."""
    return iso_weekday(Conversation.started_at, mod)


def local_hour(mod):
    return hour_of(Conversation.started_at, mod)


def weekday_or_shift_filter(query, start: datetime, end: datetime, weekday=None, shift=None, day_type=None):
    """`query` (over conversations) limited to a local weekday (1..7),
    shift (scoring.dashboard.SHIFTS) and/or day type ("weekday" | "weekend")."""
    mod = modifier(start, end)
    if weekday is not None:
        query = query.where(local_weekday(mod) == weekday)
    if day_type is not None:
        weekend = local_weekday(mod).in_(figures.WEEKEND)
        query = query.where(weekend if day_type == "weekend" else ~weekend)
    if shift is not None:
        query = query.where(local_hour(mod).in_(figures.shift_hours(shift)))
    return query
