"""Training reminders through the services and the job table, with a frozen clock: each stage is
recorded once however often the job runs, a run after missed ones catches up, overdue courses
reach the team's leads (the admins when there is none), leads remind by hand once a day, and every
new assignment is announced to its agent."""
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from qa_app import jobs as job_table
from qa_app.extensions import db
from qa_app.models import Notification
from qa_app.services import ServiceError, reminders, training

UTC = timezone.utc
MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def kinds_for(login: str) -> list[tuple[str, bool]]:
    """(kind, shown) of the user's notifications in the order recorded, as the next request reads them."""
    db.session.expire_all()
    return [(n.kind, n.shown) for n in db.session.scalars(
        db.select(Notification).join(Notification.user).where(Notification.user.has(login=login))
        .order_by(Notification.id))]


@pytest.fixture
def team(make_user):
    agent = make_user("amy.agent", "agent", team="returns")
    lead = make_user("lee.lead", "lead", team="returns")
    other_lead = make_user("olga.lead", "lead", team="billing")
    return agent, lead, other_lead


def assign(login: str = "amy.agent", at: datetime = MONDAY, days: int = 14):
    return training.assign_course(None, login, "empathy-en", due_days=days, reason="coaching", now=at)


def test_a_new_assignment_is_announced_to_its_agent(app, team):
    assign()
    assert kinds_for("amy.agent") == [("assigned", True)]


def test_each_reminder_stage_is_recorded_once_however_often_the_job_runs(app, team):
    a = assign()
    due = a.due_at
    for moment, expected in [(due - timedelta(days=2), {"due_soon": 1}), (due - timedelta(days=2, hours=-5), {}),
                             (due.replace(hour=0), {"due_today": 1}), (due + timedelta(minutes=1), {"overdue": 1}),
                             (due + timedelta(days=1), {"escalated": 1}), (due + timedelta(days=9), {})]:
        counts = reminders.send_due(moment)
        assert {k: v for k, v in counts.items() if v} == expected, moment
        assert reminders.send_due(moment) == dict.fromkeys(counts, 0)  # the same run again: nothing
    assert kinds_for("amy.agent") == [("assigned", True), ("due_soon", True), ("due_today", True), ("overdue", True)]
    assert kinds_for("lee.lead") == [("escalated", True)] and kinds_for("olga.lead") == []


def test_after_a_weekend_without_the_scheduler_the_agent_hears_once_and_the_lead_is_told(app, team):
    a = assign(at=MONDAY, days=12)  # due Saturday 14th, 09:00; the machine is off Friday to Monday
    reminders.send_due(MONDAY + timedelta(days=3))  # Thursday: nothing due yet
    counts = reminders.send_due(a.due_at + timedelta(days=2, hours=1))  # Monday morning
    assert counts == {"due_soon": 0, "due_today": 0, "overdue": 1, "escalated": 1}
    assert kinds_for("amy.agent") == [("assigned", True), ("due_soon", False), ("due_today", False),
                                      ("overdue", True)]  # stale stages recorded, not shown
    assert kinds_for("lee.lead") == [("escalated", True)]
    assert sum(reminders.send_due(a.due_at + timedelta(days=3)).values()) == 0


def test_the_hourly_job_runs_the_reminders_once_per_hour_and_catches_up(app, team):
    a = assign()
    with time_machine.travel(a.due_at + timedelta(days=3), tick=False):
        assert "training_reminders:2026-11-19T09" in job_table.run_due()
        assert "training_reminders:2026-11-19T09" not in job_table.run_due()  # the same hour: done
    assert [k for k, _ in kinds_for("amy.agent")] == ["assigned", "due_soon", "due_today", "overdue"]


def test_an_escalation_without_a_lead_goes_to_the_admins(app, make_user):
    make_user("solo.agent", "agent")  # no team
    a = assign("solo.agent")
    reminders.send_due(a.due_at + timedelta(days=1))
    assert kinds_for("admin") == [("escalated", True)]


def test_completed_and_cancelled_courses_are_not_reminded(app, team):
    a = assign()
    a.status = "completed"
    db.session.commit()
    assert sum(reminders.send_due(a.due_at + timedelta(days=5)).values()) == 0


def test_a_lead_reminds_an_agent_once_a_day(app, team):
    _, lead, _ = team
    a = assign()
    reminders.remind(lead, a, now=MONDAY + timedelta(days=1))
    with pytest.raises(ServiceError, match="already reminded of this course today"):
        reminders.remind(lead, a, now=MONDAY + timedelta(days=1, hours=3))
    reminders.remind(lead, a, now=MONDAY + timedelta(days=2))
    assert [k for k, _ in kinds_for("amy.agent")] == ["assigned", "reminder", "reminder"]


def test_only_leads_and_admins_remind_and_only_of_open_courses(app, team, make_user):
    agent, lead, _ = team
    a = assign()
    with pytest.raises(ServiceError, match="only leads and admins"):
        reminders.remind(make_user("rita.reviewer", "reviewer"), a)
    a.status = "completed"
    db.session.commit()
    with pytest.raises(ServiceError, match="the assignment is completed"):
        reminders.remind(lead, a)
