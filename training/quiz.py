"""Quizzes: five question types, how each is graded, and a whole attempt's result and feedback.

What an agent answers (a "response") for each type; None, an absent key, an empty selection
or blank text mean "not answered", which counts as wrong:

- single choice (`Question`, also called `SingleChoice`): the chosen option's index;
- multiple choice: the chosen option indices; **all or nothing**: right only when exactly the
  correct options are chosen (no partial credit, so ticking everything never pays);
- true/false: True or False;
- short answer: the text typed; right when it equals an accepted answer after NFKC
  normalisation, case folding and trimming (runs of spaces count as one), so "７２ Hours"
  matches "72 hours";
- ordering: the item indices in the order the agent put them (a permutation of 0..n-1); right
  only when the whole order is right.

Indices always refer to the options (or items) as written in the course, whatever order they
were shown in, so grading never depends on the shuffle.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, ClassVar, Iterable, Mapping, Optional, Sequence, Union


class QuizError(ValueError):
    """A quiz definition or a set of answers is invalid; the message names the question."""


def normalise_text(text: str) -> str:
    """NFKC (full-width letters and digits become plain ones), case-folded, spaces trimmed and collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _is_index(value: object, size: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < size


def _check_text(qid: object, prompt: object) -> None:
    if not isinstance(qid, str) or not qid.strip():
        raise QuizError("question id must be a non-empty text")
    if not isinstance(prompt, str) or not prompt.strip():
        raise QuizError(f"question {qid!r}: prompt must be a non-empty text")


def _check_options(qid: str, options: Sequence[str], what: str = "options") -> None:
    if len(options) < 2:
        raise QuizError(f"question {qid!r}: needs at least 2 {what}, has {len(options)}")
    if any(not isinstance(o, str) or not o.strip() for o in options):
        raise QuizError(f"question {qid!r}: every {what[:-1]} must be a non-empty text")
    if len(set(options)) != len(options):
        raise QuizError(f"question {qid!r}: {what} must all be different")


def _index(qid: str, value: object, size: int) -> int:
    if not _is_index(value, size):
        raise QuizError(f"question {qid!r}: answer {value!r} is not an option index 0..{size - 1}")
    return value  # type: ignore[return-value]


@dataclass(frozen=True)
class Question:
    """Single choice: `answer` is the 0-based index of the correct option."""

    id: str
    prompt: str
    options: tuple[str, ...]
    answer: int
    explanation: str = ""
    kind: ClassVar[str] = "single"

    def __post_init__(self) -> None:
        _check_text(self.id, self.prompt)
        _check_options(self.id, self.options)
        _index(self.id, self.answer, len(self.options))

    def response(self, raw: Any) -> Optional[int]:
        """The checked response (None when unanswered); QuizError when it is not an option index."""
        return None if raw is None else _index(self.id, raw, len(self.options))

    def is_right(self, response: Any) -> bool:
        return response == self.answer


SingleChoice = Question


@dataclass(frozen=True)
class MultipleChoice:
    """Several options may be right; `answers` holds every correct option index (graded all or nothing)."""

    id: str
    prompt: str
    options: tuple[str, ...]
    answers: frozenset[int]
    explanation: str = ""
    kind: ClassVar[str] = "multiple"

    def __post_init__(self) -> None:
        _check_text(self.id, self.prompt)
        _check_options(self.id, self.options)
        object.__setattr__(self, "answers", frozenset(_index(self.id, a, len(self.options)) for a in self.answers))
        if not self.answers:
            raise QuizError(f"question {self.id!r}: needs at least one correct option")

    def response(self, raw: Any) -> Optional[frozenset[int]]:
        if raw is None:
            return None
        if isinstance(raw, (str, bytes)) or not isinstance(raw, Iterable):
            raise QuizError(f"question {self.id!r}: answer {raw!r} is not a list of option indices")
        chosen = frozenset(_index(self.id, v, len(self.options)) for v in raw)
        return chosen or None

    def is_right(self, response: Any) -> bool:
        return response == self.answers


@dataclass(frozen=True)
class TrueFalse:
    """A statement that is true or false; `answer` says which."""

    id: str
    prompt: str
    answer: bool
    explanation: str = ""
    kind: ClassVar[str] = "true_false"

    def __post_init__(self) -> None:
        _check_text(self.id, self.prompt)
        if not isinstance(self.answer, bool):
            raise QuizError(f"question {self.id!r}: answer {self.answer!r} must be true or false")

    def response(self, raw: Any) -> Optional[bool]:
        if raw is None or isinstance(raw, bool):
            return raw
        raise QuizError(f"question {self.id!r}: answer {raw!r} must be true or false")

    def is_right(self, response: Any) -> bool:
        return response is self.answer


@dataclass(frozen=True)
class ShortAnswer:
    """A typed answer, right when it matches one of `accepted` (see normalise_text)."""

    id: str
    prompt: str
    accepted: tuple[str, ...]
    explanation: str = ""
    kind: ClassVar[str] = "short"

    def __post_init__(self) -> None:
        _check_text(self.id, self.prompt)
        if not self.accepted or any(not isinstance(a, str) or not normalise_text(a) for a in self.accepted):
            raise QuizError(f"question {self.id!r}: needs at least one accepted answer, each a non-empty text")

    def response(self, raw: Any) -> Optional[str]:
        if raw is None:
            return None
        if not isinstance(raw, str):
            raise QuizError(f"question {self.id!r}: answer {raw!r} must be a text")
        return raw.strip() or None

    def is_right(self, response: Any) -> bool:
        return response is not None and normalise_text(response) in {normalise_text(a) for a in self.accepted}


@dataclass(frozen=True)
class Ordering:
    """Put `items` in order; they are written in the correct order and always shown shuffled."""

    id: str
    prompt: str
    items: tuple[str, ...]
    explanation: str = ""
    kind: ClassVar[str] = "ordering"

    def __post_init__(self) -> None:
        _check_text(self.id, self.prompt)
        _check_options(self.id, self.items, "items")

    @property
    def options(self) -> tuple[str, ...]:
        """The items, so every question with choices shows them through one name."""
        return self.items

    def response(self, raw: Any) -> Optional[tuple[int, ...]]:
        if raw is None:
            return None
        n = len(self.items)
        if isinstance(raw, (str, bytes)) or not isinstance(raw, Iterable):
            raise QuizError(f"question {self.id!r}: answer {raw!r} is not an order of items")
        order = tuple(raw)
        if not order:
            return None
        if len(order) != n or not all(_is_index(v, n) for v in order) or set(order) != set(range(n)):
            raise QuizError(f"question {self.id!r}: answer {list(order)!r} must place each of the {n} items once")
        return order

    def is_right(self, response: Any) -> bool:
        return response == tuple(range(len(self.items)))


AnyQuestion = Union[Question, MultipleChoice, TrueFalse, ShortAnswer, Ordering]
KINDS = {cls.kind: cls for cls in (Question, MultipleChoice, TrueFalse, ShortAnswer, Ordering)}


def _whole(value: object, low: int, high: Optional[int] = None) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool) and value >= low
            and (high is None or value <= high))


