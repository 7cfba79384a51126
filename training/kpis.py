"""The appraisal KPI engine: from one agent's facts for a period to every KPI's value, n, rating and
evidence, and the weighted overall rating with its band (definitions: docs/appraisals.md).

Values are rounded to one decimal before they are rated, so the figure shown is the figure rated.
A KPI with n below its minimum is "too little data": no rating, and it leaves the overall rating.
The overall rating is the weighted mean of the rated KPIs' ratings, the weights renormalised over
the rated KPIs only: sum(weight * rating) / sum(weight) over them. No rated KPI: no overall rating.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, Optional, Sequence

from scoring.dashboard import SATISFIED_FROM
from training.appraisal_templates import AppraisalTemplate, Band, KpiSpec
from training.certainty import mean_interval
from training.due import as_utc

FIRST_RESPONSE_SECONDS = 30.0  # chat first reply within 30 s (domain notes)
CSAT_SATISFIED = SATISFIED_FROM  # one owner (scoring.dashboard): 4 and 5 on the 1-5 scale
NPS_PROMOTER, NPS_DETRACTOR = 9, 6  # 9-10 promoters, 0-6 detractors
#: complaint stages and their limits from the case's opening: receipt 24 h, first handling 48 h, closure 72 h
COMPLAINT_LIMITS = (("acknowledged_at", timedelta(hours=24)), ("first_handled_at", timedelta(hours=48)),
                    ("closed_at", timedelta(hours=72)))
RATED, TOO_LITTLE = "rated", "too_little_data"
Evidence = tuple[str, int]  # (kind, id): evaluation, conversation, assignment, attempt, dispute, coaching_action


@dataclass(frozen=True)
class ScoreFact:
    """A conversation's score that counts toward the QA score (human final, else trusted automatic)."""

    evaluation_id: int
    score: float


@dataclass(frozen=True)
class EvaluationFact:
    """A final evaluation of one of the agent's conversations in the period."""

    evaluation_id: int
    auto_fail: bool


@dataclass(frozen=True)
class RatingFact:
    """A survey answer (CSAT 1-5 or NPS 0-10) and what it is about (None: no link is known)."""

    value: int
    evidence: Optional[Evidence] = None


@dataclass(frozen=True)
class ChatFact:
    """A chat's first response time in seconds (None: the agent never answered)."""

    conversation_id: int
    first_response: Optional[float]


@dataclass(frozen=True)
class ComplaintCase:
    """A closed complaint case and its stage times (see COMPLAINT_LIMITS); a stage not recorded is None."""

    conversation_id: int
    opened_at: datetime
    acknowledged_at: Optional[datetime]
    first_handled_at: Optional[datetime]
    closed_at: Optional[datetime]


@dataclass(frozen=True)
class AssignmentFact:
    """A course assignment due in the period (cancelled ones are left out by the caller)."""

    assignment_id: int
    due_at: datetime
    completed_at: Optional[datetime]


@dataclass(frozen=True)
class AttemptFact:
    """A graded quiz attempt submitted in the period."""

    attempt_id: int
    score: float


@dataclass(frozen=True)
class DisputeFact:
    """A dispute the agent opened, resolved in the period; status as training.disputes."""

    dispute_id: int
    status: str


@dataclass(frozen=True)
class ActionFact:
    """A coaching action the agent owns, due in the period (up to the snapshot)."""

    action_id: int
    done: bool


@dataclass(frozen=True)
class AgentFacts:
    """Everything the KPIs read about one agent for one period, loaded by the shell."""

    scores: tuple[ScoreFact, ...] = ()
    evaluations: tuple[EvaluationFact, ...] = ()
    csat: tuple[RatingFact, ...] = ()
    nps: tuple[RatingFact, ...] = ()
    chats: tuple[ChatFact, ...] = ()
    complaints: tuple[ComplaintCase, ...] = ()
    assignments: tuple[AssignmentFact, ...] = ()
    attempts: tuple[AttemptFact, ...] = ()
    disputes: tuple[DisputeFact, ...] = ()
    actions: tuple[ActionFact, ...] = ()


