"""Reminders of coaching follow-ups, like those of courses (training.reminders): the action's owner
hears of it two days before, on the day and once it is overdue; the coach is told when an action
the agent owns stays open past the escalation delay. Each stage is recorded once, by key, so a run
twice records nothing new and a run after missed ones catches up, sending only the latest."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy.orm import joinedload

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import CoachingAction, CoachingSession, Notification
from qa_app.services import notifications, reminders
from training.coaching import as_open
from training.reminders import LEAD_STAGE, STAGES, notices_due

KIND = {stage: f"follow_up_{stage}" for stage in STAGES}  # due_soon -> follow_up_due_soon ...


def _key(stage: str, action_id: int) -> str:
    return f"follow_up:{stage}:{action_id}"


def send_due(now: Optional[datetime] = None) -> dict:
    """Record every follow-up stage due at `now` for every open action, once; commit. Counts per stage sent."""
    now, rules = clock.or_now(now), reminders.policy()
    actions = list(db.session.scalars(
        db.select(CoachingAction).where(CoachingAction.done_at.is_(None)).order_by(CoachingAction.id)
        .options(joinedload(CoachingAction.session).joinedload(CoachingSession.coach),
                 joinedload(CoachingAction.session).joinedload(CoachingSession.agent),
                 joinedload(CoachingAction.owner))))
    recorded = _recorded(actions)
    rows, counts = [], {stage: 0 for stage in STAGES}
    for a in actions:
        session = a.session
        for notice in notices_due(as_open(a.id, session.created_at, a.due_on), now, recorded.get(a.id, ()), rules):
            to = session.coach if notice.stage == LEAD_STAGE else a.owner
            if notice.stage == LEAD_STAGE and a.owner_id == session.coach_id:
                continue  # the coach's own action: they were reminded as its owner
            rows.append({"user": to, "kind": KIND[notice.stage], "key": _key(notice.stage, a.id), "at": now,
                         "shown": notice.send, "params": {
                             "session_id": session.id, "action": a.text, "agent": session.agent.login,
                             "due_on": a.due_on.isoformat()}})
            counts[notice.stage] += notice.send
    notifications.record(rows)
    db.session.commit()
    return counts


def _recorded(actions: list[CoachingAction]) -> dict[int, set[str]]:
    """The stages already recorded for each action (found by their keys)."""
    keys = {_key(stage, a.id): (a.id, stage) for a in actions for stage in STAGES}
    found: dict[int, set[str]] = {}
    for key in db.session.scalars(db.select(Notification.key).where(Notification.key.in_(list(keys)))):
        action_id, stage = keys[key]
        found.setdefault(action_id, set()).add(stage)
    return found
