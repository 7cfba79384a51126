"""Courses and quiz attempts as rows and back: the shipped catalogue into the database, a course
row's quiz, and an attempt's stored questions (what it asked, in which order)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

from qa_app.extensions import db
from qa_app.models import Assignment, Course, CourseModule, QuizAttempt
from training import catalog, quiz, quiz_attempt
from training.quiz_format import question_from_mapping, question_to_mapping


SHIPPED, EDITED = "shipped", "edited"  # Course.source


def sync_catalogue(courses=None) -> int:
    """Store the shipped courses (new codes added, changed ones updated as their next version; no
    commit); returns how many were added. A course edited in this instance (source "edited") is
    left as its authors made it.

    Modules are updated in place by position, so what agents have already read stays recorded
    for the modules that remain.
    """
    added = 0
    for course in catalog.load_courses() if courses is None else courses:
        row = db.session.scalar(db.select(Course).where(Course.code == course.code))
        if row is None:
            row = Course(code=course.code, source=SHIPPED, version=1)
            db.session.add(row)
            added += 1
        elif row.source == EDITED:
            continue
        elif _stored_differs(row, course):
            row.version = (row.version or 1) + 1
        write_course(row, course)
    return added


def _stored_differs(row: Course, course: catalog.Course) -> bool:
    """Whether storing `course` changes the row (a row from before topics were stored counts as the same)."""
    stored = course_of(row)
    return stored != (course if row.topics is not None else replace(course, topics=()))


def write_course(row: Course, course: catalog.Course) -> None:
    """Put everything of `course` into its row (modules by position); the caller sets version and source."""
    row.title, row.language, row.summary, row.pass_mark = course.title, course.language, course.summary, \
        course.pass_mark
    row.topics = list(course.topics)
    q = course.quiz
    row.quiz = [question_to_mapping(item) for item in q.questions]
    row.quiz_draw, row.quiz_shuffle, row.max_attempts, row.time_limit_minutes = \
        q.draw, q.shuffle, q.max_attempts, q.time_limit_minutes
    row.certificate_months = course.certificate_months
    _sync_modules(row, course.modules)


def course_of(row: Course) -> catalog.Course:
    """The stored course as the catalogue's value (what an export writes)."""
    modules = tuple(catalog.Module(m.title, m.body) for m in row.modules)
    return catalog.Course(row.code, row.title, row.language or "", row.summary or "", modules, row.pass_mark,
                          course_quiz(row), tuple(row.topics or ()), row.certificate_months)


def _sync_modules(row: Course, modules) -> None:
    by_position = {m.position: m for m in row.modules}
    for position, module in enumerate(modules, 1):
        target = by_position.get(position)
        if target is None:
            row.modules.append(CourseModule(position=position, title=module.title, body=module.body_markdown))
        else:
            target.title, target.body = module.title, module.body_markdown
    row.modules[:] = [m for m in row.modules if m.position is None or m.position <= len(modules)]


def course_quiz(course: Course) -> quiz.Quiz:
    """The quiz of a stored course (its whole pool and settings)."""
    questions = tuple(question_from_mapping(q, f"course {course.code} quiz[{i}]") for i, q in enumerate(course.quiz))
    return quiz.Quiz(questions, course.pass_mark, draw=course.quiz_draw, shuffle=course.quiz_shuffle,
                     max_attempts=course.max_attempts, time_limit_minutes=course.time_limit_minutes)


@dataclass(frozen=True)
class AttemptQuiz:
    """What one attempt asked: a quiz of just its questions (pass mark as at its start) and the order shown."""

    quiz: quiz.Quiz
    asked: tuple[quiz_attempt.AskedQuestion, ...]

    def ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.asked)


def asked_rows(full: quiz.Quiz, asked: tuple[quiz_attempt.AskedQuestion, ...]) -> list[dict]:
    """The JSON stored in QuizAttempt.asked: each asked question copied whole, with its option order."""
    return [{"question": question_to_mapping(full.question(a.id)), "order": list(a.order)} for a in asked]


def attempt_quiz(attempt: QuizAttempt, course: Course) -> AttemptQuiz:
    """The questions `attempt` asked, from what it stored; an attempt from before stored
    questions (asked None) is read as having asked the course's whole current quiz."""
    if attempt.asked is None:
        full = course_quiz(course)
        return AttemptQuiz(full, tuple(quiz_attempt.AskedQuestion(q.id, tuple(range(len(getattr(q, "options", ())))))
                                       for q in full.questions))
    questions = tuple(question_from_mapping(item["question"], f"attempt {attempt.id} asked[{i}]")
                      for i, item in enumerate(attempt.asked))
    pass_mark = course.pass_mark if attempt.pass_mark is None else attempt.pass_mark
    return AttemptQuiz(quiz.Quiz(questions, pass_mark, shuffle=False),
                       tuple(quiz_attempt.AskedQuestion(q.id, tuple(item["order"]))
                             for q, item in zip(questions, attempt.asked)))


def open_attempt(a: Assignment) -> Optional[QuizAttempt]:
    """The assignment's attempt that has started and not been submitted, if any."""
    return next((t for t in a.attempts if t.submitted_at is None), None)


def read_module_ids(a: Assignment) -> set[int]:
    return {r.module_id for r in a.modules_read}


def stored_answers(answers) -> dict:
    """Answers as JSON: sets and tuples become lists (a multiple choice's set sorted)."""
    def plain(v):
        return sorted(v) if isinstance(v, (set, frozenset)) else list(v) if isinstance(v, tuple) else v
    return {k: plain(v) for k, v in answers.items()}


@dataclass(frozen=True)
class Progress:
    """How far an agent is through a course's modules: `read` of `total`; `next` is the first
    unread module's position (None when all are read)."""

    read_ids: frozenset[int]
    read: int
    total: int
    next: Optional[int]


def module_progress(a: Assignment) -> Progress:
    done = read_module_ids(a)
    unread = [m.position for m in a.course.modules if m.id not in done]
    return Progress(frozenset(done), len(a.course.modules) - len(unread), len(a.course.modules),
                    unread[0] if unread else None)