@dataclass(frozen=True)
class Quiz:
    """A pool of questions and how attempts at it work.

    `pass_mark` is the minimum percentage to pass. `draw` questions are drawn from the pool for
    each attempt (None: all of them). With `shuffle` the drawn questions and their options are
    shown in an order seeded per attempt. `max_attempts` (None: unlimited) counts every attempt,
    late ones too. `time_limit_minutes` (None: no limit) is enforced by the server.
    """

    questions: tuple[AnyQuestion, ...]
    pass_mark: int
    draw: Optional[int] = None
    shuffle: bool = True
    max_attempts: Optional[int] = None
    time_limit_minutes: Optional[int] = None

    def __post_init__(self) -> None:
        if not self.questions:
            raise QuizError("a quiz needs at least one question")
        ids = [q.id for q in self.questions]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise QuizError(f"question {duplicates[0]!r} appears more than once")
        if not _whole(self.pass_mark, 0, 100):
            raise QuizError(f"pass mark must be a whole percentage 0..100, not {self.pass_mark!r}")
        if self.draw is not None and not _whole(self.draw, 1, len(self.questions)):
            raise QuizError(f"draw must be a whole number 1..{len(self.questions)} (the pool's size), not {self.draw!r}")
        if self.max_attempts is not None and not _whole(self.max_attempts, 1):
            raise QuizError(f"max attempts must be a whole number of at least 1, not {self.max_attempts!r}")
        if self.time_limit_minutes is not None and not _whole(self.time_limit_minutes, 1, 24 * 60):
            raise QuizError(f"time limit must be whole minutes 1..1440, not {self.time_limit_minutes!r}")
        if not isinstance(self.shuffle, bool):
            raise QuizError(f"shuffle must be true or false, not {self.shuffle!r}")

    def question(self, question_id: str) -> AnyQuestion:
        """The question with this id; QuizError when there is none."""
        for q in self.questions:
            if q.id == question_id:
                return q
        raise QuizError(f"question {question_id!r} is not in this quiz")

    @property
    def is_plain(self) -> bool:
        """Every question asked, no clock: an attempt can start at the moment it is submitted."""
        return self.draw in (None, len(self.questions)) and self.time_limit_minutes is None


