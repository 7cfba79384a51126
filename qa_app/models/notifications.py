"""Notifications: what the app tells a user (the bell), and the e-mail copy of each when SMTP is set."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_app.extensions import db
from qa_app.models.base import utcnow
from qa_app.models.users import User


class Notification(db.Model):
    """One message to one user. `kind` names the message (qa_app.notices renders it in the user's
    language from `params`); `key` is unique, so a reminder recorded twice is stored once.
    `email`: "none" (no SMTP or no address), "pending", "sent", "failed" (retried by the next
    run until MAX_EMAIL_ATTEMPTS) or "superseded" (recorded, never sent: a later stage came first);
    a superseded notification is also never shown."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    assignment_id: Mapped[Optional[int]] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"),
                                                         index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    shown: Mapped[bool] = mapped_column(default=True)
    read_at: Mapped[Optional[datetime]]
    email: Mapped[str] = mapped_column(String(16), default="none", index=True)
    email_attempts: Mapped[int] = mapped_column(default=0)
    email_error: Mapped[Optional[str]] = mapped_column(Text)
    emailed_at: Mapped[Optional[datetime]]

    user: Mapped[User] = relationship()
