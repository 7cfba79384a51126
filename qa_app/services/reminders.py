"""Training reminders: the scheduled run that tells agents their courses are due and their leads when
one is overdue (stages and catch-up: training.reminders), a lead's one-click reminder, and the
notification of each new assignment."""
from __future__ import annotations

from datetime import datetime
from typing import Iterable, Optional

from flask_babel import gettext as _
from sqlalchemy import or_
from sqlalchemy.orm import joinedload

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Assignment, Notification, User, team_coverage
from qa_app.permissions import can
from qa_app.services import ServiceError, audit, notifications
from qa_app.settings import settings as instance_settings
from training.reminders import LEAD_STAGE, STAGES, OpenAssignment, ReminderPolicy, notices_due

OPEN = ("assigned", "overdue")


class AlreadyReminded(ServiceError):
    """The agent was reminded of this assignment today already."""


class NothingToRemind(ServiceError):
    """The assignment is completed or cancelled."""


def policy() -> ReminderPolicy:
    config = instance_settings()
    return ReminderPolicy(before_days=config.reminder_days_before, escalate_after_days=config.escalate_after_days)


def send_due(now: Optional[datetime] = None) -> dict:
    """Record every reminder stage due at `now` for every open assignment, once (a second run, or
    a run after missed ones, records only what is still missing), and commit. Returns counts per stage."""
    now = clock.or_now(now)
    rules = policy()
    assignments = list(db.session.scalars(db.select(Assignment).where(Assignment.status.in_(OPEN))
                                          .options(joinedload(Assignment.agent), joinedload(Assignment.course))
                                          .order_by(Assignment.id)))
    recorded = _recorded_stages([a.id for a in assignments])
    rows, counts, leads = [], {stage: 0 for stage in STAGES}, {}

    def leads_for(agent: User) -> list[User]:  # one lookup per team and run, not per overdue assignment
        if agent.team_id not in leads:
            leads[agent.team_id] = leads_of(agent)
        return leads[agent.team_id]
    for a in assignments:
        for notice in notices_due(OpenAssignment(a.id, a.assigned_at, a.due_at), now, recorded.get(a.id, ()), rules):
            if notice.stage == LEAD_STAGE:
                rows += [_row(lead, "escalated", f"escalated:{a.id}:{lead.id}", a, now) for lead in leads_for(a.agent)]
            else:
                rows.append(_row(a.agent, notice.stage, f"{notice.stage}:{a.id}", a, now, shown=notice.send))
            counts[notice.stage] += notice.send
    notifications.record(rows)
    db.session.commit()
    return counts


def _recorded_stages(assignment_ids: list[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for assignment_id, kind in db.session.execute(db.select(Notification.assignment_id, Notification.kind).where(
            Notification.assignment_id.in_(assignment_ids), Notification.kind.in_(STAGES))):
        found.setdefault(assignment_id, set()).add(kind)
    return found


def _row(user: User, kind: str, key: str, a: Assignment, now: datetime, shown: bool = True, **extra) -> dict:
    params = {"assignment_id": a.id, "course": a.course.title, "agent": a.agent.login,
              "due_at": a.due_at.isoformat(), **extra}
    return {"user": user, "kind": kind, "key": key, "params": params, "assignment_id": a.id, "at": now,
            "shown": shown}


def leads_of(agent: User) -> list[User]:
    """The active leads of the agent's team (members or covering it); the active admins when the
    agent has no team or the team no lead, so an escalation always reaches someone."""
    leads: list[User] = []
    if agent.team_id is not None:
        covering = db.select(team_coverage.c.user_id).where(team_coverage.c.team_id == agent.team_id)
        leads = list(db.session.scalars(db.select(User).where(
            User.role == "lead", User.active.is_(True),
            or_(User.team_id == agent.team_id, User.id.in_(covering))).order_by(User.id)))
    return leads or list(db.session.scalars(db.select(User).where(User.role == "admin", User.active.is_(True))
                                            .order_by(User.id)))


def notify_assigned(assignments: Iterable[Assignment], now: Optional[datetime] = None) -> int:
    """Tell each agent of a new assignment (in the caller's transaction, no commit)."""
    now = clock.or_now(now)
    return notifications.record(_row(a.agent, "assigned", f"assigned:{a.id}", a, now, reason=a.reason)
                                for a in assignments)


def remind(actor: User, a: Assignment, now: Optional[datetime] = None) -> Notification:
    """A lead's (or admin's) reminder to the agent of an open assignment the actor may see; once a
    day per assignment. Audited; commits."""
    now = clock.or_now(now)
    if not can(actor, "remind_training"):
        raise ServiceError(_("only leads and admins send reminders"))
    if a.status not in OPEN:
        raise NothingToRemind(_("the assignment is %(status)s: there is nothing to remind of", status=a.status))
    key = f"reminder:{a.id}:{now.date().isoformat()}"
    if db.session.scalar(db.select(Notification.id).where(Notification.key == key)) is not None:
        raise AlreadyReminded(_("%(login)s was already reminded of this course today", login=a.agent.login))
    notifications.record([_row(a.agent, "reminder", key, a, now, sender=actor.name or actor.login)])
    audit.record(actor, "remind", "assignment", a.id, after={"agent": a.agent.login, "course": a.course.code})
    db.session.commit()
    return db.session.scalar(db.select(Notification).where(Notification.key == key))
