"""Multiple-choice quizzes and their grading; unanswered questions count as wrong."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional


class QuizError(ValueError):
    """A quiz definition or a set of answers is invalid; the message names the question."""


@dataclass(frozen=True)
class Question:
    """One question; `answer` is the 0-based index of the correct option.

    `explanation` says why the answer is right and is shown after grading.
    """

    id: str
    prompt: str
    options: tuple[str, ...]
    answer: int
    explanation: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise QuizError("question id must be a non-empty text")
        if not isinstance(self.prompt, str) or not self.prompt.strip():
            raise QuizError(f"question {self.id!r}: prompt must be a non-empty text")
        if len(self.options) < 2:
            raise QuizError(f"question {self.id!r}: needs at least 2 options, has {len(self.options)}")
        if any(not isinstance(o, str) or not o.strip() for o in self.options):
            raise QuizError(f"question {self.id!r}: every option must be a non-empty text")
        if len(set(self.options)) != len(self.options):
            raise QuizError(f"question {self.id!r}: options must all be different")
        if not _is_index(self.answer, len(self.options)):
            raise QuizError(
                f"question {self.id!r}: answer {self.answer!r} is not an option index 0..{len(self.options) - 1}"
            )


@dataclass(frozen=True)
class Quiz:
    """Questions in the order they are asked; `pass_mark` is the minimum percentage to pass."""

    questions: tuple[Question, ...]
    pass_mark: int

    def __post_init__(self) -> None:
        if not self.questions:
            raise QuizError("a quiz needs at least one question")
        ids = [q.id for q in self.questions]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise QuizError(f"question {duplicates[0]!r} appears more than once")
        if isinstance(self.pass_mark, bool) or not isinstance(self.pass_mark, int) or not 0 <= self.pass_mark <= 100:
            raise QuizError(f"pass mark must be a whole percentage 0..100, not {self.pass_mark!r}")

    def question(self, question_id: str) -> Question:
        """The question with this id; QuizError when there is none."""
        for q in self.questions:
            if q.id == question_id:
                return q
        raise QuizError(f"question {question_id!r} is not in this quiz")


@dataclass(frozen=True)
class QuizResult:
    """Grading outcome; the three id tuples partition the quiz's questions, in quiz order."""

    score_percent: float
    passed: bool
    correct: tuple[str, ...]
    wrong: tuple[str, ...]
    unanswered: tuple[str, ...]


def _is_index(value: object, size: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < size


def grade(quiz: Quiz, answers: Mapping[str, Optional[int]]) -> QuizResult:
    """Grade `answers` (question id -> chosen option index, None or absent when skipped).

    QuizError for an id not in the quiz or a choice that is not an option index of its question.
    The score is rounded to one decimal; passing means score >= pass mark.
    """
    known = {q.id for q in quiz.questions}
    for question_id in answers:
        if question_id not in known:
            raise QuizError(f"question {question_id!r} is not in this quiz")
    correct: list[str] = []
    wrong: list[str] = []
    unanswered: list[str] = []
    for q in quiz.questions:
        choice = answers.get(q.id)
        if choice is None:
            unanswered.append(q.id)
        elif not _is_index(choice, len(q.options)):
            raise QuizError(f"question {q.id!r}: answer {choice!r} is not an option index 0..{len(q.options) - 1}")
        elif choice == q.answer:
            correct.append(q.id)
        else:
            wrong.append(q.id)
    score = round(100.0 * len(correct) / len(quiz.questions), 1)
    return QuizResult(score, score >= quiz.pass_mark, tuple(correct), tuple(wrong), tuple(unanswered))
