"""Writes audit entries inside the caller's transaction (never commits itself)."""
from __future__ import annotations

from typing import Optional

from qa_app.extensions import db
from qa_app.models import AuditEntry, User


def record(actor: Optional[User], action: str, entity: str, entity_id: Optional[int],
           before: Optional[dict] = None, after: Optional[dict] = None) -> AuditEntry:
    """Add an audit entry to the session; it is stored with the change it describes."""
    entry = AuditEntry(user_id=actor.id if actor else None, action=action, entity=entity,
                       entity_id=entity_id, before=before, after=after)
    db.session.add(entry)
    return entry


def record_many(entries: list[dict]) -> None:
    """Many entries with one statement (batch jobs): dicts of record()'s arguments plus `at`."""
    if entries:
        db.session.execute(AuditEntry.__table__.insert(), [
            {"at": e["at"], "user_id": e["actor"].id if e["actor"] else None, "action": e["action"],
             "entity": e["entity"], "entity_id": e["entity_id"], "before": e.get("before"),
             "after": e.get("after")} for e in entries])


def recent(limit: int = 200, entity: Optional[str] = None) -> list[AuditEntry]:
    """The newest audit entries first."""
    query = db.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    return list(db.session.scalars(query))
