"""HR's appraisal report: per agent QA average and agent score with its certainty, training progress, CSAT."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Mapping, Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func
from sqlalchemy.orm import selectinload

from qa_app import clock, exports
from qa_app.extensions import db
from qa_app.models import Assignment, Conversation, Evaluation, User
from qa_app.services import ServiceError, conversations, trust
from training import appraisal, periods


@dataclass(frozen=True)
class AppraisalReport:
    period: periods.Period
    rows: list[appraisal.AppraisalRow]
    names: Mapping[str, str] = field(default_factory=dict)  # login -> display name (the login when none)

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
                                .options(selectinload(User.team)).order_by(User.login)).all()
    ids = _scope(agents)
    evals, csats = _evaluations(period, ids), _csat(period, ids)
    assigned, scored = _assignments(period, ids), trust.counted_scores(period, ids)
    records = [appraisal.AgentRecords(
        agent=a.login, team=a.team.name if a.team else None, totals=evals.get(a.id, appraisal.EvaluationTotals()),
        assignments=tuple(assigned.get(a.id, ())), csat_counts=csats.get(a.id, appraisal.CsatCounts()),
        scored=tuple(scored.get(a.id, ()))) for a in agents]
    return AppraisalReport(period, appraisal.appraisal_rows(records, as_of=min(now, period.end)),
                           {a.login: a.name or a.login for a in agents})


def _in_period(column, period: periods.Period):
    return (column >= period.start) & (column < period.end)


def _scope(agents: list[User]) -> Optional[list[int]]:
    """The ids of `agents` when they are not every agent (a lead's teams), so that only their rows
    are read; None when they are all (nothing to filter)."""
    total = db.session.scalar(db.select(func.count(User.id)).where(User.role == "agent"))
    return None if len(agents) == total else [a.id for a in agents]


def _of(query, agent_column, agent_ids: Optional[list[int]]):
    return query if agent_ids is None else query.where(agent_column.in_(agent_ids))


def _evaluations(period, agent_ids: Optional[list[int]] = None) -> dict[int, appraisal.EvaluationTotals]:
    """agent id -> the count, score sum and critical failures of the final evaluations of the
    period's conversations (of `agent_ids`, else of all), summed in SQL (a row per agent)."""
    failed = func.sum(case((Evaluation.auto_fail.is_(True), 1), else_=0))
    query = (db.select(Conversation.agent_id, func.count(), func.sum(Evaluation.score), failed)
             .select_from(Conversation).join(Evaluation, Evaluation.conversation_id == Conversation.id)
             .where(Evaluation.is_final.is_(True), _in_period(Conversation.started_at, period)))
    rows = db.session.execute(_of(query, Conversation.agent_id, agent_ids).group_by(Conversation.agent_id))
    return {agent_id: appraisal.EvaluationTotals(n, total, fails) for agent_id, n, total, fails in rows}


def _csat(period, agent_ids: Optional[list[int]] = None) -> dict[int, appraisal.CsatCounts]:
    """agent id -> how many of the period's conversations (of `agent_ids`, else of all) have a CSAT
    answer, and how many satisfied."""
    satisfied = func.sum(case((Conversation.csat >= appraisal.CSAT_SATISFIED, 1), else_=0))
    query = db.select(Conversation.agent_id, func.count(), satisfied).where(
        Conversation.csat.is_not(None), _in_period(Conversation.started_at, period))
    rows = db.session.execute(_of(query, Conversation.agent_id, agent_ids).group_by(Conversation.agent_id))
    return {agent_id: appraisal.CsatCounts(n, happy) for agent_id, n, happy in rows}


def _assignments(period, agent_ids: Optional[list[int]] = None) -> dict[int, list[appraisal.AssignmentRecord]]:
    """Assignments (of `agent_ids`, else of all) caused by the period's conversations (whenever
    scoring or a review ran), and assignments made by hand (no conversation) in the period they were made."""
    counted_at = db.func.coalesce(Conversation.started_at, Assignment.assigned_at)  # AssignmentRecord.counted_at
    query = (db.select(Assignment, Conversation.started_at)
             .outerjoin(Conversation, Assignment.conversation_id == Conversation.id)
             .where(_in_period(counted_at, period)))
    rows = db.session.execute(_of(query, Assignment.agent_id, agent_ids))
    out: dict[int, list] = {}
    for a, started in rows:
        out.setdefault(a.agent_id, []).append(appraisal.AssignmentRecord(
            status=a.status, due_at=a.due_at, completed_at=a.completed_at, assigned_at=a.assigned_at,
            caused_at=started))
    return out


@dataclass(frozen=True)
class ReportColumn:
    """One column of the appraisal report as HR sees it: the row's field ("name": the agent's
    display name), its title (translated when read, in the viewer's language) and its export kind."""

    field: str
    title: object  # a lazy string: str() gives the current language's text
    kind: str = "text"


#: The appraisal report's columns, in order: the page's <th>s and the web downloads' header row
#: both come from here, so the file HR opens reads like the screen (tests/functional/test_appraisal_export_headers.py).
APPRAISAL_COLUMNS = (
    ReportColumn("name", _l("Agent")), ReportColumn("agent", _l("Login")), ReportColumn("team", _l("Team")),
    ReportColumn("qa_average", _l("QA average"), "score"), ReportColumn("evaluations", _l("Evaluations"), "integer"),
    ReportColumn("critical_failures", _l("Critical failures"), "integer"),
    ReportColumn("courses_assigned", _l("Courses assigned"), "integer"),
    ReportColumn("courses_completed", _l("Completed"), "integer"),
    ReportColumn("courses_overdue", _l("Overdue"), "integer"),
    ReportColumn("csat_percent", _l("CSAT satisfied %"), "percent"), ReportColumn("rating", _l("Rating")),
    ReportColumn("qa_score", _l("Agent score"), "score"), ReportColumn("qa_n", _l("Scored"), "integer"),
    ReportColumn("qa_ci_low", _l("Interval low (95%)"), "score"),
    ReportColumn("qa_ci_high", _l("Interval high (95%)"), "score"),
    ReportColumn("reviews_needed", _l("Reviews needed"), "integer"),
)
_KINDS = {c.field: c.kind for c in APPRAISAL_COLUMNS}
_WIDE = ("name", "agent", "team")


def appraisal_table(report: AppraisalReport, titled: bool = False) -> exports.Table:
    """The report as an export table for CSV and XLSX downloads. `titled`: APPRAISAL_COLUMNS with
    their titles in the current language (the web downloads: the same header as the page);
    otherwise appraisal.REPORT_HEADER's field names (the command line's stable, scriptable header)."""
    if titled:
        columns = tuple(exports.Column(str(c.title), c.kind, 16 if c.field in _WIDE else None)
                        for c in APPRAISAL_COLUMNS)
        fields = tuple(c.field for c in APPRAISAL_COLUMNS)
    else:
        columns = tuple(exports.Column(name, _KINDS.get(name, "text"), 16 if name in _WIDE else None)
                        for name in appraisal.REPORT_HEADER)
        fields = appraisal.REPORT_HEADER
    names = report.names
    rows = (tuple(names.get(r.agent, r.agent) if name == "name" else getattr(r, name) for name in fields)
            for r in report.rows)
    return exports.Table(f"Appraisal {report.period.label}", columns, rows)
