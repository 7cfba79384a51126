"""HR's appraisal report: per agent QA average and agent score with its certainty, training progress, CSAT."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Optional

from qa_app import clock, exports
from qa_app.extensions import db
from qa_app.models import Assignment, Conversation, Evaluation, User
from qa_app.services import ServiceError, conversations, trust
from training import appraisal, periods


@dataclass(frozen=True)
class AppraisalReport:
    period: periods.Period
    rows: list[appraisal.AppraisalRow]

    def as_dict(self) -> dict:
        return {"period": self.period.label, "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(), "rows": [asdict(r) for r in self.rows]}


def appraisal_report(period_label: str, now: Optional[datetime] = None,
                     viewer: Optional[User] = None) -> AppraisalReport:
    """The report for a period such as 2026-11, 2026-Q4 or 2026, over the agents `viewer` may see
    (a lead: their covered teams, conversations.covered_agents; HR, admins and None: every agent).

    Everything counts in the period of the conversation it is about (docs/reports.md): a final
    evaluation (automatic, review, calibration or dispute) and a training assignment belong to the
    period of their conversation's start, whenever the scoring, review or dispute happened; an
    assignment made by hand belongs to the period it was made in; CSAT comes from the period's
    conversations. Every agent appears.
    The agent score columns (qa_score, qa_n, qa_ci_low, qa_ci_high, reviews_needed) count human
    final evaluations and, for unreviewed conversations, only trusted criteria (services.trust).
    """
    try:
        period = periods.parse_period(period_label)
    except periods.PeriodError as exc:
        raise ServiceError(str(exc)) from exc
    now = clock.or_now(now)
    agents = db.session.scalars(db.select(User).where(User.role == "agent", conversations.covered_agents(viewer)
                                                      if viewer is not None else db.true())
                                .order_by(User.login)).all()
    evals, csats = _evaluations(period), _csat(period)
    assigned, scored = _assignments(period), trust.counted_scores(period)
    records = [appraisal.AgentRecords(
        agent=a.login, team=a.team.name if a.team else None, evaluations=tuple(evals.get(a.id, ())),
        assignments=tuple(assigned.get(a.id, ())), csat=tuple(csats.get(a.id, ())),
        scored=tuple(scored.get(a.id, ()))) for a in agents]
    return AppraisalReport(period, appraisal.appraisal_rows(records, as_of=min(now, period.end)))


def _in_period(column, period: periods.Period):
    return (column >= period.start) & (column < period.end)


def _evaluations(period) -> dict[int, list[appraisal.EvaluationRecord]]:
    rows = db.session.execute(db.select(Conversation.agent_id, Evaluation.score, Evaluation.auto_fail,
                                        Conversation.started_at)
                              .join(Evaluation, Evaluation.conversation_id == Conversation.id)
                              .where(Evaluation.is_final.is_(True), _in_period(Conversation.started_at, period)))
    out: dict[int, list] = {}
    for agent_id, score, auto_fail, at in rows:
        out.setdefault(agent_id, []).append(appraisal.EvaluationRecord(score=score, auto_fail=auto_fail, at=at))
    return out


def _csat(period) -> dict[int, list[int]]:
    rows = db.session.execute(db.select(Conversation.agent_id, Conversation.csat).where(
        Conversation.csat.is_not(None), _in_period(Conversation.started_at, period)))
    out: dict[int, list[int]] = {}
    for agent_id, value in rows:
        out.setdefault(agent_id, []).append(value)
    return out


def _assignments(period) -> dict[int, list[appraisal.AssignmentRecord]]:
    """Assignments caused by the period's conversations (whenever scoring or a review ran), and
    assignments made by hand (no conversation) in the period they were made."""
    counted_at = db.func.coalesce(Conversation.started_at, Assignment.assigned_at)  # AssignmentRecord.counted_at
    rows = db.session.execute(db.select(Assignment, Conversation.started_at)
                              .outerjoin(Conversation, Assignment.conversation_id == Conversation.id)
                              .where(_in_period(counted_at, period)))
    out: dict[int, list] = {}
    for a, started in rows:
        out.setdefault(a.agent_id, []).append(appraisal.AssignmentRecord(
            status=a.status, due_at=a.due_at, completed_at=a.completed_at, assigned_at=a.assigned_at,
            caused_at=started))
    return out


#: the kind of each appraisal.REPORT_HEADER column in an export (anything unlisted is text)
_KINDS = {"qa_average": "score", "csat_percent": "percent", "qa_score": "score", "qa_ci_low": "score",
          "qa_ci_high": "score", "evaluations": "integer", "critical_failures": "integer",
          "courses_assigned": "integer", "courses_completed": "integer", "courses_overdue": "integer",
          "qa_n": "integer", "reviews_needed": "integer"}


def appraisal_table(report: AppraisalReport) -> exports.Table:
    """The report as an export table (appraisal.REPORT_HEADER columns) for CSV and XLSX downloads."""
    columns = tuple(exports.Column(name, _KINDS.get(name, "text"), 16 if name in ("agent", "team") else None)
                    for name in appraisal.REPORT_HEADER)
    rows = (tuple(getattr(r, name) for name in appraisal.REPORT_HEADER) for r in report.rows)
    return exports.Table(f"Appraisal {report.period.label}", columns, rows)
