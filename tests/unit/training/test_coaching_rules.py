"""What a valid coaching record is, and when a follow-up is due, soon, today or overdue."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from training.coaching import (ActionDraft, CoachingError, SessionDraft, as_open, checked, checked_comment,
                               due_moment, follow_up_state, needs_attention)
from training.reminders import notices_due

HELD = date(2026, 11, 20)


def draft(notes="Talked about greetings.", actions=()):
    return SessionDraft(HELD, notes, tuple(actions))


def test_a_valid_session_is_kept_with_its_texts_trimmed():
    out = checked(draft("  Greeting and closing.  ", [ActionDraft("  Use the greeting macro ", "agent", HELD)]))
    assert out.notes == "Greeting and closing." and out.actions == (ActionDraft("Use the greeting macro", "agent", HELD),)


@pytest.mark.parametrize("session, message", [
    (draft(notes="   "), "notes: write what was discussed"),
    (draft(notes="x" * 5001), "notes: at most 5000 characters, not 5001"),
    (draft(actions=[ActionDraft("ok", "agent", HELD)] * 11), "actions: at most 10 agreed actions, not 11"),
    (draft(actions=[ActionDraft(" ", "agent", HELD)]), "actions[0].text: say what was agreed"),
    (draft(actions=[ActionDraft("ok", "agent", HELD), ActionDraft("ok", "hr", HELD)]),
     "actions[1].owner: must be one of agent, coach, not 'hr'"),
    (draft(actions=[ActionDraft("ok", "coach", HELD - timedelta(days=1))]),
     "actions[0].due_on: 2026-11-19 is before the session (2026-11-20)"),
    (draft(actions=[ActionDraft("ok", "coach", "2026-12-01")]), "actions[0].due_on: must be a date"),
    (draft(actions=[ActionDraft("x" * 501, "coach", HELD)]), "actions[0].text: at most 500 characters, not 501"),
])
def test_an_invalid_session_names_its_field(session, message):
    with pytest.raises(CoachingError) as caught:
        checked(session)
    assert str(caught.value) == message


def test_a_comment_is_trimmed_blank_is_none_and_a_long_one_is_refused():
    assert checked_comment("  Thanks, agreed.  ") == "Thanks, agreed." and checked_comment("  ") is None
    with pytest.raises(CoachingError, match="comment: at most 2000 characters"):
        checked_comment("x" * 2001)


@pytest.mark.parametrize("due_on, done, state", [
    (date(2026, 12, 1), True, "done"),
    (date(2026, 11, 30), False, "overdue"),
    (date(2026, 12, 1), False, "due_today"),
    (date(2026, 12, 3), False, "due_soon"),
    (date(2026, 12, 4), False, "open"),
])
def test_the_state_of_a_follow_up_on_2026_12_01(due_on, done, state):
    assert follow_up_state(due_on, done, date(2026, 12, 1)) == state


def test_a_home_page_lists_a_session_only_when_a_follow_up_needs_attention():
    assert needs_attention(["open", "due_soon"]) and not needs_attention(["open", "done"])


def test_a_follow_up_is_due_at_the_end_of_its_day_and_reminded_like_a_course():
    created = datetime(2026, 11, 20, 9, tzinfo=timezone.utc)
    follow_up = as_open(7, created, date(2026, 11, 25))
    assert follow_up.due_at == due_moment(date(2026, 11, 25)) == datetime(2026, 11, 25, 23, 59, 59, tzinfo=timezone.utc)
    stages = lambda at: [(n.stage, n.send) for n in notices_due(follow_up, at)]  # noqa: E731
    assert stages(datetime(2026, 11, 23, 23, tzinfo=timezone.utc)) == []
    assert stages(datetime(2026, 11, 24, 1, tzinfo=timezone.utc)) == [("due_soon", True)]
    assert stages(datetime(2026, 11, 25, 8, tzinfo=timezone.utc)) == [("due_soon", False), ("due_today", True)]
    assert stages(datetime(2026, 11, 27, 8, tzinfo=timezone.utc))[-2:] == [("overdue", True), ("escalated", True)]
