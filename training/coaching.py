"""Coaching sessions a lead holds with an agent: what a valid record is, and when each agreed action's
follow-up is due, soon, today or overdue.

A session has notes and up to MAX_ACTIONS agreed actions, each with a text, an owner (the agent or
the coach) and a follow-up date on or after the session's day. A follow-up is due at the end of its
date (UTC): reminded like a course (training.reminders) two days before, on the day and once it is
overdue, and the coach is told when an action the agent owns stays open a day longer.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Optional, Sequence

from training.reminders import OpenAssignment

MAX_NOTES = 5000
MAX_ACTION_TEXT = 500
MAX_ACTIONS = 10
MAX_COMMENT = 2000
OWNERS = ("agent", "coach")
DUE_SOON_DAYS = 2  # the home pages list follow-ups due within this many days, and overdue ones


class CoachingError(ValueError):
    """A coaching record is invalid; the message names the field ("actions[1].due_on: ...")."""


@dataclass(frozen=True)
class ActionDraft:
    """An agreed action as entered: what, whose (OWNERS), and by when."""

    text: str
    owner: str
    due_on: date


@dataclass(frozen=True)
class SessionDraft:
    """A coaching session as entered, before it is stored."""

    held_on: date
    notes: str
    actions: tuple[ActionDraft, ...] = ()


def checked(draft: SessionDraft) -> SessionDraft:
    """The draft with texts trimmed; CoachingError naming the first invalid field otherwise."""
    notes = (draft.notes or "").strip()
    if not notes:
        raise CoachingError("notes: write what was discussed")
    if len(notes) > MAX_NOTES:
        raise CoachingError(f"notes: at most {MAX_NOTES} characters, not {len(notes)}")
    if len(draft.actions) > MAX_ACTIONS:
        raise CoachingError(f"actions: at most {MAX_ACTIONS} agreed actions, not {len(draft.actions)}")
    return SessionDraft(draft.held_on, notes, tuple(_checked_action(a, i, draft.held_on)
                                                    for i, a in enumerate(draft.actions)))


def _checked_action(action: ActionDraft, index: int, held_on: date) -> ActionDraft:
    where = f"actions[{index}]"
    text = (action.text or "").strip()
    if not text:
        raise CoachingError(f"{where}.text: say what was agreed")
    if len(text) > MAX_ACTION_TEXT:
        raise CoachingError(f"{where}.text: at most {MAX_ACTION_TEXT} characters, not {len(text)}")
    if action.owner not in OWNERS:
        raise CoachingError(f"{where}.owner: must be one of {', '.join(OWNERS)}, not {action.owner!r}")
    if not isinstance(action.due_on, date) or isinstance(action.due_on, datetime):
        raise CoachingError(f"{where}.due_on: must be a date")
    if action.due_on < held_on:
        raise CoachingError(f"{where}.due_on: {action.due_on.isoformat()} is before the session "
                            f"({held_on.isoformat()})")
    return ActionDraft(text, action.owner, action.due_on)


def checked_comment(comment: Optional[str]) -> Optional[str]:
    """The agent's comment trimmed (None when blank); CoachingError when too long."""
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT:
        raise CoachingError(f"comment: at most {MAX_COMMENT} characters, not {len(text)}")
    return text or None


def due_moment(due_on: date) -> datetime:
    """When a follow-up dated `due_on` becomes overdue: the last second of that day, UTC (so its
    "due today" reminder, at the start of the due moment's date, falls on `due_on` itself)."""
    return datetime.combine(due_on, time(23, 59, 59), tzinfo=timezone.utc)


def as_open(action_id: int, created_at: datetime, due_on: date) -> OpenAssignment:
    """The follow-up in the shape training.reminders reads, so it is reminded exactly like a course."""
    return OpenAssignment(action_id, created_at, due_moment(due_on))


def follow_up_state(due_on: date, done: bool, today: date) -> str:
    """done | overdue | due_today | due_soon (within DUE_SOON_DAYS) | open."""
    if done:
        return "done"
    if due_on < today:
        return "overdue"
    if due_on == today:
        return "due_today"
    return "due_soon" if (due_on - today).days <= DUE_SOON_DAYS else "open"


def needs_attention(states: Sequence[str]) -> bool:
    """Whether a home page lists a session's follow-ups (one is overdue, due today or soon)."""
    return any(s in ("overdue", "due_today", "due_soon") for s in states)
