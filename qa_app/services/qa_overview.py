"""The QA overview dashboard: final evaluations of a period, grouped in SQL, figured by scoring.dashboard.

Three queries read the daily rollup (models.rollups, kept by services.rollups), each grouped by
what its charts need, so the rows that cross from the database stay few (agent-days; channel,
queue, local weekday and shift cells with their score bins and end moods; failed criteria) and no
query reads a conversation or an evaluation. Scope: admins and HR see every
team; reviewers and leads the teams they cover (services.conversations.visibility_filter).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Optional

from sqlalchemy import case, func

from qa_app.extensions import db
from qa_app.models import DailyFailure, DailyRollup, Team, User
from qa_app.models.rollups import BINS, MOOD_COLUMNS, TALLY_SUMS
from qa_app.permissions import can
from qa_app.services import ServiceError, conversations, review_sheet
from qa_app.sql import as_date, week_of
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
    #: criterion id -> the newest scorecard version that failed it (where the page reads its title)
    failed_in: dict = field(default_factory=dict)

    def table(self, name: str) -> Optional[figures.Table]:
        return next((t for t in self.tables if t.name == name), None)

    def as_dict(self) -> dict:
        return {"period": self.period.label, "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(), "filters": self.filters.as_dict(),
                "totals": dict(zip(figures.TALLY_HEADER, self.totals.cells())),
                "tables": [t.as_dict() for t in self.tables]}


def _sums(prefix: str = "") -> list:
    """SUMs of the rollup's Tally columns (models.rollups.TALLY_SUMS) named with `prefix`."""
    return [func.coalesce(func.sum(getattr(DailyRollup, prefix + name)), 0) for name in TALLY_SUMS]


def _tally(values) -> figures.Tally:
    n, total, critical, csat_n, csat_sum, good = values
    return figures.Tally(int(n), float(total or 0), int(critical or 0), int(csat_n or 0), int(csat_sum or 0),
                         int(good or 0))


def scope_filter(user: User, agent_column=None):
    """Rows whose figures `user` may see (by their agent, `agent_column`, default the rollup's):
    every team for those who see all reports."""
    column = DailyRollup.agent_id if agent_column is None else agent_column
    if can(user, "sees_covered_teams") or can(user, "own_data_only"):
        return conversations.visibility_filter(user, column)
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


def _where(model, user: User, filters: Filters, period: periods.Period, scope=None) -> list:
    """The rollup rows (`model`: DailyRollup or DailyFailure) of the period's UTC days within
    `scope` (default: what `user` may see) and the filters; a team is `agent_id IN (its agents)`."""
    clauses = [model.day >= period.start.date(), model.day < period.end.date(),
               scope_filter(user, model.agent_id) if scope is None else scope]
    if filters.team:
        team = db.select(Team.id).where(Team.name == filters.team).scalar_subquery()
        clauses.append(model.agent_id.in_(db.select(User.id).where(User.team_id == team)))
    for column, value in (("channel", filters.channel), ("queue", filters.queue), ("language", filters.language)):
        if value:
            clauses.append(getattr(model, column) == value)
    return clauses


def _point(step: str):
    """The UTC day of the start, or the Monday of its week, so SQL hands over one row per agent and
    point. The period is in UTC too, as in the appraisal report, so a trend point's link selects the
    same conversations by UTC dates."""
    return week_of(DailyRollup.day) if step == "week" else DailyRollup.day


def _rows(statement) -> list:
    """The rows of a Core statement (the ORM's result machinery costs more than SQLite here)."""
    return db.session.connection().execute(statement).all()


def _day_tallies(clauses, step: str) -> list[tuple[int, object, figures.Tally]]:
    """(agent id, trend point, tally) of the rows matching `clauses`."""
    day = _point(step)
    rows = _rows(db.select(DailyRollup.agent_id, day, *_sums()).where(*clauses).group_by(DailyRollup.agent_id, day))
    return [(agent_id, as_date(d), _tally(rest)) for agent_id, d, *rest in rows]


