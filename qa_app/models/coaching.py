"""Coaching sessions a lead holds with an agent, the evaluations and criteria they were about, and
the actions agreed with their follow-up dates."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_app.extensions import db
from qa_app.models.base import utcnow
from qa_app.models.evaluations import Evaluation
from qa_app.models.users import User


class CoachingSession(db.Model):
    """One coaching conversation: who coached whom, on which day, the notes, and the agent's
    acknowledgement and comment (training.coaching says what a valid record is)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    held_on: Mapped[date]
    notes: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[Optional[datetime]]
    agent_comment: Mapped[Optional[str]] = mapped_column(Text)

    agent: Mapped[User] = relationship(foreign_keys=[agent_id])
    coach: Mapped[User] = relationship(foreign_keys=[coach_id])
    links: Mapped[list["CoachingLink"]] = relationship(cascade="all, delete-orphan", order_by="CoachingLink.id")
    actions: Mapped[list["CoachingAction"]] = relationship(cascade="all, delete-orphan", back_populates="session",
                                                           order_by="CoachingAction.position")


class CoachingLink(db.Model):
    """An evaluation the session discussed, and the criterion of it (None: the evaluation as a whole)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("coaching_session.id", ondelete="CASCADE"), index=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[Optional[str]] = mapped_column(String(80))

    evaluation: Mapped[Evaluation] = relationship()


class CoachingAction(db.Model):
    """An action agreed in a session: its owner (the agent or the coach), the follow-up date, and
    when it was marked done and by whom."""

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("coaching_session.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    due_on: Mapped[date]
    done_at: Mapped[Optional[datetime]]
    done_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))

    session: Mapped[CoachingSession] = relationship(back_populates="actions")
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
