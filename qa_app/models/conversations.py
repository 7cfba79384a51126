"""Ingested conversations and their turns."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_app.extensions import db
from qa_app.models.base import utcnow
from qa_app.models.users import User


class Conversation(db.Model):
    # the dashboards scan a period's conversations by start: this index holds every column they group
    # or filter by, so the scan never reads the (wide) rows
    __table_args__ = (Index("ix_conversation_period_cover", "started_at", "agent_id", "channel", "queue",
                            "language", "csat"),
                      # services.rollups sums an agent's day again on every change: exactly its rows
                      Index("ix_conversation_agent_start", "agent_id", "started_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), unique=True, index=True)
    channel: Mapped[str] = mapped_column(String(16), default="chat")
    agent_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    started_at: Mapped[Optional[datetime]] = mapped_column(index=True)
    language: Mapped[Optional[str]] = mapped_column(String(8))
    queue: Mapped[Optional[str]] = mapped_column(String(80))
    customer: Mapped[Optional[str]] = mapped_column(String(120))
    csat: Mapped[Optional[int]]
    source: Mapped[Optional[str]] = mapped_column(String(500))
    meta: Mapped[dict] = mapped_column(JSON, default=dict)
    # SHA-256 of the conversation as read (transcripts.fingerprint): same id, other hash = a conflict.
    content_sha256: Mapped[Optional[str]] = mapped_column(String(64))
    # SHA-256 of the call recording the conversation was transcribed from (its stored file's name).
    audio_sha256: Mapped[Optional[str]] = mapped_column(String(64))
    ingested_at: Mapped[datetime] = mapped_column(default=utcnow)

    agent: Mapped[User] = relationship()
    turns: Mapped[list["Turn"]] = relationship(
        order_by="Turn.idx", cascade="all, delete-orphan", back_populates="conversation"
    )


# an agent's conversations newest first, by when they happened (when ingested if that is unknown):
# the training rules read each window of an agent's final evaluations from here (rule_facts.recency)
Index("ix_conversation_agent_recency", Conversation.agent_id,
      func.coalesce(Conversation.started_at, Conversation.ingested_at), Conversation.id)


class Turn(db.Model):
    __table_args__ = (UniqueConstraint("conversation_id", "idx"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"))
    idx: Mapped[int]
    speaker: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[Optional[datetime]]
    start: Mapped[Optional[float]]
    end: Mapped[Optional[float]]
    sentiment: Mapped[Optional[float]]  # -1..1, set by automatic scoring (customer turns at least)

    conversation: Mapped[Conversation] = relationship(back_populates="turns")
