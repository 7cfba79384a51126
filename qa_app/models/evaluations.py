"""Scorecard versions, evaluations (automatic and human) and their per-criterion scores."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_app.extensions import db
from qa_app.models.base import utcnow
from qa_app.models.conversations import Conversation
from qa_app.models.users import User


class ScorecardVersion(db.Model):
    """One immutable version of a scorecard definition; evaluations point at the version they used."""

    __table_args__ = (UniqueConstraint("name", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[Optional[str]] = mapped_column(String(8))
    definition: Mapped[dict] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    # when the version was last previewed (who: the audit log); the web refuses to activate one never previewed
    previewed_at: Mapped[Optional[datetime]] = mapped_column()


class Evaluation(db.Model):
    """A scored evaluation. `is_final` marks the one that counts: the latest human one, else the automatic one."""

    # at most one final evaluation per conversation, so two racing saves cannot both become final
    __table_args__ = (Index("uq_evaluation_one_final", "conversation_id", unique=True,
                            sqlite_where=text("is_final"), postgresql_where=text("is_final")),
                      # the dashboards read a conversation's final score from the index alone
                      Index("ix_evaluation_final_cover", "conversation_id", "is_final", "score", "auto_fail"),
                      # services.trust pairs a version's reviewed conversations with their latest automatic one
                      Index("ix_evaluation_version_kind_final", "scorecard_version_id", "kind", "is_final",
                            "conversation_id"),
                      Index("ix_evaluation_conversation_version", "conversation_id", "scorecard_version_id", "kind"),
                      # a reviewer's latest reviews (home page)
                      Index("ix_evaluation_reviewer", "reviewer_id", "kind", "created_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"), index=True
    )
    scorecard_version_id: Mapped[int] = mapped_column(ForeignKey("scorecard_version.id"))
    kind: Mapped[str] = mapped_column(String(8))  # auto | human
    score: Mapped[float]
    auto_fail: Mapped[bool] = mapped_column(default=False)
    fail_reasons: Mapped[list] = mapped_column(JSON, default=list)
    section_scores: Mapped[dict] = mapped_column(JSON, default=dict)
    reviewer_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    based_on_id: Mapped[Optional[int]] = mapped_column(ForeignKey("evaluation.id"))
    is_final: Mapped[bool] = mapped_column(default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[Optional[datetime]]  # when the agent acknowledged it
    source: Mapped[str] = mapped_column(String(20), default="")  # review | calibration | dispute | ""
    # the reviewer's overall comment on the conversation (the criteria keep their own comments)
    comment: Mapped[str] = mapped_column(Text, server_default="")  # no Python default: bulk inserts leave it out

    conversation: Mapped[Conversation] = relationship()
    scorecard_version: Mapped[ScorecardVersion] = relationship()
    reviewer: Mapped[Optional[User]] = relationship()
    criteria: Mapped[list["CriterionScore"]] = relationship(
        order_by="CriterionScore.position", cascade="all, delete-orphan", back_populates="evaluation"
    )


class CriterionScore(db.Model):
    # the dashboards' Pareto counts failed criteria of final evaluations: only failures are indexed
    __table_args__ = (Index("ix_criterion_score_fail", "evaluation_id", "criterion_id", "critical",
                            sqlite_where=text("result = 'fail'"), postgresql_where=text("result = 'fail'")),
                      # services.trust's agreement counts and trusted sums read every column they need here
                      Index("ix_criterion_score_cover", "evaluation_id", "criterion_id", "result", "weight", "score",
                            "critical"))
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    criterion_id: Mapped[str] = mapped_column(String(120))
    section_id: Mapped[str] = mapped_column(String(120))
    result: Mapped[str] = mapped_column(String(4))  # pass | fail | na
    score: Mapped[Optional[float]]
    weight: Mapped[float]
    critical: Mapped[bool] = mapped_column(default=False)
    evidence: Mapped[list] = mapped_column(JSON, default=list)
    explanation: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")

    evaluation: Mapped[Evaluation] = relationship(back_populates="criteria")