@dataclass(frozen=True)
class Measure:
    """A KPI's raw measurement: value (None without data), n, details to show, evidence behind it."""

    value: Optional[float]
    n: int
    details: dict = field(default_factory=dict)
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class KpiResult:
    kind: str
    label: str
    unit: str
    value: Optional[float]
    n: int
    min_n: int
    target: float
    weight: float
    rating: Optional[float]
    status: str  # RATED | TOO_LITTLE
    details: dict
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class AppraisalResult:
    template: str
    kpis: tuple[KpiResult, ...]
    overall: Optional[float]
    band: Optional[str]
    rated_weight: float
    total_weight: float


def _round(value: Optional[float]) -> Optional[float]:
    return None if value is None else round(value, 1)


def _percent(hits: int, n: int) -> Optional[float]:
    return 100.0 * hits / n if n else None


def qa_score(f: AgentFacts) -> Measure:
    """Mean of the counted scores with the 95 % interval (clipped to 0..100)."""
    interval = mean_interval(s.score for s in f.scores)
    clip = lambda v: None if v is None else round(min(100.0, max(0.0, v)), 1)  # noqa: E731
    return Measure(interval.mean, interval.n, {"ci_low": clip(interval.low), "ci_high": clip(interval.high)},
                   tuple(("evaluation", s.evaluation_id) for s in f.scores))


def critical_failures(f: AgentFacts) -> Measure:
    """Share of final evaluations with a critical failure, %; the failed ones are the evidence."""
    failed = [e.evaluation_id for e in f.evaluations if e.auto_fail]
    return Measure(_percent(len(failed), len(f.evaluations)), len(f.evaluations), {"count": len(failed)},
                   tuple(("evaluation", i) for i in failed))


def _evidence(ratings: Sequence[RatingFact]) -> tuple[Evidence, ...]:
    return tuple(r.evidence for r in ratings if r.evidence is not None)


def csat(f: AgentFacts) -> Measure:
    """Share of 1-5 answers that are 4 or 5, %, with their mean."""
    values = [r.value for r in f.csat]
    mean = round(sum(values) / len(values), 2) if values else None
    return Measure(_percent(sum(v >= CSAT_SATISFIED for v in values), len(values)), len(values),
                   {"mean": mean}, _evidence(f.csat))


def nps(f: AgentFacts) -> Measure:
    """% promoters (9-10) less % detractors (0-6) of the 0-10 answers, -100..100."""
    values = [r.value for r in f.nps]
    promoters, detractors = sum(v >= NPS_PROMOTER for v in values), sum(v <= NPS_DETRACTOR for v in values)
    value = _percent(promoters - detractors, len(values)) if values else None
    return Measure(value, len(values), {"promoters": promoters, "detractors": detractors}, _evidence(f.nps))


def first_response(f: AgentFacts) -> Measure:
    """Share of chats whose first response came within 30 s, %; an unanswered chat misses it."""
    met = [c for c in f.chats if c.first_response is not None and c.first_response <= FIRST_RESPONSE_SECONDS]
    missed = [c.conversation_id for c in f.chats if c not in met]
    return Measure(_percent(len(met), len(f.chats)), len(f.chats), {"missed": len(missed)},
                   tuple(("conversation", c.conversation_id) for c in f.chats))


def complaint_met(case: ComplaintCase) -> bool:
    """Whether every stage of a case was recorded within its limit from the opening."""
    opened = as_utc(case.opened_at)
    for stage, limit in COMPLAINT_LIMITS:
        at = getattr(case, stage)
        if at is None or as_utc(at) - opened > limit:
            return False
    return True


