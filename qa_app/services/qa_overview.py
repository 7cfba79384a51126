"""The QA overview dashboard: final evaluations of a period, grouped in SQL, figured by scoring.dashboard.

Each query groups the period's final evaluations (one per conversation) by what one chart needs,
so the rows that cross from the database stay few (agent-days, channel/queue/weekday/hour cells,
whole scores, failed criteria) at any number of conversations. Scope: admins and HR see every
team; reviewers and leads the teams they cover (services.conversations.visibility_filter).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Optional

from sqlalchemy import case, func

from qa_app.extensions import db
from qa_app.models import Conversation, CriterionScore, Evaluation, Team, User
from qa_app.permissions import can
from qa_app.services import ServiceError, conversations, local_clock
from qa_app.sql import as_date, day_of, week_of, weekday_hour
from scoring import dashboard as figures
from training import periods

STEPS = ("week", "day")
#: Above this many agents in scope the per-agent trend asks for a team first (one line per agent).
AGENT_TREND_LIMIT = 25


@dataclass(frozen=True)
class Filters:
    """What the page, the JSON endpoint and `qadesk report qa` ask for (None: all)."""

    period: str
    team: Optional[str] = None
    channel: Optional[str] = None
    queue: Optional[str] = None
    language: Optional[str] = None
    step: str = "week"

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Overview:
    filters: Filters
    period: periods.Period
    totals: figures.Tally
    tables: tuple[figures.Table, ...]
    agents_in_scope: int = 0
    options: dict = field(default_factory=dict)

    def table(self, name: str) -> Optional[figures.Table]:
        return next((t for t in self.tables if t.name == name), None)

    def as_dict(self) -> dict:
        return {"period": self.period.label, "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(), "filters": self.filters.as_dict(),
                "totals": dict(zip(figures.TALLY_HEADER, self.totals.cells())),
                "tables": [t.as_dict() for t in self.tables]}


def _tally_columns():
    return (func.count(Evaluation.id), func.coalesce(func.sum(Evaluation.score), 0.0),
            func.sum(case((Evaluation.auto_fail.is_(True), 1), else_=0)), func.count(Conversation.csat),
            func.coalesce(func.sum(Conversation.csat), 0),
            func.sum(case((Conversation.csat >= figures.SATISFIED_FROM, 1), else_=0)))


def _tally(values) -> figures.Tally:
    n, total, critical, csat_n, csat_sum, good = values
    return figures.Tally(int(n), float(total or 0), int(critical or 0), int(csat_n or 0), int(csat_sum or 0),
                         int(good or 0))


def scope_filter(user: User):
    """Conversations whose figures `user` may see: every team for those who see all reports."""
    if can(user, "sees_covered_teams") or can(user, "own_data_only"):
        return conversations.visibility_filter(user)
    return db.true()


def parse(period: str, *, team=None, channel=None, queue=None, language=None, step="week") -> Filters:
    """Filters from request or command-line text; ServiceError says which value is wrong."""
    try:
        label = periods.parse_period(period).label
    except periods.PeriodError as exc:
        raise ServiceError(str(exc)) from exc
    step = (step or "week").strip()
    if step not in STEPS:
        raise ServiceError(f"step {step!r} is not valid; expected week or day")
    clean = [(v or "").strip() or None for v in (team, channel, queue, language)]
    return Filters(label, *clean, step=step)


def _base(user: User, filters: Filters, period: periods.Period, *columns, scope=None):
    """Final evaluations of conversations started in the period, joined to their conversation,
    within `scope` (default: what `user` may see) and the filters. Agents and teams are matched by
    `agent_id IN (...)`, not joined, so the period scan stays in ix_conversation_period_cover."""
    query = (db.select(*columns).select_from(Evaluation)
             .join(Conversation, Conversation.id == Evaluation.conversation_id)
             .where(Evaluation.is_final.is_(True), Conversation.started_at >= period.start,
                    Conversation.started_at < period.end, scope_filter(user) if scope is None else scope))
    if filters.team:
        team = db.select(Team.id).where(Team.name == filters.team).scalar_subquery()
        query = query.where(Conversation.agent_id.in_(db.select(User.id).where(User.team_id == team)))
    for column, value in ((Conversation.channel, filters.channel), (Conversation.queue, filters.queue),
                          (Conversation.language, filters.language)):
        if value:
            query = query.where(column == value)
    return query


def _point(step: str):
    """The UTC day of the start, or the Monday of its week, so SQL hands over one row per agent and point. The period is in UTC too, as in the appraisal
    report, so a trend point's link selects the same conversations by UTC dates."""
    if step == "week":
        return week_of(Conversation.started_at)
    return day_of(Conversation.started_at)


def _agent_days(user, filters, period) -> list[figures.AgentDay]:
    """Tallies per agent and trend point (scoring.dashboard.AgentDay; `day` is the point's first day)."""
    day = _point(filters.step)
    rows = db.session.execute(_base(user, filters, period, Conversation.agent_id, day, *_tally_columns())
                              .group_by(Conversation.agent_id, day))
    grouped = [(agent_id, d, _tally(rest)) for agent_id, d, *rest in rows]
    ids = {a for a, _, _ in grouped}
    names = dict(db.session.execute(db.select(User.id, User.login).where(User.id.in_(ids))).all()) if ids else {}
    teams = dict(db.session.execute(db.select(User.id, Team.name).join(Team, Team.id == User.team_id)
                                    .where(User.id.in_(ids))).all()) if ids else {}
    return [figures.AgentDay(names[a], teams.get(a), as_date(d), t) for a, d, t in grouped]