def _people(ids: set[int]) -> tuple[dict[int, str], dict[int, str]]:
    """{agent id: login} and {agent id: team name} of `ids`."""
    if not ids:
        return {}, {}
    names = dict(_rows(db.select(User.id, User.login).where(User.id.in_(ids))))
    teams = dict(_rows(db.select(User.id, Team.name).join(Team, Team.id == User.team_id).where(User.id.in_(ids))))
    return names, teams


def _fold(rows, key) -> dict:
    """Sums of the tally columns (the last six of each row) per key(row), as plain lists: a daily
    trend of every agent is thousands of rows, too many to add as Tally objects."""
    out: dict = {}
    for row in rows:
        k, values = key(row), row[-6:]
        sums = out.get(k)
        out[k] = values if sums is None else [a + b for a, b in zip(sums, values)]
    return out


def _totals_and_team_points(clauses, period, step: str) -> tuple[list[figures.AgentDay], list[figures.AgentDay]]:
    """Each agent's tally over the period (an AgentDay of the period's first day: what the per-team
    and per-agent tables and the totals fold) and the tallies per team and trend point (AgentDays
    without an agent: the team trend reads only team and day). Weekly: one scan grouped by agent
    and week, folded here; daily (about 30 times more agent-days than teams): both grouped in SQL."""
    day = _point(step)
    if step == "day":
        rows = _rows(db.select(DailyRollup.agent_id, *_sums()).where(*clauses).group_by(DailyRollup.agent_id))
        by_agent = {row[0]: row[1:] for row in rows}
    else:
        rows = _rows(db.select(DailyRollup.agent_id, day, *_sums()).where(*clauses).group_by(DailyRollup.agent_id, day))
        by_agent = _fold(rows, lambda row: row[0])
    names, teams = _people(set(by_agent))
    totals = [figures.AgentDay(names[a], teams.get(a), period.start.date(), _tally(sums)) for a, sums in by_agent.items()]
    if step == "day":
        team_rows = _rows(db.select(Team.name, day, *_sums()).select_from(DailyRollup)
                          .join(User, User.id == DailyRollup.agent_id).outerjoin(Team, Team.id == User.team_id)
                          .where(*clauses).group_by(Team.name, day))
        by_point = {(team, d): sums for team, d, *sums in team_rows}
    else:
        by_point = _fold(rows, lambda row: (teams.get(row[0]), row[1]))
    return totals, [figures.AgentDay("", team, as_date(d), _tally(sums)) for (team, d), sums in by_point.items()]


def _agent_points(clauses, step: str) -> list[figures.AgentDay]:
    """Tallies per agent and trend point (scoring.dashboard.AgentDay; `day` is the point's first day)."""
    grouped = _day_tallies(clauses, step)
    names, teams = _people({a for a, _, _ in grouped})
    return [figures.AgentDay(names[a], teams.get(a), d, t) for a, d, t in grouped]


def _cells(user, filters, period) -> tuple[list[figures.Cell], list[tuple[int, int]], dict]:
    """The breakdown cells (channel, queue, local weekday, shift), and over the whole selection the
    score bins as (bin's lowest score, count) and the tallies per end mood: two queries, the wide
    sums without a GROUP BY (SQLite sorts every grouped column)."""
    clauses = _where(DailyRollup, user, filters, period)
    keys = (DailyRollup.channel, DailyRollup.queue, DailyRollup.weekday, DailyRollup.shift)
    cells = [figures.Cell(ch, q, w, None, _tally(rest), shift=shift)
             for ch, q, w, shift, *rest in _rows(db.select(*keys, *_sums()).where(*clauses).group_by(*keys))]
    moods = [c for m in MOOD_COLUMNS for c in _sums(f"{m}_")]
    bins = [func.coalesce(func.sum(getattr(DailyRollup, b)), 0) for b in BINS]
    whole = _rows(db.select(*moods, *bins).where(*clauses))[0]
    width = len(TALLY_SUMS)
    per_mood = {(mood if mood in figures.MOODS else None): _tally(whole[m * width:(m + 1) * width])
                for m, mood in enumerate(MOOD_COLUMNS)}
    counts = whole[len(MOOD_COLUMNS) * width:]
    return cells, [(i * figures.BIN_WIDTH, int(n)) for i, n in enumerate(counts)], per_mood


