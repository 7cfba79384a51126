"""How far the automatic scorer agrees with a careful reviewer: the figures of `qadesk scorer eval`.

Pure: compares reviewer labels (scoring.validity_labels) with the product's evaluations, per
language and overall. Chance-corrected agreement is Cohen's kappa from scoring.agreement (the one
kappa of the project); "na" is a class of its own everywhere.

Figures (each on the conversations whose label has the field; `n` says how many):
- verdict agreement: share of conversations whose product verdict (`verdict()`) equals the label's;
- auto-fail precision and recall: the product's auto-fail flag against the label's;
- per criterion: accuracy, Cohen's kappa and the confusion matrix (rows: label, columns: product);
- score gap: mean distance from the product's score to the label's band (0 inside), share inside.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, Optional, Sequence

from scoring.agreement import Estimate, Ratings, cohen_kappa
from scoring.mood import MOOD_LABELS
from scoring.result import CriterionResult, Evidence
from scoring.validity_labels import (CRITERION_VALUES, DEFAULT_MAPPING, SENTIMENT_CRITERION, VERDICTS,
                                     Label)

LANGUAGES = ("en", "zh")  # always reported, even when empty; other languages when present
OVERALL = "all"
NA = "na"


@dataclass(frozen=True)
class Thresholds:
    """An evaluation is "bad" below `bad_below` (or on auto-fail) and "good" from `good_from` with no
    failed criterion; "average" otherwise. Defaults follow the qa_dev rubric."""

    bad_below: float = 50.0
    good_from: float = 80.0

    def __post_init__(self) -> None:
        if not 0 <= self.bad_below <= self.good_from <= 100:
            raise ValueError("thresholds need 0 <= bad_below <= good_from <= 100")


def verdict(score: float, auto_fail: bool, any_failed: bool, thresholds: Thresholds = Thresholds()) -> str:
    """"bad" on auto-fail or score < bad_below; "good" at score >= good_from with no failed criterion;
    else "average"."""
    if auto_fail or score < thresholds.bad_below:
        return "bad"
    if score >= thresholds.good_from and not any_failed:
        return "good"
    return "average"


def score_gap(score: float, band: tuple[float, float]) -> float:
    """0 when `score` is inside the band [lo, hi] (edges included), else the distance to the nearest edge."""
    lo, hi = band
    return max(lo - score, score - hi, 0.0)


@dataclass(frozen=True)
class Product:
    """What the product said about one conversation: its automatic evaluation and the stored end mood
    (None when no customer turn was scored)."""

    conversation_id: str
    language: str
    score: float
    auto_fail: bool
    criteria: tuple[CriterionResult, ...] = ()
    mood: Optional[str] = None
    fail_reasons: tuple[str, ...] = ()

    def verdict(self, thresholds: Thresholds = Thresholds(), counted: Optional[frozenset[str]] = None) -> str:
        """The verdict; "no failed criterion" looks at every criterion, or only those in `counted`."""
        failed = any(c.result == "fail" and (counted is None or c.criterion_id in counted) for c in self.criteria)
        return verdict(self.score, self.auto_fail, failed, thresholds)

    def decided_by(self, scorecard_ids: Sequence[str]) -> tuple[CriterionResult, ...]:
        """The product's results for these scorecard criteria, in evaluation order."""
        return tuple(c for c in self.criteria if c.criterion_id in scorecard_ids)


def product_value(product: Product, label_criterion: str,
                  mapping: Mapping[str, tuple[str, ...]] = DEFAULT_MAPPING) -> str:
    """The product's value for a label criterion: the stored mood for customer_sentiment_end ("na"
    when none); else "fail" if a mapped criterion failed, "pass" if one passed, "na" when every
    mapped criterion is na or absent from the evaluation (e.g. 三查三核 on an English scorecard)."""
    if label_criterion == SENTIMENT_CRITERION:
        return product.mood or NA
    results = {c.result for c in product.decided_by(mapping.get(label_criterion, ()))}
    return "fail" if "fail" in results else "pass" if "pass" in results else NA


@dataclass(frozen=True)
class Case:
    """One labelled conversation: the reviewer's label and what the product said about it."""

    label: Label
    product: Product


@dataclass(frozen=True)
class Confusion:
    """Counts of (label, product) pairs: `counts[i][j]` = label classes[i], product classes[j]."""

    classes: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    def as_dict(self) -> dict:
        return {"classes": list(self.classes), "rows": "label", "columns": "product",
                "counts": [list(row) for row in self.counts]}


