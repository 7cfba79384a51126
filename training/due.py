"""Assignment due dates and status over time (reminders: training.reminders).

Naive datetimes are read as UTC (databases often drop the zone), so naive and aware values mix safely.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

STATUSES = ("assigned", "overdue", "completed", "cancelled")
OPEN_STATUSES = ("assigned", "overdue")


def as_utc(moment: datetime) -> datetime:
    """`moment` as an aware UTC datetime; a naive value is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def due_date(assigned_at: datetime, due_days: int) -> datetime:
    """The moment `due_days` whole days after `assigned_at`, with the same zone (or lack of one)."""
    if isinstance(due_days, bool) or not isinstance(due_days, int) or due_days < 1:
        raise ValueError(f"due_days must be a whole number of days >= 1, not {due_days!r}")
    return assigned_at + timedelta(days=due_days)


def status_at(status: str, due_at: datetime, now: datetime) -> str:
    """The status to show at `now`.

    An open assignment (assigned or overdue) is overdue once `now` is past `due_at` and assigned
    before that, so extending a due date revives an overdue one. Completed and cancelled are final.
    """
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    if status not in OPEN_STATUSES:
        return status
    return "overdue" if as_utc(now) > as_utc(due_at) else "assigned"
