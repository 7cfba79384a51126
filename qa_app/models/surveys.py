"""Customer survey answers (CSAT 1-5, NPS 0-10) imported from survey files, each about one conversation."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_app.extensions import db
from qa_app.models.base import utcnow
from qa_app.models.conversations import Conversation
from qa_app.models.users import User


class Survey(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # "csat" (rating 1-5) or "nps" (0-10): scoring.surveys.KINDS
    rating: Mapped[int]
    comment: Mapped[Optional[str]] = mapped_column(Text)  # redacted before storage, like transcripts
    comment_sentiment: Mapped[Optional[float]]  # -1..1, as customer turns; None without a comment
    responded_at: Mapped[datetime] = mapped_column(index=True)
    # the file's survey_id ("id:...") or a fingerprint of the row as read ("sha256:..."): re-import is idempotent
    source_key: Mapped[str] = mapped_column(String(200), unique=True)
    source: Mapped[Optional[str]] = mapped_column(String(255))  # the file name it was imported from
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))  # None: the command line

    conversation: Mapped[Conversation] = relationship()
    imported_by: Mapped[Optional[User]] = relationship()
