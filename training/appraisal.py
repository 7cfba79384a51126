"""Per-agent appraisal figures for HR: QA average, critical failures, training progress, CSAT, rating band.

Rating bands rate the QA average alone (rounded to one decimal):
    A >= 90, B >= 80, C >= 70, D below 70, and no rating without evaluations.
Training and CSAT figures sit beside the band rather than inside it: the source standards name
these dimensions but give no weights, so HR weighs them rather than a hidden formula.
Beside them sits the agent score with its certainty: the mean of the scores that count (human
final evaluations, else trusted automatic criteria), n, its 95 % confidence interval (clipped to
0..100) and the further scores needed to bring the interval within ±5 points.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Optional, Union

from scoring.dashboard import SATISFIED_FROM
from training.certainty import mean_interval, reviews_needed
from training.due import STATUSES, status_at
from training.periods import Period

BANDS: tuple[tuple[str, float], ...] = (("A", 90.0), ("B", 80.0), ("C", 70.0), ("D", 0.0))
CSAT_SATISFIED = SATISFIED_FROM  # one owner (scoring.dashboard): on the 1-5 scale, 4 and 5 are satisfied
CSV_HEADER = (
    "agent", "team", "qa_average", "evaluations", "critical_failures", "courses_assigned",
    "courses_completed", "courses_overdue", "csat_percent", "rating",
)
REPORT_HEADER = CSV_HEADER + ("qa_score", "qa_n", "qa_ci_low", "qa_ci_high", "reviews_needed")
HALF_WIDTH = 5.0  # points either side of the agent score that HR can rely on
Cell = Union[str, int, float]


@dataclass(frozen=True)
class EvaluationRecord:
    """One final evaluation: total score 0-100 and whether a critical criterion failed."""

    score: float
    auto_fail: bool
    at: datetime

    def __post_init__(self) -> None:
        if isinstance(self.score, bool) or not isinstance(self.score, (int, float)) or not 0 <= self.score <= 100:
            raise ValueError(f"evaluation score must be a number 0..100, not {self.score!r}")


@dataclass(frozen=True)
class EvaluationTotals:
    """An agent's final evaluations of the period summed where they are stored (the report's SQL
    GROUP BY): how many, the sum of their scores in their stored order, how many failed a critical
    criterion. `of` sums records the same way, so either gives the same row."""

    count: int = 0
    score_sum: float = 0.0
    critical_failures: int = 0

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValueError(f"evaluation count must be >= 0, not {self.count!r}")
        if not 0 <= self.critical_failures <= self.count:
            raise ValueError(f"critical failures must be 0..{self.count} (the evaluations), not {self.critical_failures!r}")

    @classmethod
    def of(cls, records: Iterable[EvaluationRecord]) -> "EvaluationTotals":
        records = list(records)
        return cls(len(records), sum(e.score for e in records), sum(1 for e in records if e.auto_fail))


@dataclass(frozen=True)
class CsatCounts:
    """An agent's CSAT answers of the period counted where they are stored: how many, and how many
    were satisfied (CSAT_SATISFIED or more)."""

    answered: int = 0
    satisfied: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.satisfied <= self.answered:
            raise ValueError(f"satisfied answers must be 0..{self.answered} (the answers), not {self.satisfied!r}")

    @classmethod
    def of(cls, values: Iterable[int]) -> "CsatCounts":
        values = list(values)
        return cls(len(values), sum(1 for v in values if v >= CSAT_SATISFIED))

    @property
    def percent(self) -> Optional[float]:
        """Share of satisfied answers as a percentage (one decimal); None without answers."""
        return round(100.0 * self.satisfied / self.answered, 1) if self.answered else None


@dataclass(frozen=True)
class AssignmentRecord:
    """One training assignment as stored (status is one of training.due.STATUSES)."""

    status: str
    due_at: datetime
    completed_at: Optional[datetime] = None
    assigned_at: Optional[datetime] = None
    #: when the conversation that caused it started (None for a course assigned by hand)
    caused_at: Optional[datetime] = None

    @property
    def counted_at(self) -> datetime:
        """The moment that decides the report period: the causing conversation's start (what
        November's conversations caused counts in November, whenever scoring ran), else the
        assignment date, else the due date."""
        return self.caused_at or self.assigned_at or self.due_at

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"assignment status must be one of {', '.join(STATUSES)}, not {self.status!r}")


@dataclass(frozen=True)
class AgentRecords:
    """Everything about one agent in the period. `csat` holds 1-5 survey answers; `scored` holds one
    score per conversation that counts toward the agent score (see the module docstring).
    `totals` and `csat_counts`, when given, stand for `evaluations` and `csat` (counted where they
    are stored, so a report at volume need not bring every row over; `within` needs the records)."""

    agent: str
    team: Optional[str] = None
    evaluations: tuple[EvaluationRecord, ...] = ()
    assignments: tuple[AssignmentRecord, ...] = ()
    csat: tuple[int, ...] = ()
    scored: tuple[EvaluationRecord, ...] = ()
    totals: Optional[EvaluationTotals] = None
    csat_counts: Optional[CsatCounts] = None

    def __post_init__(self) -> None:
        if not isinstance(self.agent, str) or not self.agent.strip():
            raise ValueError("agent must be a non-empty text")
        for i, value in enumerate(self.csat):
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
                raise ValueError(f"agent {self.agent!r} csat[{i}]: must be a whole number 1..5, not {value!r}")


@dataclass(frozen=True)
class AppraisalRow:
    """One line of the appraisal report. Percentages and the average have one decimal."""

    agent: str
    team: Optional[str]
    qa_average: Optional[float]
    evaluations: int
    critical_failures: int
    courses_assigned: int
    courses_completed: int
    courses_overdue: int
    csat_percent: Optional[float]
    rating: Optional[str]
    qa_score: Optional[float] = None
    qa_n: int = 0
    qa_ci_low: Optional[float] = None
    qa_ci_high: Optional[float] = None
    reviews_needed: Optional[int] = None


def within(records: AgentRecords, period: Period) -> AgentRecords:
    """The records that belong to `period`: evaluations made in it, assignments whose
    `counted_at` is in it, scores made in it. CSAT answers carry no time and are
    kept as given.
    """
    evaluations = tuple(e for e in records.evaluations if period.contains(e.at))
    assignments = tuple(a for a in records.assignments if period.contains(a.counted_at))
    scored = tuple(e for e in records.scored if period.contains(e.at))
    return AgentRecords(records.agent, records.team, evaluations, assignments, records.csat, scored)


def rating_band(qa_average: Optional[float]) -> Optional[str]:
    """The band letter for a QA average, or None when there is no average."""
    if qa_average is None:
        return None
    for letter, minimum in BANDS:
        if qa_average >= minimum:
            return letter
    return BANDS[-1][0]


def csat_percent(values: Iterable[int]) -> Optional[float]:
    """Share of answers that are 4 or 5, as a percentage; None without answers."""
    return CsatCounts.of(values).percent


def _clip(value: Optional[float]) -> Optional[float]:
    return None if value is None else round(min(100.0, max(0.0, value)), 1)


def certainty_columns(scores: Iterable[float]) -> dict:
    """qa_score, qa_n, qa_ci_low, qa_ci_high and reviews_needed of per-conversation scores 0-100.

    With fewer than two scores there is no interval and no estimate of reviews needed (None).
    """
    interval = mean_interval(scores)
    needed = None if interval.sd is None else reviews_needed(interval.sd, interval.n, HALF_WIDTH)
    return {"qa_score": None if interval.mean is None else round(interval.mean, 1), "qa_n": interval.n,
            "qa_ci_low": _clip(interval.low), "qa_ci_high": _clip(interval.high), "reviews_needed": needed}


def appraisal_row(records: AgentRecords, as_of: datetime) -> AppraisalRow:
    """The row for one agent. An assignment counts as overdue when it is still open at `as_of`
    and past due; cancelled assignments are not counted as assigned. Auto-failed evaluations
    count with their score of 0 in the average. The agent score columns come from `scored`.
    """
    totals = records.totals if records.totals is not None else EvaluationTotals.of(records.evaluations)
    csat = records.csat_counts if records.csat_counts is not None else CsatCounts.of(records.csat)
    average = round(totals.score_sum / totals.count, 1) if totals.count else None
    live = [a for a in records.assignments if a.status != "cancelled"]
    overdue = sum(1 for a in live if status_at(a.status, a.due_at, as_of) == "overdue")
    return AppraisalRow(
        agent=records.agent,
        team=records.team,
        qa_average=average,
        evaluations=totals.count,
        critical_failures=totals.critical_failures,
        courses_assigned=len(live),
        courses_completed=sum(1 for a in live if a.status == "completed"),
        courses_overdue=overdue,
        csat_percent=csat.percent,
        rating=rating_band(average),
        **certainty_columns(e.score for e in records.scored),
    )


def appraisal_rows(agents: Iterable[AgentRecords], as_of: datetime) -> list[AppraisalRow]:
    """One row per agent, sorted by team (agents without a team last) then agent.

    The caller passes records already limited to the period (see `within`); `as_of` is the
    moment overdue is judged at, usually min(now, period.end). An agent listed twice is an error.
    """
    seen: set[str] = set()
    rows = []
    for records in agents:
        if records.agent in seen:
            raise ValueError(f"agent {records.agent!r} appears more than once")
        seen.add(records.agent)
        rows.append(appraisal_row(records, as_of))
    return sorted(rows, key=lambda r: (r.team is None, r.team or "", r.agent))


def _cell(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        # Spreadsheets run cells that start like a formula; a leading quote keeps them text.
        return "'" + value
    return value  # type: ignore[return-value]


def to_csv_rows(rows: Iterable[AppraisalRow], header: tuple[str, ...] = CSV_HEADER) -> list[tuple[Cell, ...]]:
    """`header` (CSV_HEADER, or REPORT_HEADER for the certainty columns too) then one tuple of plain
    values per row; None becomes an empty cell."""
    unknown = [name for name in header if name not in AppraisalRow.__dataclass_fields__]
    if unknown:
        raise ValueError(f"unknown appraisal columns: {', '.join(unknown)}")
    table: list[tuple[Cell, ...]] = [tuple(header)]
    for r in rows:
        table.append(tuple(_cell(getattr(r, name)) for name in header))
    return table
