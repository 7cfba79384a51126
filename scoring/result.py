"""Result values of scoring one conversation against one scorecard version."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

RESULTS = ("pass", "fail", "na")


@dataclass(frozen=True)
class Evidence:
    """Where a verdict comes from: a turn index (None for the whole conversation) and the text."""

    turn: Optional[int]
    text: str


@dataclass(frozen=True)
class CriterionResult:
    """One criterion's verdict. `score` is 0..1 (None when `result` is "na")."""

    criterion_id: str
    section_id: str
    result: str
    score: Optional[float]
    weight: float
    critical: bool = False
    evidence: tuple[Evidence, ...] = ()
    explanation: str = ""
    comment: str = ""

    def __post_init__(self) -> None:
        if self.result not in RESULTS:
            raise ValueError(f"result must be one of {RESULTS}, not {self.result!r}")
        if self.result == "na" and self.score is not None:
            raise ValueError("an N/A result has no score")
        if self.result != "na" and (self.score is None or not 0.0 <= self.score <= 1.0):
            raise ValueError(f"score of {self.criterion_id} must be within 0..1")


@dataclass(frozen=True)
class EvaluationResult:
    """A whole evaluation: total score 0-100, critical failure flag, per-section scores."""

    scorecard: str
    version: int
    score: float
    auto_fail: bool
    criteria: tuple[CriterionResult, ...]
    section_scores: Mapping[str, Optional[float]] = field(default_factory=dict)
    fail_reasons: tuple[str, ...] = ()
    #: polarity (-1..1) of every customer turn, and of any other turn a check read, by turn index
    turn_sentiment: Mapping[int, float] = field(default_factory=dict)
