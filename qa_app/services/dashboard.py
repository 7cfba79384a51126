"""Read-only queries for the web pages: each role's home page figures and list-page look-ups."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable, Optional

from sqlalchemy import func

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Assignment, Conversation, Evaluation, Job, User
from qa_app.models.base import as_utc
from qa_app.services import conversations, training

REMIND_WITHIN = timedelta(days=2)


def latest_evaluations(user: User, limit: int = 10) -> list[tuple[Conversation, Evaluation]]:
    """Final evaluations of the conversations `user` may see, newest conversation first."""
    query = (db.select(Conversation, Evaluation)
             .join(Evaluation, Evaluation.conversation_id == Conversation.id)
             .where(Evaluation.is_final.is_(True), conversations.visibility_filter(user))
             .order_by(Conversation.started_at.desc(), Conversation.id.desc()).limit(limit))
    return [(c, e) for c, e in db.session.execute(query)]


def final_evaluations(conversation_ids: Iterable[int]) -> dict[int, Evaluation]:
    """Conversation id -> its final evaluation, in one query (ids without one are absent)."""
    ids = list(conversation_ids)
    if not ids:
        return {}
    rows = db.session.scalars(db.select(Evaluation).where(
        Evaluation.conversation_id.in_(ids), Evaluation.is_final.is_(True)))
    return {ev.conversation_id: ev for ev in rows}


def open_assignments(user: User) -> list[Assignment]:
    """The assignments `user` may see that are still to do (assigned or overdue), soonest due first."""
    return [a for a in training.visible_assignments(user) if a.status in training.OPEN]


def needs_reminder(assignments: Iterable[Assignment], now: Optional[datetime] = None,
                   within: timedelta = REMIND_WITHIN) -> list[Assignment]:
    """Open assignments that are overdue or due within `within` of `now` (the reminder banner)."""
    now = clock.or_now(now)
    return [a for a in assignments
            if a.status in training.OPEN and (a.status == "overdue" or as_utc(a.due_at) <= now + within)]


def counts() -> dict[str, int]:
    """Totals for the admin's home page."""
    def count(query) -> int:
        return db.session.scalar(query) or 0
    return {
        "users": count(db.select(func.count(User.id))),
        "conversations": count(db.select(func.count(Conversation.id))),
        "evaluations": count(db.select(func.count(Evaluation.id)).where(Evaluation.is_final.is_(True))),
        "unreviewed": count(db.select(func.count(Evaluation.id)).where(
            Evaluation.is_final.is_(True), Evaluation.kind == "auto")),
        "open_assignments": count(db.select(func.count(Assignment.id)).where(
            Assignment.status.in_(training.OPEN))),
        "failed_jobs": count(db.select(func.count(Job.id)).where(Job.status == "failed")),
    }
