"""The quiz form: field names per question and the posted form read back as responses.

Choices are posted as the option's index as written in the course (not its shown position), so
the shuffle never matters to grading. A value that cannot be read is passed on as it is, so the
grader reports it against its question rather than it silently counting as unanswered.
"""
from __future__ import annotations

from typing import Any, Iterable

from werkzeug.datastructures import MultiDict

from training.quiz import AnyQuestion, MultipleChoice, Ordering, Question, TrueFalse


def field(question_id: str, item: int | None = None) -> str:
    """The form field of a question (of one item of an ordering question)."""
    return f"answer__{question_id}" if item is None else f"answer__{question_id}__{item}"


def _index(raw: str) -> Any:
    return int(raw) if raw.isdigit() else raw


def _ordering(form: MultiDict, q: Ordering) -> Any:
    """Items sorted by the position (1..n) given to each; None when no position was given."""
    raw = [(form.get(field(q.id, i)) or "").strip() for i in range(len(q.items))]
    if not any(raw):
        return None
    if not all(r.isdigit() for r in raw) or sorted(map(int, raw)) != list(range(1, len(q.items) + 1)):
        return raw  # not each position once: the grader names the question
    return tuple(sorted(range(len(q.items)), key=lambda i: int(raw[i])))


def response(form: MultiDict, q: AnyQuestion) -> Any:
    """The response to `q` in the posted form (None when not answered)."""
    if isinstance(q, Ordering):
        return _ordering(form, q)
    if isinstance(q, MultipleChoice):
        chosen = [v.strip() for v in form.getlist(field(q.id)) if v.strip()]
        return [_index(v) for v in chosen] or None
    raw = (form.get(field(q.id)) or "").strip()
    if raw == "":
        return None
    if isinstance(q, TrueFalse):
        return {"true": True, "false": False}.get(raw, raw)
    return _index(raw) if isinstance(q, Question) else raw


def responses(form: MultiDict, questions: Iterable[AnyQuestion]) -> dict[str, Any]:
    """Responses to the questions an attempt asked (every one, None when skipped)."""
    return {q.id: response(form, q) for q in questions}