def _failures(user, filters, period) -> tuple[list[tuple[str, int]], set[str], dict[str, int]]:
    """(criterion id, times failed), the critical ones, and criterion id -> the newest scorecard
    version that failed it."""
    critical = func.max(case((DailyFailure.critical.is_(True), 1), else_=0))
    version = func.max(DailyFailure.scorecard_version_id)
    rows = _rows(db.select(DailyFailure.criterion_id, func.sum(DailyFailure.failures), critical, version)
                 .where(*_where(DailyFailure, user, filters, period)).group_by(DailyFailure.criterion_id))
    return [(c, int(n)) for c, n, _, _ in rows], {c for c, _, flag, _ in rows if flag}, {c: v for c, _, _, v in rows}


def overview(user: User, filters: Filters) -> Overview:
    """Every figure of the QA overview for `filters`, limited to what `user` may see, from the daily
    rollup (services.rollups: the same figures as the raw rows, tests/integration/test_dashboard_rollup.py)."""
    period = periods.parse_period(filters.period)
    clauses = _where(DailyRollup, user, filters, period)
    totals, team_points = _totals_and_team_points(clauses, period, filters.step)
    start, end = period.start.date(), period.end.date()
    tables = [figures.trend(team_points, "team", start, end, filters.step),
              figures.by_group(totals, "team")]
    if filters.team or len(totals) <= AGENT_TREND_LIMIT:
        tables.append(figures.trend(_agent_points(clauses, filters.step), "agent", start, end, filters.step))
    cells, scores, moods = _cells(user, filters, period)
    failures, critical, failed_in = _failures(user, filters, period)
    tables += [figures.histogram(scores), figures.pareto(failures, critical),
               figures.moods(moods), figures.csat_beside_score(totals), *figures.breakdowns(cells)]
    return Overview(filters, period, figures.total(d.tally for d in totals), tuple(tables), len(totals),
                    failed_in=failed_in)


def criterion_titles(view: Overview) -> dict[str, str]:
    """Criterion id -> its title in the reader's language, for the criteria the Pareto lists (from the
    newest scorecard version that failed each; its id when the version has no title for it). For the
    page: the JSON and `qadesk report qa` keep the ids."""
    titles = review_sheet.criterion_titles(set(view.failed_in.values()))
    return {c: titles.get((v, c), c) for c, v in view.failed_in.items()}


def options(user: User) -> dict[str, list[str]]:
    """The choices of the filter form: teams in the user's scope, channels, queues and languages of
    the evaluated conversations (the rollup's, which has few rows per day)."""
    visible = db.select(DailyRollup.agent_id).where(scope_filter(user))
    teams = db.session.scalars(db.select(Team.name).join(User, User.team_id == Team.id)
                               .where(User.id.in_(visible)).distinct().order_by(Team.name))
    def distinct(column):
        return [v for v in db.session.scalars(db.select(column).where(column.is_not(None)).distinct().order_by(column))]
    return {"teams": list(teams), "channels": distinct(DailyRollup.channel), "queues": distinct(DailyRollup.queue),
            "languages": distinct(DailyRollup.language)}


def my_trend(user: User, period_label: str, step: str = "week") -> figures.Table:
    """An agent's own mean score per week against their team's median (team agents' means)."""
    filters = parse(period_label, step=step)
    period = periods.parse_period(filters.period)
    team = (DailyRollup.agent_id.in_(db.select(User.id).where(User.team_id == user.team_id)) if user.team_id
            else DailyRollup.agent_id == user.id)
    days = [figures.AgentDay("me" if a == user.id else f"agent-{a}", "team", d, t)
            for a, d, t in _day_tallies(_where(DailyRollup, user, filters, period, scope=team), filters.step)]
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
