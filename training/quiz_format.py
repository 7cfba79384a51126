"""Questions and quiz settings as plain mappings: the shape of a course file's `quiz` and of the stored quiz.

A question mapping has `id`, `prompt`, optional `type` (default `single`) and `explanation`, and
per type:

| type | fields |
|---|---|
| single | `options` (list of texts), `answer` (0-based index of the right option) |
| multiple | `options`, `answers` (list of the right option indices; graded all or nothing) |
| true_false | `answer` (true or false) |
| short | `accepted` (list of accepted texts) or `answer` (one text) |
| ordering | `items` (list of texts, written in the right order; always shown shuffled) |

Errors are QuizError whose message starts with the field path given as `where`.
"""
from __future__ import annotations

from typing import Any, Mapping

from training.quiz import (KINDS, AnyQuestion, MultipleChoice, Ordering, Question, Quiz, QuizError, ShortAnswer,
                           TrueFalse)

_COMMON = ("id", "type", "prompt", "explanation")
_FIELDS = {"single": ("options", "answer"), "multiple": ("options", "answers"), "true_false": ("answer",),
           "short": ("accepted", "answer"), "ordering": ("items",)}
SETTINGS = ("questions", "draw", "shuffle", "max_attempts", "time_limit_minutes")


def _texts(data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise QuizError(f"{where}.{key}: must be a list of texts")
    return tuple(v.strip() for v in value)


def _indices(data: Mapping[str, Any], key: str, where: str) -> Any:
    value = data.get(key)
    if key == "answers":
        if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise QuizError(f"{where}.answers: must be a list of 0-based option indices")
        return frozenset(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise QuizError(f"{where}.answer: must be the 0-based index of the correct option")
    return value


def _short_accepted(data: Mapping[str, Any], where: str) -> tuple[str, ...]:
    if ("accepted" in data) == ("answer" in data):
        raise QuizError(f"{where}: a short answer needs either accepted (a list) or answer (one text)")
    if "accepted" in data:
        return _texts(data, "accepted", where)
    if not isinstance(data["answer"], str):
        raise QuizError(f"{where}.answer: must be a text")
    return (data["answer"].strip(),)


def _build(kind: str, data: Mapping[str, Any], where: str, common: tuple[str, str, str]) -> AnyQuestion:
    qid, prompt, explanation = common
    if kind == "single":
        return Question(qid, prompt, _texts(data, "options", where), _indices(data, "answer", where), explanation)
    if kind == "multiple":
        return MultipleChoice(qid, prompt, _texts(data, "options", where), _indices(data, "answers", where),
                              explanation)
    if kind == "true_false":
        if not isinstance(data.get("answer"), bool):
            raise QuizError(f"{where}.answer: must be true or false")
        return TrueFalse(qid, prompt, data["answer"], explanation)
    if kind == "short":
        return ShortAnswer(qid, prompt, _short_accepted(data, where), explanation)
    return Ordering(qid, prompt, _texts(data, "items", where), explanation)


def question_from_mapping(data: Any, where: str) -> AnyQuestion:
    """A question from its mapping; QuizError naming `where` and the field otherwise."""
    if not isinstance(data, Mapping):
        raise QuizError(f"{where}: must be a mapping with id, prompt and the fields of its type")
    kind = data.get("type", "single")
    if kind not in KINDS:
        raise QuizError(f"{where}.type: {kind!r} is not one of {', '.join(KINDS)}")
    unknown = sorted(str(k) for k in data if k not in _COMMON + _FIELDS[kind])
    if unknown:
        raise QuizError(f"{where}.{unknown[0]}: unknown field for a {kind} question")
    prompt, explanation = data.get("prompt"), data.get("explanation", "")
    if not isinstance(prompt, str) or not prompt.strip():
        raise QuizError(f"{where}.prompt: must be a non-empty text")
    if not isinstance(explanation, str):
        raise QuizError(f"{where}.explanation: must be a text")
    try:
        return _build(kind, data, where, (str(data.get("id") or ""), prompt.strip(), explanation.strip()))
    except QuizError as exc:
        if str(exc).startswith(where):
            raise
        raise QuizError(f"{where}: {exc}") from None


def question_to_mapping(q: AnyQuestion) -> dict:
    """The mapping question_from_mapping reads back to an equal question (JSON-ready)."""
    out: dict[str, Any] = {"id": q.id, "type": q.kind, "prompt": q.prompt}
    if isinstance(q, Question):
        out.update(options=list(q.options), answer=q.answer)
    elif isinstance(q, MultipleChoice):
        out.update(options=list(q.options), answers=sorted(q.answers))
    elif isinstance(q, TrueFalse):
        out["answer"] = q.answer
    elif isinstance(q, ShortAnswer):
        out["accepted"] = list(q.accepted)
    else:
        out["items"] = list(q.items)
    out["explanation"] = q.explanation
    return out


def quiz_from_mapping(items: Any, pass_mark: Any, where: str) -> Quiz:
    """A quiz from a course file's `quiz`: a list of questions, or a mapping with `questions` and
    the settings draw, shuffle (default true), max_attempts and time_limit_minutes."""
    settings: Mapping[str, Any] = {}
    if isinstance(items, Mapping):
        unknown = sorted(str(k) for k in items if k not in SETTINGS)
        if unknown:
            raise QuizError(f"{where}.{unknown[0]}: unknown field (known: {', '.join(SETTINGS)})")
        settings, items, where_q = items, items.get("questions"), f"{where}.questions"
    else:
        where_q = where
    if not isinstance(items, list) or not items:
        raise QuizError(f"{where_q}: must be a non-empty list of questions")
    questions = tuple(question_from_mapping(item, f"{where_q}[{i}]") for i, item in enumerate(items))
    try:
        # Quiz checks the settings' values; its messages name the setting.
        return Quiz(questions, pass_mark, draw=settings.get("draw"), shuffle=settings.get("shuffle", True),
                    max_attempts=settings.get("max_attempts"), time_limit_minutes=settings.get("time_limit_minutes"))
    except QuizError as exc:
        raise QuizError(f"{where}: {exc}") from None
