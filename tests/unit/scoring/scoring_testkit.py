"""Helpers for the scoring unit tests: short conversation builders and a dict-based fake sentiment."""
from __future__ import annotations

from datetime import datetime
from typing import Optional, Sequence

from scoring.checks import CheckOutcome, get_check
from scoring.engine import run_check
from scoring.scorecard import CheckSpec, freeze
from transcripts.model import Conversation, Turn

SPEAKER = {"a": "agent", "c": "customer", "b": "bot", "s": "system"}


def conv(*turns: tuple, language: Optional[str] = None, channel: str = "chat", queue: Optional[str] = None,
         external_id: str = "c1") -> Conversation:
    """conv(("c", "hi"), ("a", "hello", at)): speakers a/c/b/s or full names; an optional datetime third."""
    built = []
    for item in turns:
        speaker, text = SPEAKER.get(item[0], item[0]), item[1]
        at: Optional[datetime] = item[2] if len(item) > 2 else None
        built.append(Turn(speaker, text, at=at))
    return Conversation(external_id, "agent-1", tuple(built), channel=channel, language=language, queue=queue)


class DictSentiment:
    """Polarity from a dict (default 0.0); records every call so tests can count batches."""

    def __init__(self, values: Optional[dict] = None, default: float = 0.0) -> None:
        self.values = dict(values or {})
        self.default = default
        self.calls: list[tuple[list[str], str]] = []

    def polarity(self, texts: Sequence[str], language: str) -> list[float]:
        self.calls.append((list(texts), language))
        return [self.values.get(t, self.default) for t in texts]


def check(conversation: Conversation, kind: str, sentiment=None, language: Optional[str] = None,
          **params) -> CheckOutcome:
    """Run one check with parameters that must be valid (so a typo in a test cannot pass silently)."""
    problems = get_check(kind).validate(params)
    assert problems == [], problems
    return run_check(conversation, CheckSpec(kind, freeze(params)), sentiment or DictSentiment(), language)
