"""Reading modules in order and taking a pooled, timed quiz: what is stored, what is refused, what is kept."""
from __future__ import annotations

from datetime import timedelta

import pytest

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Assignment, CourseModule, ModuleRead, QuizAttempt
from qa_app.services import NotFound, ServiceError, course_authoring, course_store, coursework, training
from training.quiz import example_response
from training.quiz_attempt import GRACE


@pytest.fixture
def agent_course(app, make_user):
    """An agent with empathy-en (4 modules, 8 of 14 questions drawn, 3 attempts, 20 minutes) assigned."""
    training.ensure_courses()
    db.session.commit()
    agent = make_user("ann", "agent")
    a = training.assign_course(None, "ann", "empathy-en")
    return agent, a


def _answers(attempt, a, right=True) -> dict:
    return {q.id: example_response(q, right) for q in course_store.attempt_quiz(attempt, a.course).quiz.questions}


def test_modules_are_read_in_order_and_progress_is_recorded_once(agent_course, frozen_clock):
    agent, a = agent_course
    assert coursework.module_progress(a).next == 1
    with pytest.raises(ServiceError, match="read module 1 first"):
        coursework.read_module(agent, a.id, 2)
    assert coursework.read_module(agent, a.id, 1) == 2
    first_read = db.session.scalar(db.select(ModuleRead.read_at))
    frozen_clock.shift(timedelta(hours=1))
    assert coursework.read_module(agent, a.id, 1) == 2  # again: nothing new
    assert db.session.scalars(db.select(ModuleRead.read_at)).all() == [first_read]
    for position in (2, 3):
        coursework.read_module(agent, a.id, position)
    assert coursework.read_module(agent, a.id, 4) is None
    progress = coursework.module_progress(db.session.get(Assignment, a.id))
    assert (progress.read, progress.total, progress.next) == (4, 4, None)
    with pytest.raises(NotFound):
        coursework.read_module(agent, a.id, 5)


def test_only_the_assigned_agent_records_reading(agent_course, make_user):
    _, a = agent_course
    with pytest.raises(ServiceError, match="only the assigned agent"):
        coursework.read_module(make_user("lead1", "admin"), a.id, 1)


def test_updating_the_catalogue_keeps_what_was_read(agent_course):
    agent, a = agent_course
    coursework.read_module(agent, a.id, 1)
    module_ids = db.session.scalars(db.select(CourseModule.id).where(CourseModule.course_id == a.course_id)).all()
    training.ensure_courses()
    db.session.commit()
    assert db.session.scalars(db.select(CourseModule.id).where(CourseModule.course_id == a.course_id)).all() == module_ids
    assert coursework.module_progress(a).read == 1


def test_an_attempt_stores_its_draw_when_it_starts_and_reloading_keeps_it(agent_course):
    agent, a = agent_course
    attempt = coursework.start_quiz(agent, a.id, seed=42)
    again = coursework.start_quiz(agent, a.id, seed=99)
    assert again.id == attempt.id and again.seed == 42
    asked = course_store.attempt_quiz(attempt, a.course)
    assert len(asked.asked) == 8 and len(set(asked.ids())) == 8
    assert attempt.deadline_at is not None and attempt.pass_mark == 75
    # the same seed on another assignment draws the same questions: the draw is the seed's, not the request's
    assert [row["question"]["id"] for row in attempt.asked] == list(asked.ids())


def test_answers_to_questions_not_drawn_are_refused_and_nothing_is_graded(agent_course):
    agent, a = agent_course
    attempt = coursework.start_quiz(agent, a.id, seed=1)
    pool = {q["id"] for q in a.course.quiz}
    not_asked = sorted(pool - set(course_store.attempt_quiz(attempt, a.course).ids()))[0]
    with pytest.raises(ServiceError, match=f"question '{not_asked}' was not asked in this attempt"):
        coursework.submit_quiz(agent, a.id, {not_asked: 0})
    db.session.refresh(attempt)
    assert attempt.submitted_at is None and attempt.score is None


def test_a_drawn_quiz_must_be_started_before_it_is_submitted(agent_course):
    agent, a = agent_course
    with pytest.raises(coursework.StartFirst):
        coursework.submit_quiz(agent, a.id, {})
    assert db.session.scalar(db.select(db.func.count(QuizAttempt.id))) == 0


