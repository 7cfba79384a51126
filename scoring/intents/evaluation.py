"""How well an intent model reads labelled turns: per intent precision, recall and F1, and the linear
model cross-validated (trained on the shipped examples plus the other folds, measured on each fold)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from scoring.intents.base import CUSTOMER_INTENTS, INTENTS, IntentModel, family_of
from scoring.intents.corpus import LabelledTurn, shipped_examples
from scoring.text import normalise
from scoring.validity import AutoFail as Flags, auto_fail_counts

DEFAULT_CONFIDENCE = 0.5  # the check types' default min_confidence


@dataclass(frozen=True)
class IntentFigures:
    """Counts of one intent over the turns of its speaker (agent intents on agent turns, customer
    intents on customer turns) and the figures they give (None when undefined). The counting is the
    auto-fail one of scoring.validity: a found intent is a flag raised."""

    intent: str
    counts: Flags = Flags()

    @property
    def positives(self) -> int:
        return self.counts.tp + self.counts.fn

    @property
    def f1(self) -> Optional[float]:
        p, r = self.counts.precision, self.counts.recall
        return 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)

    def plus(self, other: "IntentFigures") -> "IntentFigures":
        a, b = self.counts, other.counts
        return IntentFigures(self.intent, Flags(a.tp + b.tp, a.fp + b.fp, a.fn + b.fn, a.tn + b.tn))

    def as_dict(self) -> dict:
        return {"positives": self.positives, **self.counts.as_dict(), "f1": self.f1}


def speaker_of(intent: str) -> str:
    return "customer" if intent in CUSTOMER_INTENTS else "agent"


def split_by_family(rows: Sequence[LabelledTurn], language: str = "en") -> dict[str, list[LabelledTurn]]:
    """Rows by the script of their text ("zh" with a CJK character, else "en"), as the models read them."""
    out: dict[str, list[LabelledTurn]] = {}
    for row in rows:
        out.setdefault(family_of(normalise(row.text), language), []).append(row)
    return out


def figures(model: IntentModel, rows: Sequence[LabelledTurn], family: str,
            limit: float = DEFAULT_CONFIDENCE) -> dict[str, IntentFigures]:
    """Per intent: a turn counts as expressing it when the model gives it at least `limit`."""
    read = model.intents([normalise(r.text) for r in rows], family)
    return {intent: _count(intent, rows, read, limit) for intent in INTENTS}


def _count(intent: str, rows: Sequence[LabelledTurn], read: list[dict], limit: float) -> IntentFigures:
    pairs = [(intent in row.intents, (hit := hits.get(intent)) is not None and hit.confidence >= limit)
             for row, hits in zip(rows, read) if row.speaker == speaker_of(intent)]
    return IntentFigures(intent, auto_fail_counts(pairs))


def cross_validated_linear(rows: Sequence[LabelledTurn], family: str, folds: int = 5,
                           limit: float = DEFAULT_CONFIDENCE) -> dict[str, IntentFigures]:
    """The linear model on each of `folds` interleaved folds of `rows`, trained on the shipped
    examples (less any with the text of a held-out turn) plus the other folds; counts summed."""
    from scoring.intents.linear import LinearIntents, fit_family

    folds = max(2, min(folds, len(rows)))
    totals = {intent: IntentFigures(intent) for intent in INTENTS}
    for k in range(folds):
        held = [r for i, r in enumerate(rows) if i % folds == k]
        rest = [r for i, r in enumerate(rows) if i % folds != k]
        held_texts = {normalise(r.text) for r in held}
        base = [r for r in shipped_examples(family) if normalise(r.text) not in held_texts]
        model = LinearIntents({family: fit_family(family, base + rest)})
        for intent, part in figures(model, held, family, limit).items():
            totals[intent] = totals[intent].plus(part)
    return totals
