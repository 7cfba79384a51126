"""Review sampling picks, calibration sessions (blind multi-rater scoring) and disputes."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_app.extensions import db
from qa_app.models.base import utcnow
from qa_app.models.conversations import Conversation
from qa_app.models.evaluations import Evaluation
from qa_app.models.users import User


class ReviewPick(db.Model):
    """A conversation picked for a reviewer's queue in a week, with why it was picked."""

    __table_args__ = (UniqueConstraint("week", "conversation_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(10), index=True)  # ISO week, e.g. 2026-W47
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    reasons: Mapped[list] = mapped_column(JSON, default=list)  # e.g. ["random"] or ["critical_failure", "low_csat"]
    stratum: Mapped[str] = mapped_column(String(120), default="")  # channel/queue
    random_pick: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending | done
    due_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    conversation: Mapped[Conversation] = relationship()
    reviewer: Mapped[User] = relationship()


calibration_rater = Table(
    "calibration_rater",
    db.metadata,
    Column("session_id", ForeignKey("calibration_session.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class CalibrationSession(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    benchmark_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    deadline: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | closed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[Optional[datetime]]

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    benchmark: Mapped[Optional[User]] = relationship(foreign_keys=[benchmark_id])
    raters: Mapped[list[User]] = relationship(secondary=calibration_rater)
    items: Mapped[list["CalibrationItem"]] = relationship(cascade="all, delete-orphan", order_by="CalibrationItem.id")


class CalibrationItem(db.Model):
    __table_args__ = (UniqueConstraint("session_id", "conversation_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("calibration_session.id", ondelete="CASCADE"), index=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"))
    calibrated_evaluation_id: Mapped[Optional[int]] = mapped_column(ForeignKey("evaluation.id"))

    conversation: Mapped[Conversation] = relationship()
    answers: Mapped[list["CalibrationAnswer"]] = relationship(cascade="all, delete-orphan")


class CalibrationAnswer(db.Model):
    """One rater's answers on one item; the automatic scorer answers with rater_id None (is_auto)."""

    __table_args__ = (UniqueConstraint("item_id", "rater_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("calibration_item.id", ondelete="CASCADE"), index=True)
    rater_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    is_auto: Mapped[bool] = mapped_column(default=False)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # criterion id -> pass | fail | na
    score: Mapped[Optional[float]]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    rater: Mapped[Optional[User]] = relationship()


class Dispute(db.Model):
    """An agent contests an evaluation (or some of its criteria); a lead or another reviewer decides."""

    # at most one open dispute per evaluation, so a double submit cannot open two
    __table_args__ = (Index("uq_dispute_one_open", "evaluation_id", unique=True,
                            sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),)
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id"), index=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    criteria: Mapped[list] = mapped_column(JSON, default=list)  # empty: the whole evaluation
    comment: Mapped[str] = mapped_column(Text)
    assignee_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | accepted | partly_accepted | rejected
    outcome_reason: Mapped[str] = mapped_column(Text, default="")
    resulting_evaluation_id: Mapped[Optional[int]] = mapped_column(ForeignKey("evaluation.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[Optional[datetime]]

    evaluation: Mapped[Evaluation] = relationship(foreign_keys=[evaluation_id])
    conversation: Mapped[Conversation] = relationship()
    agent: Mapped[User] = relationship(foreign_keys=[agent_id])
    assignee: Mapped[Optional[User]] = relationship(foreign_keys=[assignee_id])
