"""Courses, training rules, assignments and quiz attempts."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_app.extensions import db
from qa_app.models.base import utcnow
from qa_app.models.users import User


class Course(db.Model):
    """A course: ordered modules to read and a quiz (the pool of questions and its settings)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    language: Mapped[Optional[str]] = mapped_column(String(8))
    summary: Mapped[str] = mapped_column(Text, default="")
    pass_mark: Mapped[int] = mapped_column(default=80)
    quiz: Mapped[list] = mapped_column(JSON, default=list)  # the pool: training.quiz_format question mappings
    quiz_draw: Mapped[Optional[int]]  # questions drawn per attempt; None: all
    quiz_shuffle: Mapped[bool] = mapped_column(default=True)
    max_attempts: Mapped[Optional[int]]  # None: unlimited
    time_limit_minutes: Mapped[Optional[int]]  # None: no limit
    certificate_months: Mapped[Optional[int]]  # certificates expire this many months after issue; None: never
    topics: Mapped[Optional[list]] = mapped_column(JSON)  # the scorecard criteria it teaches
    # "shipped": kept in step with training/courses by `qadesk init`; "edited": imported or edited in
    # this instance, which init then leaves alone.
    source: Mapped[str] = mapped_column(String(16), default="shipped", server_default="shipped")
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # each stored change adds one
    updated_at: Mapped[Optional[datetime]]

    modules: Mapped[list["CourseModule"]] = relationship(order_by="CourseModule.position",
                                                          cascade="all, delete-orphan")


class CourseModule(db.Model):
    """One module of a course, read in `position` order (1, 2, ...)."""

    __table_args__ = (UniqueConstraint("course_id", "position", name="uq_course_module_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")


class Exemplar(db.Model):
    """A reviewed conversation pinned to a course module as a good or bad example, with a note.

    Agents read it inside the course: its turns as stored (redacted at ingest), without the agent.
    """

    __table_args__ = (UniqueConstraint("module_id", "conversation_id", name="uq_exemplar_module_conversation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("course_module.id", ondelete="CASCADE"), index=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # good | bad
    note: Mapped[str] = mapped_column(Text)
    pinned_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    pinned_at: Mapped[datetime]

    module: Mapped[CourseModule] = relationship()
    pinned_by: Mapped[Optional[User]] = relationship()


class TrainingRuleSet(db.Model):
    """One version of the instance's training rules, kept for good; the highest version is in force.

    `rules` holds the rule mappings of training.rule_files (the YAML form), in order.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    rules: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))

    created_by: Mapped[Optional[User]] = relationship()


class Onboarding(db.Model):
    """An agent enrolled on an onboarding path: its courses (copied at the start), in order.

    The first course is assigned at the start; passing one assigns the next (services.onboarding).
    """

    __table_args__ = (UniqueConstraint("agent_id", "path_code", name="uq_onboarding_agent_path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    path_code: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    courses: Mapped[list] = mapped_column(JSON)
    started_at: Mapped[datetime]
    started_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    completed_at: Mapped[Optional[datetime]]

    agent: Mapped[User] = relationship(foreign_keys=[agent_id])


class Assignment(db.Model):
    """A course assigned to an agent; status: assigned | overdue | completed | cancelled."""

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    evaluation_id: Mapped[Optional[int]] = mapped_column(ForeignKey("evaluation.id", ondelete="SET NULL"))
    conversation_id: Mapped[Optional[int]] = mapped_column(ForeignKey("conversation.id", ondelete="SET NULL"))
    rule_code: Mapped[Optional[str]] = mapped_column(String(80))
    # The final evaluations the rule's condition held on (newest first); None for assignments by hand.
    trigger_evaluation_ids: Mapped[Optional[list]] = mapped_column(JSON)
    onboarding_id: Mapped[Optional[int]] = mapped_column(ForeignKey("onboarding.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="assigned", index=True)
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime]
    completed_at: Mapped[Optional[datetime]]
    best_score: Mapped[Optional[float]]

    agent: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()
    attempts: Mapped[list["QuizAttempt"]] = relationship(order_by="QuizAttempt.id", cascade="all, delete-orphan")
    modules_read: Mapped[list["ModuleRead"]] = relationship(cascade="all, delete-orphan")


class ModuleRead(db.Model):
    """An agent read this module of the course of this assignment (the first time counts)."""

    __table_args__ = (UniqueConstraint("assignment_id", "module_id", name="uq_module_read"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("course_module.id", ondelete="CASCADE"))
    read_at: Mapped[datetime]


class QuizAttempt(db.Model):
    """One attempt at a course's quiz, kept for good.

    `at` is when it started; `asked` (set then) holds the questions it asks, copied from the
    course, each with the order its options are shown in: [{"question": {...}, "order": [...]}],
    so grading and review read what the agent saw even after the course changes. An attempt
    is open while `submitted_at` is None; `score` stays None until it is graded (and for a
    late submission, which is refused and recorded with `late`). Attempts made before the
    quiz had these fields have `asked` None.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    score: Mapped[Optional[float]]
    passed: Mapped[bool] = mapped_column(default=False)
    seed: Mapped[Optional[int]]
    asked: Mapped[Optional[list]] = mapped_column(JSON)
    pass_mark: Mapped[Optional[int]]
    deadline_at: Mapped[Optional[datetime]]
    submitted_at: Mapped[Optional[datetime]]
    late: Mapped[bool] = mapped_column(default=False)


class Certificate(db.Model):
    """Proof that an agent passed a course: issued when the quiz is passed, checked by anyone with
    its code at /verify/CODE. `expires_at` None: it never expires. `renewal_id` is the assignment
    made to renew it before it expires (training.certificates.renewal_due)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), unique=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    score: Mapped[Optional[float]]
    issued_at: Mapped[datetime]
    expires_at: Mapped[Optional[datetime]]
    revoked_at: Mapped[Optional[datetime]]
    renewal_id: Mapped[Optional[int]] = mapped_column(ForeignKey("assignment.id", ondelete="SET NULL"))

    agent: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()
    assignment: Mapped[Assignment] = relationship(foreign_keys=[assignment_id])