def confusion(pairs: Iterable[tuple[str, str]], classes: Sequence[str]) -> Confusion:
    """The confusion matrix of (label, product) pairs over `classes` (values outside them are added
    at the end, so nothing is dropped)."""
    pairs = list(pairs)
    order = list(classes) + sorted({v for pair in pairs for v in pair} - set(classes))
    index = {c: i for i, c in enumerate(order)}
    counts = [[0] * len(order) for _ in order]
    for label, product in pairs:
        counts[index[label]][index[product]] += 1
    return Confusion(tuple(order), tuple(tuple(row) for row in counts))


@dataclass(frozen=True)
class Agreement:
    """Agreement of the product with the labels on one nominal figure (a criterion or the verdict)."""

    n: int
    agreeing: int
    kappa: Estimate
    confusion: Confusion

    @property
    def accuracy(self) -> Optional[float]:
        return self.agreeing / self.n if self.n else None

    def as_dict(self) -> dict:
        return {"n": self.n, "agreeing": self.agreeing, "accuracy": self.accuracy, "kappa": self.kappa.value,
                "kappa_reason": self.kappa.reason or None, "confusion": self.confusion.as_dict()}


def agreement(pairs: Sequence[tuple[str, str]], classes: Sequence[str]) -> Agreement:
    """Accuracy, Cohen's kappa and the confusion matrix of (label, product) pairs."""
    kappa = cohen_kappa(Ratings.from_rows(pairs, rater_ids=("label", "product"))) if pairs else \
        Estimate(None, 0, "no conversation has this label")
    return Agreement(len(pairs), sum(a == b for a, b in pairs), kappa, confusion(pairs, classes))


@dataclass(frozen=True)
class AutoFail:
    """The product's auto-fail flag against the label's: counts, precision and recall (None when undefined)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> Optional[float]:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> Optional[float]:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def as_dict(self) -> dict:
        return {"n": self.tp + self.fp + self.fn + self.tn, "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "tn": self.tn, "precision": self.precision, "recall": self.recall}


def auto_fail_counts(pairs: Iterable[tuple[bool, bool]]) -> AutoFail:
    """From (label, product) auto-fail flags."""
    cells = {(True, True): 0, (False, True): 0, (True, False): 0, (False, False): 0}
    for pair in pairs:
        cells[pair] += 1
    return AutoFail(cells[True, True], cells[False, True], cells[True, False], cells[False, False])


@dataclass(frozen=True)
class ScoreGap:
    n: int = 0
    mean: Optional[float] = None
    in_band: int = 0

    @property
    def in_band_share(self) -> Optional[float]:
        return self.in_band / self.n if self.n else None

    def as_dict(self) -> dict:
        return {"n": self.n, "mean": self.mean, "in_band": self.in_band, "in_band_share": self.in_band_share}


def score_gaps(pairs: Sequence[tuple[float, tuple[float, float]]]) -> ScoreGap:
    """Mean score gap and how many scores fall inside their band, from (score, band) pairs."""
    gaps = [score_gap(score, band) for score, band in pairs]
    if not gaps:
        return ScoreGap()
    return ScoreGap(len(gaps), sum(gaps) / len(gaps), sum(g == 0 for g in gaps))


@dataclass(frozen=True)
class Disagreement:
    """One place where the product and the label differ, with the product's evidence and explanation
    (of the scorecard criteria involved) and the label's reason."""

    conversation_id: str
    language: str
    figure: str  # "verdict", "auto_fail" or a label criterion
    label: str
    product: str
    evidence: tuple[Evidence, ...] = ()
    explanation: str = ""
    why: str = ""

    def as_dict(self) -> dict:
        return {"conversation": self.conversation_id, "language": self.language, "figure": self.figure,
                "label": self.label, "product": self.product,
                "evidence": [{"turn": e.turn, "text": e.text} for e in self.evidence],
                "explanation": self.explanation, "why": self.why}


@dataclass(frozen=True)
class GroupFigures:
    """Every figure for one group of conversations (a language or all)."""

    n: int
    verdict: Agreement
    auto_fail: AutoFail
    score_gap: ScoreGap
    criteria: Mapping[str, Agreement] = field(default_factory=dict)
    #: the verdict when only the failures of criteria the mapping relates to the labels count (the
    #: reviewer's rubric); the scorecard's other criteria still count through the score
    verdict_mapped: Optional[Agreement] = None

    def as_dict(self) -> dict:
        mapped = self.verdict_mapped.as_dict() if self.verdict_mapped else None
        return {"n": self.n, "verdict": self.verdict.as_dict(), "verdict_mapped_criteria": mapped,
                "auto_fail": self.auto_fail.as_dict(),
                "score_gap": self.score_gap.as_dict(),
                "criteria": {name: a.as_dict() for name, a in self.criteria.items()}}


