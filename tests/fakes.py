"""Test doubles for heavy engines (never for our own code)."""
from __future__ import annotations

from typing import Sequence

NEGATIVE = ("ridiculous", "terrible", "angry", "worst", "bad review", "unacceptable", "太差", "投诉", "生气", "失望")
POSITIVE = ("thank", "great", "perfect", "helpful", "谢谢", "感谢", "满意", "好的")


class FakeSentiment:
    """Keyword polarity: -0.6 for a negative marker, 0.6 for a positive one, else 0. Counts calls."""

    def __init__(self) -> None:
        self.calls = 0

    def polarity(self, texts: Sequence[str], language: str) -> list[float]:
        self.calls += 1
        return [self._one(t) for t in texts]

    @staticmethod
    def _one(text: str) -> float:
        low = text.lower()
        if any(w in low for w in NEGATIVE):
            return -0.6
        if any(w in low for w in POSITIVE):
            return 0.6
        return 0.0