@dataclass(frozen=True)
class QuizResult:
    """Grading outcome; the three id tuples partition the questions asked, in the order asked."""

    score_percent: float
    passed: bool
    correct: tuple[str, ...]
    wrong: tuple[str, ...]
    unanswered: tuple[str, ...]


@dataclass(frozen=True)
class Feedback:
    """One question after an attempt: what was answered (checked), and whether it was right."""

    question: AnyQuestion
    response: Any
    outcome: str  # correct | wrong | unanswered


def feedback(quiz: Quiz, answers: Mapping[str, Any], asked: Optional[Sequence[str]] = None) -> tuple[Feedback, ...]:
    """Feedback for each asked question (default: all of the quiz), in the order asked.

    QuizError for an answer to a question not in the quiz or not asked, or a malformed response.
    """
    if asked is None:
        asked = tuple(q.id for q in quiz.questions)
        for question_id in answers:
            quiz.question(question_id)
    asked = tuple(asked)
    for question_id in answers:
        if question_id not in asked:
            raise QuizError(f"question {question_id!r} was not asked in this attempt")
    out = []
    for question_id in asked:
        q = quiz.question(question_id)
        response = q.response(answers.get(question_id))
        outcome = "unanswered" if response is None else "correct" if q.is_right(response) else "wrong"
        out.append(Feedback(q, response, outcome))
    return tuple(out)


def result_of(quiz: Quiz, items: Sequence[Feedback]) -> QuizResult:
    """The score (rounded to one decimal) and pass of graded questions; passing means score >= pass mark."""
    by = {o: tuple(f.question.id for f in items if f.outcome == o) for o in ("correct", "wrong", "unanswered")}
    score = round(100.0 * len(by["correct"]) / len(items), 1) if items else 0.0
    return QuizResult(score, score >= quiz.pass_mark, by["correct"], by["wrong"], by["unanswered"])


def grade(quiz: Quiz, answers: Mapping[str, Any], asked: Optional[Sequence[str]] = None) -> QuizResult:
    """Grade `answers` (question id -> response) over the asked questions (default: the whole quiz)."""
    return result_of(quiz, feedback(quiz, answers, asked))


def example_response(q: AnyQuestion, right: bool) -> Any:
    """A response to `q` that is right (or, with right=False, one that is wrong); for demo data and tests."""
    if isinstance(q, Question):
        return q.answer if right else (q.answer + 1) % len(q.options)
    if isinstance(q, MultipleChoice):
        return q.answers if right else frozenset(range(len(q.options))) - q.answers or frozenset({0})
    if isinstance(q, TrueFalse):
        return q.answer is right
    if isinstance(q, ShortAnswer):
        return q.accepted[0] if right else "?"
    order = tuple(range(len(q.items)))
    return order if right else order[::-1]
