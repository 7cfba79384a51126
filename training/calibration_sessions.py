"""Calibration session rules: when a session counts as closed, whatever its stored status says.

A session is closed once a lead closed it, or once its deadline has passed. The stored status is
brought up to date by a scheduled job; until it runs, every page and rule reads the effective
status from here, so reading a session never has to write to it.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from training.due import as_utc

STATUSES = ("open", "closed")


def effective_status(status: str, deadline: datetime, now: datetime) -> str:
    """"closed" when the session was closed or its deadline (a naive time is UTC) is at or before `now`."""
    if status == "closed" or as_utc(deadline) <= as_utc(now):
        return "closed"
    return "open"


def is_overdue(status: str, deadline: datetime, now: datetime) -> bool:
    """Stored as open although its deadline has passed: the job should close it."""
    return status == "open" and effective_status(status, deadline, now) == "closed"


def effective_closed_at(status: str, closed_at: Optional[datetime], deadline: datetime,
                        now: datetime) -> Optional[datetime]:
    """When the session closed: when a lead closed it, else its deadline once passed; None while open."""
    if status == "closed" and closed_at is not None:
        return as_utc(closed_at)
    return as_utc(deadline) if effective_status(status, deadline, now) == "closed" else None
