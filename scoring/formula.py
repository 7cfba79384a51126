"""The one score formula: 100 x sum(w*s) / sum(w) over applicable criteria; a critical failure gives 0."""
from __future__ import annotations

from typing import Iterable, Optional

from scoring.explanations import FAILED
from scoring.result import CriterionResult


def weighted_score(results: Iterable[CriterionResult]) -> Optional[float]:
    """Score 0-100 of the applicable (not N/A) results, or None when none applies."""
    total_weight = 0.0
    total = 0.0
    for r in results:
        if r.result == "na" or r.weight <= 0:
            continue
        total_weight += r.weight
        total += r.weight * r.score
    if total_weight == 0:
        return None
    return round(100.0 * total / total_weight, 2)


def critical_failures(results: Iterable[CriterionResult]) -> tuple[str, ...]:
    """Ids of critical criteria that failed."""
    return tuple(r.criterion_id for r in results if r.critical and r.result == "fail")


def fail_reasons(results: Iterable[CriterionResult]) -> tuple[str, ...]:
    """The one format of an evaluation's critical failures: "criterion_id: why" for each, where why is
    the reviewer's comment when a person decided, else the check's explanation (automatic or human)."""
    return tuple(f"{r.criterion_id}: {r.comment or r.explanation or FAILED}"
                 for r in results if r.critical and r.result == "fail")


def total_score(results: Iterable[CriterionResult]) -> tuple[float, bool, dict[str, Optional[float]]]:
    """(total score, auto_fail, section scores). No applicable criterion scores 100 (nothing was missed)."""
    results = list(results)
    sections: dict[str, list[CriterionResult]] = {}
    for r in results:
        sections.setdefault(r.section_id, []).append(r)
    section_scores = {sid: weighted_score(rs) for sid, rs in sections.items()}
    failed = critical_failures(results)
    if failed:
        return 0.0, True, section_scores
    score = weighted_score(results)
    return (100.0 if score is None else score), False, section_scores
