"""Reminder stages of an open assignment as a table: (assignment, now, already recorded) -> notices."""
from datetime import datetime, timedelta, timezone

import pytest

from training.reminders import OpenAssignment, ReminderPolicy, notices_due, stage_moments

UTC = timezone.utc
ASSIGNED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday
DUE = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # two weeks later, 09:00
A = OpenAssignment(7, ASSIGNED, DUE)


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=UTC)


def sent(notices) -> list[str]:
    return [n.stage for n in notices if n.send]


def recorded(notices) -> list[str]:
    return [n.stage for n in notices]


def test_each_stage_has_its_moment():
    assert stage_moments(A) == {"due_soon": at(14), "due_today": at(16, 0), "overdue": DUE, "escalated": at(17)}


@pytest.mark.parametrize("now, already, to_record, to_send", [
    (at(13), [], [], []),                                              # nothing due yet
    (at(14), [], ["due_soon"], ["due_soon"]),                          # two days ahead
    (at(14, 18), ["due_soon"], [], []),                                # run again the same day: nothing new
    (at(16, 0), ["due_soon"], ["due_today"], ["due_today"]),           # the due date starts
    (at(16, 9), ["due_soon", "due_today"], ["overdue"], ["overdue"]),  # the due moment passes
    (at(17), ["due_soon", "due_today", "overdue"], ["escalated"], ["escalated"]),  # a day late: the leads
    (at(30), list(("due_soon", "due_today", "overdue", "escalated")), [], []),      # everything told once
])
def test_a_stage_is_recorded_once_when_its_moment_has_come(now, already, to_record, to_send):
    notices = notices_due(A, now, already)
    assert (recorded(notices), sent(notices)) == (to_record, to_send)


def test_after_a_missed_weekend_every_stage_is_recorded_but_the_agent_gets_only_the_latest():
    # The scheduler was off from Friday 13th to Wednesday 18th: four stages fell due meanwhile.
    notices = notices_due(A, at(18), [])
    assert recorded(notices) == ["due_soon", "due_today", "overdue", "escalated"]
    assert sent(notices) == ["overdue", "escalated"]
    assert notices_due(A, at(18), recorded(notices)) == []  # and nothing is sent again


def test_a_stage_left_behind_by_a_later_one_is_recorded_without_being_sent():
    notices = notices_due(A, at(16, 12), ["overdue"])  # "overdue" was sent (a manual run), the rest not
    assert (recorded(notices), sent(notices)) == (["due_soon", "due_today"], [])


@pytest.mark.parametrize("assigned, expected", [
    (at(15), ["due_today", "overdue", "escalated"]),  # due in one day: no "due in two days"
    (at(16, 1), ["overdue", "escalated"]),            # assigned on the due date itself
])
def test_reminders_ahead_of_the_due_moment_come_only_after_the_assignment(assigned, expected):
    assert list(stage_moments(OpenAssignment(1, assigned, DUE))) == expected


def test_the_policy_sets_how_early_the_agent_hears_and_how_late_the_leads_do():
    moments = stage_moments(A, ReminderPolicy(before_days=5, escalate_after_days=3))
    assert (moments["due_soon"], moments["escalated"]) == (at(11), at(19))


def test_naive_times_are_read_as_utc():
    naive = OpenAssignment(1, ASSIGNED.replace(tzinfo=None), DUE.replace(tzinfo=None))
    assert sent(notices_due(naive, at(14))) == ["due_soon"]


@pytest.mark.parametrize("field, value", [("before_days", -1), ("escalate_after_days", 1.5),
                                          ("before_days", True)])
def test_a_policy_with_an_impossible_value_is_refused_naming_the_field(field, value):
    with pytest.raises(ValueError, match=field):
        ReminderPolicy(**{field: value})