def _cells(user, filters, period, mod) -> list[figures.Cell]:
    # one strftime for weekday and hour: the local-time modifier is worked out once per row
    when = weekday_hour(Conversation.started_at, mod)
    keys = (Conversation.channel, Conversation.queue, when)
    rows = db.session.execute(_base(user, filters, period, *keys, *_tally_columns()).group_by(*keys))
    return [figures.Cell(ch, q, int(w.split()[0]) or 7, int(w.split()[1]), _tally(rest)) for ch, q, w, *rest in rows]


def _scores(user, filters, period) -> list[tuple[int, int]]:
    whole = func.cast(Evaluation.score, db.Integer)
    rows = db.session.execute(_base(user, filters, period, whole, func.count()).group_by(whole))
    return [(max(0, min(100, int(s))), n) for s, n in rows]


def _failures(user, filters, period) -> tuple[list[tuple[str, int]], set[str]]:
    query = (_base(user, filters, period, CriterionScore.criterion_id, func.count(),
                     func.max(case((CriterionScore.critical, 1), else_=0)))  # max(boolean): SQLite only
             .join(CriterionScore, CriterionScore.evaluation_id == Evaluation.id)
             .where(CriterionScore.result == "fail").group_by(CriterionScore.criterion_id))
    rows = db.session.execute(query).all()
    return [(c, n) for c, n, _ in rows], {c for c, _, critical in rows if critical}


def _moods(user, filters, period) -> dict[Optional[str], figures.Tally]:
    label = Conversation.meta["sentiment"]["label"].as_string()
    rows = db.session.execute(_base(user, filters, period, label, *_tally_columns()).group_by(label))
    return {(lab if lab in figures.MOODS else None): _tally(rest) for lab, *rest in rows}


def overview(user: User, filters: Filters) -> Overview:
    """Every figure of the QA overview for `filters`, limited to what `user` may see."""
    period = periods.parse_period(filters.period)
    mod = local_clock.modifier(period.start, period.end)
    days = _agent_days(user, filters, period)
    start, end = period.start.date(), period.end.date()
    agents = {d.agent for d in days}
    tables = [figures.trend(days, "team", start, end, filters.step), figures.by_group(days, "team")]
    if filters.team or len(agents) <= AGENT_TREND_LIMIT:
        tables.append(figures.trend(days, "agent", start, end, filters.step))
    tables += [figures.histogram(_scores(user, filters, period)),
               figures.pareto(*_failures(user, filters, period)),
               figures.moods(_moods(user, filters, period)),
               figures.csat_beside_score(days),
               *figures.breakdowns(_cells(user, filters, period, mod))]
    return Overview(filters, period, figures.total(d.tally for d in days), tuple(tables), len(agents))


def options(user: User) -> dict[str, list[str]]:
    """The choices of the filter form: teams in the user's scope, channels, queues and languages."""
    visible = db.select(Conversation.agent_id).where(scope_filter(user))
    teams = db.session.scalars(db.select(Team.name).join(User, User.team_id == Team.id)
                               .where(User.id.in_(visible)).distinct().order_by(Team.name))
    def distinct(column):
        return [v for v in db.session.scalars(db.select(column).where(column.is_not(None)).distinct().order_by(column))]
    return {"teams": list(teams), "channels": distinct(Conversation.channel), "queues": distinct(Conversation.queue),
            "languages": distinct(Conversation.language)}


def my_trend(user: User, period_label: str, step: str = "week") -> figures.Table:
    """An agent's own mean score per week against their team's median (team agents' means)."""
    filters = parse(period_label, step=step)
    period = periods.parse_period(filters.period)
    team = (Conversation.agent_id.in_(db.select(User.id).where(User.team_id == user.team_id)) if user.team_id
            else Conversation.agent_id == user.id)
    day = _point(filters.step)
    query = _base(user, filters, period, Conversation.agent_id, day, *_tally_columns(), scope=team).group_by(
        Conversation.agent_id, day)
    days = [figures.AgentDay("me" if a == user.id else f"agent-{a}", "team", as_date(d), _tally(rest))
            for a, d, *rest in db.session.execute(query)]
    return figures.agent_against_team(days, "me", filters.step)


def default_period(now: datetime) -> str:
    """The quarter holding `now`: long enough for a weekly trend."""
    return periods.period_of(now, "quarter").label


def _column_kind(name: str) -> str:
    """The export column kind of a dashboard table header (percent cells hold 0-100)."""
    if name.endswith("_pct"):
        return "percent"
    if name in ("evaluations", "critical_failures", "csat_ratings", "count", "n", "failed"):
        return "integer"
    if name.startswith("mean") or name.endswith("_mean") or name.endswith("_median") or name == "score":
        return "score"
    return "text"


def export_tables(view: Overview, only: Optional[str] = None) -> list:
    """The overview's tables as qa_app.exports Tables (a sheet each), or only the table `only`;
    ServiceError names the known tables when `only` is not one of them."""
    from qa_app import exports
    chosen = [t for t in view.tables if only is None or t.name == only]
    if not chosen:
        raise ServiceError(f"no table {only!r} in the QA overview (tables: {', '.join(t.name for t in view.tables)})")
    return [exports.Table(t.name[:31], tuple(exports.Column(h, _column_kind(h)) for h in t.header),
                          [r.cells for r in t.rows]) for t in chosen]
