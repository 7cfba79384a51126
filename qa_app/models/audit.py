"""The audit log: who changed what, when, with the values before and after."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from qa_app.extensions import db
from qa_app.models.base import utcnow
from qa_app.models.users import User


class AuditEntry(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[Optional[int]]
    before: Mapped[Optional[dict]] = mapped_column(JSON)
    after: Mapped[Optional[dict]] = mapped_column(JSON)
    # The hash chain (services.audit.seal): the entry's place in the chain and SHA-256 over the
    # previous entry's chain value and this entry's content; both None until sealed.
    seq: Mapped[Optional[int]] = mapped_column(unique=True)
    chain: Mapped[Optional[str]] = mapped_column(String(64))

    user: Mapped[Optional[User]] = relationship()


class AuditTampering(RuntimeError):
    """Raised when the application tries to change or delete an audit entry (append-only)."""


@event.listens_for(Session, "before_flush")
def _append_only(session: Session, flush_context, instances) -> None:
    """The audit log is append-only through the app: an ORM change or delete of an entry is refused
    (sealing writes seq and chain with a plain UPDATE, which this does not see)."""
    for entry in list(session.dirty) + list(session.deleted):
        if isinstance(entry, AuditEntry) and (entry in session.deleted or session.is_modified(entry)):
            raise AuditTampering(f"audit entry {entry.id} cannot be changed or deleted: the audit log is append-only")
