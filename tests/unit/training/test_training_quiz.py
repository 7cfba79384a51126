"""Quiz definitions and grading, including every kind of bad answer sheet."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from training.quiz import Question, Quiz, QuizError, QuizResult, grade


def question(qid, answer=0, options=("a", "b", "c", "d")):
    return Question(qid, f"Prompt {qid}?", tuple(options), answer)


QUIZ = Quiz((question("q1", 0), question("q2", 1), question("q3", 2), question("q4", 3)), pass_mark=75)


@pytest.mark.parametrize(
    "answers, expected",
    [
        ({"q1": 0, "q2": 1, "q3": 2, "q4": 3}, QuizResult(100.0, True, ("q1", "q2", "q3", "q4"), (), ())),
        ({"q1": 0, "q2": 1, "q3": 2, "q4": 0}, QuizResult(75.0, True, ("q1", "q2", "q3"), ("q4",), ())),
        ({"q1": 0, "q2": 1, "q3": 0}, QuizResult(50.0, False, ("q1", "q2"), ("q3",), ("q4",))),
        ({"q1": None, "q2": None}, QuizResult(0.0, False, (), (), ("q1", "q2", "q3", "q4"))),
        ({}, QuizResult(0.0, False, (), (), ("q1", "q2", "q3", "q4"))),
        ({"q4": 3, "q1": 1}, QuizResult(25.0, False, ("q4",), ("q1",), ("q2", "q3"))),
    ],
)
def test_grading_counts_unanswered_as_wrong_and_passes_at_the_mark(answers, expected):
    assert grade(QUIZ, answers) == expected


def test_the_score_is_rounded_to_one_decimal():
    quiz = Quiz((question("a"), question("b"), question("c")), pass_mark=67)
    result = grade(quiz, {"a": 0, "b": 0, "c": 1})
    assert (result.score_percent, result.passed) == (66.7, False)


def test_a_zero_pass_mark_passes_an_empty_answer_sheet():
    assert grade(Quiz((question("a"),), pass_mark=0), {}).passed


@pytest.mark.parametrize(
    "answers, message",
    [
        ({"q9": 0}, r"question 'q9' is not in this quiz"),
        ({"q1": 4}, r"question 'q1': answer 4 is not an option index 0\.\.3"),
        ({"q2": -1}, r"question 'q2': answer -1 is not an option index"),
        ({"q3": "2"}, r"question 'q3': answer '2' is not an option index"),
        ({"q3": 1.0}, r"question 'q3': answer 1\.0 is not an option index"),
        ({"q4": True}, r"question 'q4': answer True is not an option index"),
    ],
)
def test_a_bad_answer_sheet_raises_an_error_naming_the_question(answers, message):
    with pytest.raises(QuizError, match=message):
        grade(QUIZ, answers)


@pytest.mark.parametrize(
    "args, message",
    [
        (("", "Why?", ("a", "b"), 0), r"question id must be a non-empty text"),
        (("q1", " ", ("a", "b"), 0), r"question 'q1': prompt must be"),
        (("q1", "Why?", ("a",), 0), r"question 'q1': needs at least 2 options, has 1"),
        (("q1", "Why?", ("a", ""), 0), r"question 'q1': every option must be a non-empty text"),
        (("q1", "Why?", ("a", "a"), 0), r"question 'q1': options must all be different"),
        (("q1", "Why?", ("a", "b"), 2), r"question 'q1': answer 2 is not an option index 0\.\.1"),
        (("q1", "Why?", ("a", "b"), True), r"question 'q1': answer True"),
    ],
)
def test_an_invalid_question_is_refused(args, message):
    with pytest.raises(QuizError, match=message):
        Question(*args)


@pytest.mark.parametrize(
    "questions, pass_mark, message",
    [
        ((), 80, r"at least one question"),
        ((question("q1"), question("q1")), 80, r"question 'q1' appears more than once"),
        ((question("q1"),), 101, r"pass mark must be a whole percentage 0\.\.100, not 101"),
        ((question("q1"),), -5, r"pass mark must be"),
        ((question("q1"),), 80.5, r"pass mark must be"),
    ],
)
def test_an_invalid_quiz_is_refused(questions, pass_mark, message):
    with pytest.raises(QuizError, match=message):
        Quiz(questions, pass_mark)


def test_a_question_is_found_by_id_and_a_missing_one_is_an_error():
    assert QUIZ.question("q3").answer == 2
    with pytest.raises(QuizError, match="'q7' is not in this quiz"):
        QUIZ.question("q7")


@given(st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=4, max_size=4), st.integers(0, 100))
def test_grading_partitions_the_questions_and_agrees_with_the_pass_mark(choices, pass_mark):
    quiz = Quiz(QUIZ.questions, pass_mark)
    result = grade(quiz, dict(zip(["q1", "q2", "q3", "q4"], choices)))
    assert sorted(result.correct + result.wrong + result.unanswered) == ["q1", "q2", "q3", "q4"]
    assert result.score_percent == 25.0 * len(result.correct)
    assert result.passed == (result.score_percent >= pass_mark)
