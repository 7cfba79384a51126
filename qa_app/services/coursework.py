"""An agent's work on an assigned course: reading its modules in order and taking its quiz.

An attempt stores what it asks when it starts (training.quiz_attempt.draw with a stored seed);
grading reads that, never what the browser says was asked. Every attempt is kept.
"""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Mapping, Optional

from flask_babel import gettext as _

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Assignment, ModuleRead, QuizAttempt, User
from qa_app.models.base import as_utc
from qa_app.services import NotFound, ServiceError, audit, certificates, course_store, onboarding
from qa_app.services.training import OPEN, get_assignment_for
from training import quiz, quiz_attempt

module_progress = course_store.module_progress


def attempts_left(a: Assignment) -> Optional[int]:
    """How many more attempts the agent may start on this assignment's quiz; None when unlimited."""
    return quiz_attempt.attempts_left(course_store.course_quiz(a.course), len(a.attempts))


class LateSubmission(ServiceError):
    """A quiz submitted after its time limit (and the grace); the attempt is recorded as late.
    `deadline` is when the limit ended."""

    def __init__(self, deadline: datetime):
        super().__init__(_("too late: the time limit ended at %(deadline)s UTC; this attempt is recorded as late "
                           "and not graded", deadline=f"{deadline:%Y-%m-%d %H:%M}"))
        self.deadline = deadline


class NoAttemptsLeft(ServiceError):
    """Every attempt the quiz allows (`allowed`) has been used."""

    def __init__(self, allowed: int):
        super().__init__(_("no attempts left: the quiz allows %(allowed)s", allowed=allowed))
        self.allowed = allowed


class StartFirst(ServiceError):
    """A quiz that draws its questions or has a time limit was submitted without being started."""

    def __init__(self):
        super().__init__(_("start the quiz first: this quiz draws its questions or has a time limit"))


def _agents_open_assignment(user: User, assignment_id: int) -> Assignment:
    a = get_assignment_for(user, assignment_id)
    if a.agent_id != user.id:
        raise ServiceError(_("only the assigned agent can take this quiz"))
    if a.status not in OPEN:
        raise ServiceError(_("this assignment is %(status)s; the quiz is closed", status=a.status))
    return a


def _new_attempt(a: Assignment, now: datetime, seed: Optional[int]) -> QuizAttempt:
    """An attempt drawn from the course's quiz now (not yet added to the session)."""
    full = course_store.course_quiz(a.course)
    left = quiz_attempt.attempts_left(full, len(a.attempts))
    if left == 0:
        raise NoAttemptsLeft(full.max_attempts)
    seed = secrets.randbelow(2 ** 31) if seed is None else seed
    asked = quiz_attempt.draw(full, seed)
    return QuizAttempt(assignment_id=a.id, at=now, seed=seed, asked=course_store.asked_rows(full, asked),
                       pass_mark=full.pass_mark, deadline_at=quiz_attempt.deadline(full, now), answers={})


def start_quiz(user: User, assignment_id: int, now: Optional[datetime] = None,
               seed: Optional[int] = None) -> QuizAttempt:
    """Start an attempt, storing the questions it asks and their option order; an attempt already
    open is returned as it is (reloading the page costs nothing). ServiceError when no attempts
    are left. `seed` (random when None) fixes the draw, for tests."""
    now = clock.or_now(now)
    a = _agents_open_assignment(user, assignment_id)
    attempt = course_store.open_attempt(a)
    if attempt is not None and quiz_attempt.is_late(as_utc(attempt.deadline_at), now):
        attempt.submitted_at, attempt.late = now, True  # ran out of time unanswered: it counts, late
        attempt = None
    if attempt is None:
        attempt = _new_attempt(a, now, seed)
        a.attempts.append(attempt)
        db.session.flush()
        audit.record(user, "start", "quiz_attempt", attempt.id, after={"assignment": a.id, "seed": attempt.seed})
        db.session.commit()
    return attempt