def test_the_maximum_attempts_are_enforced_and_every_attempt_is_kept(agent_course):
    agent, a = agent_course
    for seed in (1, 2, 3):
        attempt = coursework.start_quiz(agent, a.id, seed=seed)
        _, result = coursework.submit_quiz(agent, a.id, _answers(attempt, a, right=False))
        assert not result.passed
    with pytest.raises(coursework.NoAttemptsLeft, match="the quiz allows 3"):
        coursework.start_quiz(agent, a.id)
    kept = db.session.scalars(db.select(QuizAttempt).order_by(QuizAttempt.id)).all()
    assert [(t.seed, t.score, t.passed) for t in kept] == [(1, 0.0, False), (2, 0.0, False), (3, 0.0, False)]
    assert coursework.attempts_left(a) == 0


def test_a_submission_within_the_limit_and_grace_is_graded(agent_course, frozen_clock):
    agent, a = agent_course
    attempt = coursework.start_quiz(agent, a.id, seed=5)
    frozen_clock.move_to(clock.now() + timedelta(minutes=20) + GRACE - timedelta(seconds=2))
    _, result = coursework.submit_quiz(agent, a.id, _answers(attempt, a))
    assert result.passed and result.score_percent == 100.0
    assert db.session.get(Assignment, a.id).status == "completed"


def test_a_submission_after_the_limit_is_refused_recorded_as_late_and_counts(agent_course, frozen_clock):
    agent, a = agent_course
    attempt = coursework.start_quiz(agent, a.id, seed=5)
    answers = _answers(attempt, a)
    frozen_clock.move_to(clock.now() + timedelta(minutes=21))
    with pytest.raises(coursework.LateSubmission, match="too late: the time limit ended at"):
        coursework.submit_quiz(agent, a.id, answers)
    db.session.expire_all()
    late = db.session.get(QuizAttempt, attempt.id)
    assert (late.late, late.score, late.passed, late.submitted_at is not None) == (True, None, False, True)
    assert set(late.answers) == set(answers)  # what was sent is kept
    a = db.session.get(Assignment, a.id)
    assert a.status == "assigned" and a.best_score is None
    assert coursework.attempts_left(a) == 2


def test_an_attempt_left_past_its_limit_is_closed_as_late_when_a_new_one_starts(agent_course, frozen_clock):
    agent, a = agent_course
    first = coursework.start_quiz(agent, a.id, seed=5)
    frozen_clock.move_to(clock.now() + timedelta(hours=2))
    second = coursework.start_quiz(agent, a.id, seed=6)
    assert second.id != first.id
    db.session.expire_all()
    assert db.session.get(QuizAttempt, first.id).late


def test_feedback_after_an_attempt_gives_each_asked_question_its_outcome(agent_course):
    agent, a = agent_course
    attempt = coursework.start_quiz(agent, a.id, seed=8)
    answers = _answers(attempt, a)
    first = next(iter(answers))
    answers[first] = None
    coursework.submit_quiz(agent, a.id, answers)
    _, feedback = coursework.attempt_feedback(agent, a.id, attempt.id)
    assert [f.question.id for f in feedback] == list(course_store.attempt_quiz(attempt, a.course).ids())
    assert [f.outcome for f in feedback] == ["unanswered"] + ["correct"] * 7
    assert all(f.question.explanation for f in feedback)


PLAIN_COURSE = """\
code: plain-en
title: A plain quiz
language: en
summary: Every question asked, no draw and no time limit, like the first shipped courses.
topics: [greeting]
pass_mark: 75
body: Greet the customer and close properly.
quiz:
  - {id: q1, prompt: "Greet first?", options: ["Yes", "No"], answer: 0, explanation: "Always."}
  - {id: q2, prompt: "Close by?", options: ["Hanging up", "Checking it is solved"], answer: 1, explanation: "Check."}
"""


def test_a_single_choice_course_without_pool_or_limit_still_takes_answers_without_a_start(agent_course):
    agent, _ = agent_course
    # The shipped courses all draw from a pool now; a course written in the instance may still be plain.
    course_authoring.import_course(PLAIN_COURSE, "plain-en.yaml")
    a = training.assign_course(None, "ann", "plain-en")  # a plain list of single-choice questions
    right = {q["id"]: q["answer"] for q in a.course.quiz}
    _, result = coursework.submit_quiz(agent, a.id, right)
    assert result.passed and len(a.attempts) == 1 and a.attempts[0].asked is not None