def complaint_time_limits(f: AgentFacts) -> Measure:
    """Share of closed complaint cases that met all three limits, %."""
    met = sum(complaint_met(c) for c in f.complaints)
    return Measure(_percent(met, len(f.complaints)), len(f.complaints), {"missed": len(f.complaints) - met},
                   tuple(("conversation", c.conversation_id) for c in f.complaints))


def training_on_time(f: AgentFacts) -> Measure:
    """Share of assignments due in the period completed by their due time, %."""
    on_time = sum(a.completed_at is not None and as_utc(a.completed_at) <= as_utc(a.due_at) for a in f.assignments)
    return Measure(_percent(on_time, len(f.assignments)), len(f.assignments), {"late": len(f.assignments) - on_time},
                   tuple(("assignment", a.assignment_id) for a in f.assignments))


def quiz_average(f: AgentFacts) -> Measure:
    """Mean score of the graded quiz attempts, 0-100."""
    scores = [a.score for a in f.attempts]
    return Measure(sum(scores) / len(scores) if scores else None, len(scores), {},
                   tuple(("attempt", a.attempt_id) for a in f.attempts))


def disputes_upheld(f: AgentFacts) -> Measure:
    """Share of the agent's resolved disputes that were rejected (the evaluation upheld against them), %."""
    rejected = sum(d.status == "rejected" for d in f.disputes)
    return Measure(_percent(rejected, len(f.disputes)), len(f.disputes), {"rejected": rejected},
                   tuple(("dispute", d.dispute_id) for d in f.disputes))


def coaching_actions(f: AgentFacts) -> Measure:
    """Share of the agent's coaching actions due in the period that are done, %."""
    done = sum(a.done for a in f.actions)
    return Measure(_percent(done, len(f.actions)), len(f.actions), {"open": len(f.actions) - done},
                   tuple(("coaching_action", a.action_id) for a in f.actions))


MEASURES: dict[str, Callable[[AgentFacts], Measure]] = {
    "qa_score": qa_score, "critical_failures": critical_failures, "csat": csat, "nps": nps,
    "first_response": first_response, "complaint_time_limits": complaint_time_limits,
    "training_on_time": training_on_time, "quiz_average": quiz_average, "disputes_upheld": disputes_upheld,
    "coaching_actions": coaching_actions,
}


def rate(spec: KpiSpec, value: float) -> float:
    """The rating of the first scale step the value meets, else the scale's lowest rating."""
    for step in spec.scale:
        if (value >= step.bound) if spec.direction == "higher" else (value <= step.bound):
            return step.rating
    return spec.scale[-1].rating


def kpi_result(spec: KpiSpec, measure: Measure) -> KpiResult:
    """The KPI rated, or too little data when n is below its minimum (or there is no value)."""
    value = _round(measure.value)
    rated = value is not None and measure.n >= spec.min_n
    return KpiResult(spec.kind, spec.label, spec.unit, value, measure.n, spec.min_n, spec.target, spec.weight,
                     rate(spec, value) if rated else None, RATED if rated else TOO_LITTLE, dict(measure.details),
                     measure.evidence)


def band_of(bands: Sequence[Band], overall: Optional[float]) -> Optional[str]:
    """The first band (best first) whose cut-off the overall rating reaches; the last band below all."""
    if overall is None:
        return None
    return next((b.name for b in bands if overall >= b.at_least), bands[-1].name)


def appraise(template: AppraisalTemplate, facts: AgentFacts) -> AppraisalResult:
    """Every KPI of the template rated from `facts`, and the overall rating (two decimals) with its band."""
    kpis = tuple(kpi_result(spec, MEASURES[spec.kind](facts)) for spec in template.kpis)
    rated = [k for k in kpis if k.rating is not None]
    rated_weight = sum(k.weight for k in rated)
    overall = round(sum(k.weight * k.rating for k in rated) / rated_weight, 2) if rated else None
    return AppraisalResult(template.code, kpis, overall, band_of(template.bands, overall), rated_weight,
                           sum(k.weight for k in kpis))