def group_figures(cases: Sequence[Case], mapping: Mapping[str, tuple[str, ...]] = DEFAULT_MAPPING,
                  thresholds: Thresholds = Thresholds()) -> GroupFigures:
    """The figures of these cases; each uses the cases whose label has the field it needs."""
    verdicts = [(c.label.verdict, c.product.verdict(thresholds)) for c in cases if c.label.verdict]
    counted = frozenset(i for ids in mapping.values() for i in ids)
    mapped = [(c.label.verdict, c.product.verdict(thresholds, counted)) for c in cases if c.label.verdict]
    flags = [(c.label.auto_fail, c.product.auto_fail) for c in cases if c.label.auto_fail is not None]
    bands = [(c.product.score, c.label.band) for c in cases if c.label.band]
    criteria = {}
    for name in criterion_names(cases, mapping):
        pairs = [(c.label.criteria[name], product_value(c.product, name, mapping))
                 for c in cases if name in c.label.criteria]
        criteria[name] = agreement(pairs, _classes(name))
    return GroupFigures(len(cases), agreement(verdicts, VERDICTS), auto_fail_counts(flags),
                        score_gaps(bands), criteria, agreement(mapped, VERDICTS))


def criterion_names(cases: Sequence[Case], mapping: Mapping[str, tuple[str, ...]]) -> list[str]:
    """The mapped criteria, then the end sentiment, then any other criterion the labels use."""
    used = {name for c in cases for name in c.label.criteria}
    return [*mapping, SENTIMENT_CRITERION, *sorted(used - set(mapping) - {SENTIMENT_CRITERION})]


def _classes(name: str) -> tuple[str, ...]:
    return (*MOOD_LABELS, NA) if name == SENTIMENT_CRITERION else CRITERION_VALUES


def disagreements(case: Case, mapping: Mapping[str, tuple[str, ...]] = DEFAULT_MAPPING,
                  thresholds: Thresholds = Thresholds()) -> list[Disagreement]:
    """Every figure on which this conversation's product result differs from its label."""
    label, product = case.label, case.product
    found = []

    def differ(figure: str, labelled: str, said: str, evidence=(), explanation: str = "") -> None:
        found.append(Disagreement(product.conversation_id, product.language, figure, labelled, said,
                                  tuple(evidence), explanation, label.why))

    said_verdict = product.verdict(thresholds)
    if label.verdict and label.verdict != said_verdict:
        differ("verdict", label.verdict, said_verdict, (), _overall(product))
    if label.auto_fail is not None and label.auto_fail != product.auto_fail:
        differ("auto_fail", _flag(label.auto_fail), _flag(product.auto_fail), (),
               "; ".join(product.fail_reasons) or _overall(product))
    for name, labelled in label.criteria.items():
        said = product_value(product, name, mapping)
        if said != labelled:
            involved = product.decided_by(mapping.get(name, ()))
            differ(name, labelled, said, [e for c in involved for e in c.evidence],
                   " | ".join(f"{c.criterion_id}: {c.explanation}" for c in involved if c.explanation)
                   or _missing(name, involved))
    return found


def _flag(value: Optional[bool]) -> str:
    return "yes" if value else "no"


def _overall(product: Product) -> str:
    failed = [c.criterion_id for c in product.criteria if c.result == "fail"]
    auto = ", auto-fail" if product.auto_fail else ""
    return f"score {product.score:.0f}{auto}; failed: {', '.join(failed) or 'none'}"


def _missing(name: str, involved: tuple[CriterionResult, ...]) -> str:
    if name == SENTIMENT_CRITERION:
        return "the stored end mood of the customer"
    return "" if involved else "no mapped scorecard criterion in this evaluation (counts as na)"


@dataclass(frozen=True)
class ValidityReport:
    """Figures per language (en and zh always, then others present) and overall, and every disagreement."""

    groups: Mapping[str, GroupFigures]
    disagreements: tuple[Disagreement, ...]

    def as_dict(self) -> dict:
        return {"groups": {name: g.as_dict() for name, g in self.groups.items()},
                "disagreements": [d.as_dict() for d in self.disagreements]}


def compare(cases: Sequence[Case], mapping: Mapping[str, tuple[str, ...]] = DEFAULT_MAPPING,
            thresholds: Thresholds = Thresholds()) -> ValidityReport:
    """The report of these cases (one per labelled, scored conversation)."""
    languages = [*LANGUAGES, *sorted({c.product.language for c in cases} - set(LANGUAGES))]
    groups = {lang: group_figures([c for c in cases if c.product.language == lang], mapping, thresholds)
              for lang in languages}
    groups[OVERALL] = group_figures(cases, mapping, thresholds)
    found = tuple(d for c in cases for d in disagreements(c, mapping, thresholds))
    return ValidityReport(groups, found)