def submit_quiz(user: User, assignment_id: int, answers: Mapping[str, object],
                now: Optional[datetime] = None) -> tuple[QuizAttempt, quiz.QuizResult]:
    """Grade the agent's answers to their open attempt; a pass completes the assignment.

    Only the assigned agent may answer. Without an open attempt, a quiz that asks every question
    and has no time limit starts one now; any other quiz must be started first (start_quiz),
    so the server, not the browser, decides what was asked. Answers to questions the attempt
    did not ask are refused. A submission after the deadline plus quiz_attempt.GRACE is
    recorded as late (answers kept, no score) and refused with LateSubmission.
    """
    now = clock.or_now(now)
    a = _agents_open_assignment(user, assignment_id)
    attempt = course_store.open_attempt(a)
    if attempt is None:
        if not course_store.course_quiz(a.course).is_plain:
            raise StartFirst()
        attempt = _new_attempt(a, now, None)
    if quiz_attempt.is_late(as_utc(attempt.deadline_at), now):
        _record_late(user, a, attempt, answers, now)
        raise LateSubmission(as_utc(attempt.deadline_at))
    result = _grade(a, attempt, answers)
    attempt.answers, attempt.submitted_at = course_store.stored_answers(answers), now
    attempt.score, attempt.passed = result.score_percent, result.passed
    if attempt not in a.attempts:
        a.attempts.append(attempt)
    a.best_score = max(a.best_score or 0.0, result.score_percent)
    if result.passed:
        audit.record(user, "complete", "assignment", a.id, before={"status": a.status},
                     after={"status": "completed", "score": result.score_percent})
        a.status, a.completed_at = "completed", now
        certificates.issue(a, result.score_percent, now)
        onboarding.advance(a, now)
    db.session.commit()
    return attempt, result


def _grade(a: Assignment, attempt: QuizAttempt, answers: Mapping[str, object]) -> quiz.QuizResult:
    asked = course_store.attempt_quiz(attempt, a.course)
    try:
        return quiz.grade(asked.quiz, answers, asked.ids())
    except quiz.QuizError as exc:
        raise ServiceError(str(exc)) from exc


def _record_late(user: User, a: Assignment, attempt: QuizAttempt, answers: Mapping[str, object],
                 now: datetime) -> None:
    attempt.answers, attempt.submitted_at = course_store.stored_answers(answers), now
    attempt.late, attempt.passed = True, False
    audit.record(user, "late", "quiz_attempt", attempt.id, after={"assignment": a.id, "submitted": now.isoformat()})
    db.session.commit()


def attempt_feedback(user: User, assignment_id: int, attempt_id: int) -> tuple[QuizAttempt, tuple[quiz.Feedback, ...]]:
    """A submitted attempt and the feedback per question it asked (for whoever may see the assignment)."""
    a = get_assignment_for(user, assignment_id)
    attempt = next((t for t in a.attempts if t.id == attempt_id and t.submitted_at is not None), None)
    if attempt is None:
        raise NotFound(_("attempt not found"))
    asked = course_store.attempt_quiz(attempt, a.course)
    answers = {k: v for k, v in (attempt.answers or {}).items() if k in asked.ids()}
    try:
        return attempt, quiz.feedback(asked.quiz, answers, asked.ids())
    except quiz.QuizError:  # stored before answers were checked the same way: show them unanswered
        return attempt, quiz.feedback(asked.quiz, {}, asked.ids())


def read_module(user: User, assignment_id: int, position: int, now: Optional[datetime] = None) -> Optional[int]:
    """Record that the assigned agent read module `position` (1-based); returns the next module's
    position, or None after the last. Modules are read in order: one whose predecessors are not
    all read is refused. Reading a module again keeps the first time."""
    now = clock.or_now(now)
    a = get_assignment_for(user, assignment_id)
    if a.agent_id != user.id:
        raise ServiceError(_("only the assigned agent can record reading"))
    modules = a.course.modules
    if not 1 <= position <= len(modules):
        raise NotFound(_("module %(position)s not found", position=position))
    done = course_store.read_module_ids(a)
    unread = [m.position for m in modules[:position - 1] if m.id not in done]
    if unread:
        raise ServiceError(_("read module %(position)s first", position=unread[0]))
    if modules[position - 1].id not in done:
        a.modules_read.append(ModuleRead(module_id=modules[position - 1].id, read_at=now))
        db.session.commit()
    return position + 1 if position < len(modules) else None
