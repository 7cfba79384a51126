"""Every question type is graded by its own rule; pools, shuffles and time limits are pure and seeded."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from training.quiz import (MultipleChoice, Ordering, Question, Quiz, QuizError, ShortAnswer, TrueFalse, feedback,
                           grade, normalise_text)
from training.quiz_attempt import GRACE, attempts_left, deadline, draw, is_late
from training.quiz_format import question_from_mapping, question_to_mapping, quiz_from_mapping

SINGLE = Question("s", "Pick b", ("a", "b", "c"), 1)
MULTI = MultipleChoice("m", "Pick a and c", ("a", "b", "c", "d"), frozenset({0, 2}))
TF = TrueFalse("t", "The sky is green.", False)
SHORT = ShortAnswer("x", "How many hours?", ("72", "72 hours", "seventy-two hours"))
ORDER = Ordering("o", "Put in order", ("first", "second", "third"))


@pytest.mark.parametrize("question, response, outcome", [
    (SINGLE, 1, "correct"), (SINGLE, 0, "wrong"), (SINGLE, None, "unanswered"),
    (MULTI, [0, 2], "correct"), (MULTI, {2, 0}, "correct"), (MULTI, [0], "wrong"),
    (MULTI, [0, 1, 2], "wrong"), (MULTI, [0, 1, 2, 3], "wrong"), (MULTI, [], "unanswered"),
    (TF, False, "correct"), (TF, True, "wrong"), (TF, None, "unanswered"),
    (SHORT, "72", "correct"), (SHORT, " 72 HOURS ", "correct"), (SHORT, "７２", "correct"),
    (SHORT, "Seventy-Two   Hours", "correct"), (SHORT, "７２ Ｈｏｕｒｓ", "correct"),
    (SHORT, "48", "wrong"), (SHORT, "72 hrs", "wrong"), (SHORT, "   ", "unanswered"),
    (ORDER, (0, 1, 2), "correct"), (ORDER, [0, 1, 2], "correct"), (ORDER, (1, 0, 2), "wrong"),
    (ORDER, (2, 1, 0), "wrong"), (ORDER, (), "unanswered"),
])
def test_each_question_type_is_graded_by_its_rule(question, response, outcome):
    quiz = Quiz((question,), pass_mark=100)
    (item,) = feedback(quiz, {question.id: response})
    assert item.outcome == outcome
    assert grade(quiz, {question.id: response}).passed == (outcome == "correct")


@pytest.mark.parametrize("text, normal", [
    ("  Ａｂｃ  ", "abc"), ("STRASSE", "strasse"), ("Straße", "strasse"), ("a \t b\n c", "a b c"),
    ("七十二　小时", "七十二 小时"),
])
def test_short_answers_are_compared_width_and_case_insensitively_with_spaces_trimmed(text, normal):
    assert normalise_text(text) == normal


@pytest.mark.parametrize("question, response, message", [
    (MULTI, [0, 9], r"question 'm': answer 9 is not an option index 0\.\.3"),
    (MULTI, "0,2", r"question 'm': answer '0,2' is not a list of option indices"),
    (TF, "yes", r"question 't': answer 'yes' must be true or false"),
    (SHORT, 72, r"question 'x': answer 72 must be a text"),
    (ORDER, (0, 0, 1), r"question 'o': answer \[0, 0, 1\] must place each of the 3 items once"),
    (ORDER, (0, 1), r"question 'o': answer \[0, 1\] must place each of the 3 items once"),
    (ORDER, ["1", "2", "3"], r"question 'o': answer \['1', '2', '3'\] must place each"),
])
def test_a_malformed_response_is_an_error_naming_the_question(question, response, message):
    with pytest.raises(QuizError, match=message):
        grade(Quiz((question,), 50), {question.id: response})


def test_the_score_counts_only_the_questions_asked_and_refuses_answers_to_others():
    quiz = Quiz((SINGLE, MULTI, TF, SHORT, ORDER), pass_mark=60)
    result = grade(quiz, {"s": 1, "t": False, "x": "48"}, asked=("s", "t", "x"))
    assert (result.score_percent, result.passed, result.wrong) == (66.7, True, ("x",))
    with pytest.raises(QuizError, match="question 'm' was not asked in this attempt"):
        grade(quiz, {"m": [0, 2]}, asked=("s",))
    with pytest.raises(QuizError, match="question 'zz' is not in this quiz"):
        grade(quiz, {"zz": 1})


@pytest.mark.parametrize("make, message", [
    (lambda: MultipleChoice("m", "?", ("a", "b"), frozenset()), "needs at least one correct option"),
    (lambda: MultipleChoice("m", "?", ("a", "b"), frozenset({2})), r"answer 2 is not an option index"),
    (lambda: TrueFalse("t", "?", "no"), "must be true or false"),
    (lambda: ShortAnswer("x", "?", ()), "needs at least one accepted answer"),
    (lambda: ShortAnswer("x", "?", (" ",)), "needs at least one accepted answer"),
    (lambda: Ordering("o", "?", ("only",)), "needs at least 2 items, has 1"),
    (lambda: Ordering("o", "?", ("a", "a")), "items must all be different"),
    (lambda: Quiz((SINGLE,), 50, draw=2), r"draw must be a whole number 1\.\.1"),
    (lambda: Quiz((SINGLE,), 50, max_attempts=0), "max attempts must be"),
    (lambda: Quiz((SINGLE,), 50, time_limit_minutes=0), "time limit must be whole minutes"),
    (lambda: Quiz((SINGLE,), 50, shuffle="yes"), "shuffle must be true or false"),
])
def test_an_invalid_question_or_quiz_setting_is_refused(make, message):
    with pytest.raises(QuizError, match=message):
        make()


POOL = Quiz(tuple(Question(f"q{i}", f"Q{i}?", ("a", "b", "c", "d"), i % 4) for i in range(10)) + (ORDER,),
            pass_mark=80, draw=5)


def test_a_draw_is_the_same_for_the_same_seed_and_differs_between_seeds():
    assert draw(POOL, 7) == draw(POOL, 7)
    draws = {tuple(a.id for a in draw(POOL, seed)) for seed in range(20)}
    assert len(draws) > 10


@pytest.mark.parametrize("seed", range(25))
def test_a_draw_takes_n_different_questions_from_the_pool_with_every_option_once(seed):
    asked = draw(POOL, seed)
    assert len(asked) == 5 and len({a.id for a in asked}) == 5
    for a in asked:
        assert sorted(a.order) == list(range(len(POOL.question(a.id).options)))


def test_options_are_shuffled_per_attempt_and_kept_in_order_without_shuffle():
    orders = {draw(POOL, seed)[0].order for seed in range(20)}
    assert len(orders) > 5
    plain = Quiz(POOL.questions[:4], 80, shuffle=False)
    assert [(a.id, a.order) for a in draw(plain, 3)] == [(f"q{i}", (0, 1, 2, 3)) for i in range(4)]


@pytest.mark.parametrize("seed", range(25))
def test_an_ordering_question_never_starts_in_the_right_order(seed):
    (asked,) = draw(Quiz((ORDER,), 50, shuffle=False), seed)
    assert asked.order != (0, 1, 2) and sorted(asked.order) == [0, 1, 2]


def test_questions_without_options_have_no_order():
    assert [a.order for a in draw(Quiz((TF, SHORT), 50, shuffle=False), 1)] == [(), ()]


START = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("after, late", [
    (timedelta(minutes=20), False), (timedelta(minutes=20) + GRACE, False),
    (timedelta(minutes=20) + GRACE + timedelta(seconds=1), True), (timedelta(hours=3), True),
])
def test_a_submission_is_late_only_after_the_limit_and_the_grace(after, late):
    limit = deadline(Quiz((SINGLE,), 50, time_limit_minutes=20), START)
    assert limit == START + timedelta(minutes=20)
    assert is_late(limit, START + after) is late


def test_without_a_time_limit_nothing_is_late_and_without_a_maximum_attempts_never_run_out():
    quiz = Quiz((SINGLE,), 50)
    assert deadline(quiz, START) is None and not is_late(None, START + timedelta(days=9))
    assert attempts_left(quiz, 99) is None
    assert [attempts_left(Quiz((SINGLE,), 50, max_attempts=3), used) for used in range(5)] == [3, 2, 1, 0, 0]


@pytest.mark.parametrize("question", [SINGLE, MULTI, TF, SHORT, ORDER])
def test_a_question_survives_its_mapping(question):
    assert question_from_mapping(question_to_mapping(question), "q") == question


@pytest.mark.parametrize("data, message", [
    ({"id": "a", "type": "essay", "prompt": "?"}, r"^quiz\[0\]\.type: 'essay' is not one of single, multiple"),
    ({"id": "a", "type": "multiple", "prompt": "?", "options": ["a", "b"], "answers": "0"},
     r"^quiz\[0\]\.answers: must be a list of 0-based option indices"),
    ({"id": "a", "type": "true_false", "prompt": "?", "answer": "true"}, r"^quiz\[0\]\.answer: must be true or false"),
    ({"id": "a", "type": "short", "prompt": "?"}, r"^quiz\[0\]: a short answer needs either accepted"),
    ({"id": "a", "type": "short", "prompt": "?", "answer": 7}, r"^quiz\[0\]\.answer: must be a text"),
    ({"id": "a", "type": "ordering", "prompt": "?", "items": "a, b"}, r"^quiz\[0\]\.items: must be a list of texts"),
    ({"id": "a", "type": "true_false", "prompt": "?", "answer": True, "options": ["x"]},
     r"^quiz\[0\]\.options: unknown field for a true_false question"),
])
def test_a_broken_question_mapping_names_its_field(data, message):
    with pytest.raises(QuizError, match=message):
        quiz_from_mapping([data], 50, "quiz")


def test_quiz_settings_are_read_from_a_mapping_and_checked():
    quiz = quiz_from_mapping({"questions": [question_to_mapping(SINGLE), question_to_mapping(TF)], "draw": 1,
                              "max_attempts": 2, "time_limit_minutes": 15, "shuffle": False}, 70, "quiz")
    assert (quiz.draw, quiz.max_attempts, quiz.time_limit_minutes, quiz.shuffle) == (1, 2, 15, False)
    with pytest.raises(QuizError, match=r"^quiz: draw must be a whole number 1\.\.2"):
        quiz_from_mapping({"questions": [question_to_mapping(SINGLE), question_to_mapping(TF)], "draw": 5}, 70, "quiz")
    with pytest.raises(QuizError, match=r"^quiz\.tries: unknown field"):
        quiz_from_mapping({"questions": [question_to_mapping(SINGLE)], "tries": 5}, 70, "quiz")
