"""Courses, training rules, assignments and quiz attempts."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_app.extensions import db
from qa_app.models.base import utcnow
from qa_app.models.users import User


class Course(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    language: Mapped[Optional[str]] = mapped_column(String(8))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    pass_mark: Mapped[int] = mapped_column(default=80)
    quiz: Mapped[list] = mapped_column(JSON, default=list)  # [{id, prompt, options, answer}]


class TrainingRule(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    threshold: Mapped[Optional[float]]
    criterion_id: Mapped[Optional[str]] = mapped_column(String(120))
    language: Mapped[Optional[str]] = mapped_column(String(8))
    course_code: Mapped[str] = mapped_column(String(80))
    due_days: Mapped[int] = mapped_column(default=14)
    active: Mapped[bool] = mapped_column(default=True)


class Assignment(db.Model):
    """A course assigned to an agent; status: assigned | overdue | completed | cancelled."""

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    evaluation_id: Mapped[Optional[int]] = mapped_column(ForeignKey("evaluation.id", ondelete="SET NULL"))
    conversation_id: Mapped[Optional[int]] = mapped_column(ForeignKey("conversation.id", ondelete="SET NULL"))
    rule_code: Mapped[Optional[str]] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="assigned", index=True)
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime]
    completed_at: Mapped[Optional[datetime]]
    reminded_at: Mapped[Optional[datetime]]
    best_score: Mapped[Optional[float]]

    agent: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()
    attempts: Mapped[list["QuizAttempt"]] = relationship(order_by="QuizAttempt.at", cascade="all, delete-orphan")


class QuizAttempt(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    score: Mapped[float]
    passed: Mapped[bool]
