"""What each role's home page shows: the agent's quality and training, the lead's team overview,
HR's appraisal periods. Read-only; every list is limited to what the user may see (the visibility
rules of conversations, assignments, disputes, coaching, calibration and appraisals).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, Optional

from sqlalchemy import func

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import (Appraisal, Assignment, Conversation, CriterionScore, Evaluation, Team,
                           User)
from qa_app.models.base import as_utc
from qa_app.services import (appraisals, calibration_sessions, coaching, conversations, dashboard,
                             disputes, qa_overview, reminders, review_sheet, training)
from training import periods

#: the lead's trend compares the last WINDOW with the one before it
WINDOW = timedelta(days=28)


@dataclass(frozen=True)
class OpenTraining:
    """An agent's open assignments by urgency: past their due date, due soon (as the "due soon"
    reminder tells it, QADESK_REMINDER_DAYS_BEFORE), later."""

    overdue: tuple[Assignment, ...]
    due_soon: tuple[Assignment, ...]
    later: tuple[Assignment, ...]


def split_training(assignments: Iterable[Assignment], now: Optional[datetime] = None,
                   within: Optional[timedelta] = None) -> OpenTraining:
    """Open assignments by urgency; an assignment whose due date has passed is overdue even before
    the overdue job has marked it, so a banner never calls it "due soon"."""
    now = clock.or_now(now)
    within = timedelta(days=reminders.policy().before_days) if within is None else within
    overdue, soon, later = [], [], []
    for a in assignments:
        if a.status not in training.OPEN:
            continue
        due = as_utc(a.due_at)
        (overdue if a.status == "overdue" or due < now else soon if due <= now + within else later).append(a)
    return OpenTraining(tuple(overdue), tuple(soon), tuple(later))


@dataclass(frozen=True)
class AgentHome:
    evaluations: list            # (conversation, evaluation, failed criteria with comments)
    trend: list                  # (week, my mean, team median), oldest first
    training: OpenTraining
    coaching: list               # the agent's latest coaching sessions
    disputes: list               # the agent's disputes, open first
    to_acknowledge: list         # final appraisals waiting for the agent's answer


def agent_home(user: User, now: Optional[datetime] = None) -> AgentHome:
    now = clock.or_now(now)
    latest = dashboard.latest_evaluations(user, limit=5)
    titles = review_sheet.criterion_titles({e.scorecard_version_id for _, e in latest})
    feedback = [(c, e, [(s, titles.get((e.scorecard_version_id, s.criterion_id), s.criterion_id))
                        for s in e.criteria if s.result == "fail" or s.comment]) for c, e in latest]
    sessions = coaching.visible_sessions(user)[:3]
    found = sorted(disputes.list_disputes(user), key=lambda d: (d.status != "open", -d.id))[:5]
    waiting = [a for a in appraisals.visible(user, state="final") if a.acknowledged_at is None and not a.contested]
    return AgentHome(feedback, _trend(user, now), split_training(_open_assignments(user), now),
                     sessions, found, waiting)


def _open_assignments(user: User) -> list[Assignment]:
    """The open assignments `user` may see, soonest due first, read by status (not every assignment ever)."""
    found = [a for status in training.OPEN for a in training.visible_assignments(user, status=status)]
    return sorted(found, key=lambda a: (as_utc(a.due_at), a.id))


def _trend(user: User, now: datetime) -> list[tuple[str, Optional[float], Optional[float]]]:
    """The last six weeks with evaluations of the agent or their team: (week, mine, team median)."""
    table = qa_overview.my_trend(user, qa_overview.default_period(now))
    rows = [(r.cells[0], r.cells[2], r.cells[3]) for r in table.rows]
    if len(rows) < 3:  # early in a quarter: the previous one too
        previous = periods.period_of(periods.parse_period(qa_overview.default_period(now)).start - timedelta(days=1),
                                     "quarter")
        before = qa_overview.my_trend(user, previous.label)
        rows = [(r.cells[0], r.cells[2], r.cells[3]) for r in before.rows] + rows
    return rows[-6:]


@dataclass(frozen=True)
class TeamRow:
    team: str
    mean: Optional[float]
    previous: Optional[float]
    evaluations: int


@dataclass(frozen=True)
class AgentRow:
    agent: User
    mean: Optional[float]
    evaluations: int
    overdue: int


@dataclass(frozen=True)
class LeadHome:
    teams: list[TeamRow]
    agents: list[AgentRow]
    failing: list[tuple[str, str, int]]   # criterion id, title, failures in the window
    overdue: list[Assignment]
    disputes: list


def lead_home(user: User, now: Optional[datetime] = None) -> LeadHome:
    now = clock.or_now(now)
    current = _means(user, now - WINDOW, now, Team.name)
    previous = _means(user, now - 2 * WINDOW, now - WINDOW, Team.name)
    teams = [TeamRow(name, mean, previous.get(name, (None, 0))[0], n) for name, (mean, n) in sorted(current.items())]
    per_agent = _means(user, now - WINDOW, now, User.id)
    overdue = list(split_training(_open_assignments(user), now).overdue)  # marked or not yet
    late: dict[int, int] = {}
    for a in overdue:
        late[a.agent_id] = late.get(a.agent_id, 0) + 1
    agents = [AgentRow(a, per_agent.get(a.id, (None, 0))[0], per_agent.get(a.id, (None, 0))[1], late.get(a.id, 0))
              for a in coaching.coachable_agents(user)]
    return LeadHome(teams, agents, _failing(user, now - WINDOW, now), overdue[:10],
                    disputes.list_disputes(user, status="open")[:10])


def open_calibration(user: User, now: Optional[datetime] = None) -> list:
    """Open calibration sessions the user runs or rates: (session, items the user answered, items)."""
    now = clock.or_now(now)
    sessions = [s for s in calibration_sessions.list_sessions(user) if calibration_sessions.status_of(s, now) == "open"
                and (s.created_by_id == user.id or calibration_sessions.is_rater(user, s))]
    return [(s, calibration_sessions.answered_items(user, s), len(s.items)) for s in sessions]


def _window(user: User, start: datetime, end: datetime, *columns):
    return (db.select(*columns).select_from(Evaluation)
            .join(Conversation, Conversation.id == Evaluation.conversation_id)
            .where(Evaluation.is_final.is_(True), Conversation.started_at >= start, Conversation.started_at < end,
                   conversations.visibility_filter(user)))


def _means(user: User, start: datetime, end: datetime, key) -> dict:
    """key value (team name or agent id) -> (mean final score, evaluations) of conversations started in [start, end)."""
    query = (_window(user, start, end, key, func.avg(Evaluation.score), func.count(Evaluation.id))
             .join(User, User.id == Conversation.agent_id))
    if key is Team.name:
        query = query.join(Team, Team.id == User.team_id)
    return {k: (round(float(mean), 1) if mean is not None else None, int(n))
            for k, mean, n in db.session.execute(query.group_by(key))}


def _failing(user: User, start: datetime, end: datetime, limit: int = 5) -> list[tuple[str, str, int]]:
    """(criterion id, its title in the newest scorecard version that failed it, failures), most first."""
    failures, version = func.count(CriterionScore.id), func.max(Evaluation.scorecard_version_id)
    query = (_window(user, start, end, CriterionScore.criterion_id, version, failures)
             .join(CriterionScore, CriterionScore.evaluation_id == Evaluation.id)
             .where(CriterionScore.result == "fail").group_by(CriterionScore.criterion_id)
             .order_by(failures.desc(), CriterionScore.criterion_id).limit(limit))
    rows = db.session.execute(query).all()
    titles = review_sheet.criterion_titles({v for _, v, _ in rows})
    return [(c, titles.get((v, c), c), int(n)) for c, v, n in rows]


@dataclass(frozen=True)
class PeriodState:
    """One appraisal period as HR's home lists it: how many appraisals in each state."""

    period: str
    draft: int
    review: int
    final: int

    @property
    def state(self) -> str:
        """final when every appraisal is final, review when any is past its draft, else draft."""
        if self.final and not (self.draft or self.review):
            return "final"
        return "review" if self.review or self.final else "draft"


def appraisal_periods(limit: int = 8) -> list[PeriodState]:
    """The periods with appraisals, newest first, with their counts per state."""
    counts: dict[str, dict[str, int]] = {}
    for period, state, n in db.session.execute(db.select(Appraisal.period, Appraisal.state, func.count())
                                               .group_by(Appraisal.period, Appraisal.state)):
        counts.setdefault(period, {})[state] = int(n)
    ordered = sorted(counts, key=_period_key, reverse=True)[:limit]
    return [PeriodState(p, counts[p].get("draft", 0), counts[p].get("review", 0), counts[p].get("final", 0))
            for p in ordered]


def _period_key(label: str) -> tuple:
    try:
        p = periods.parse_period(label)
    except periods.PeriodError:
        return (datetime.min.replace(tzinfo=None), label)
    return (p.end.replace(tzinfo=None), -(p.end - p.start).days)


def last_complete_month(now: Optional[datetime] = None) -> str:
    """The month before the one holding `now`: the report's default (the current month is still empty)."""
    month = periods.period_of(clock.or_now(now), "month")
    return periods.period_of(month.start - timedelta(days=1), "month").label


def period_choices(now: Optional[datetime] = None, months: int = 12, quarters: int = 4, years: int = 2) -> dict:
    """The period picker's options, newest first: recent months, quarters and years (current included)."""
    now = clock.or_now(now)
    def back(kind: str, n: int) -> list[str]:
        out, p = [], periods.period_of(now, kind)
        for _ in range(n):
            out.append(p.label)
            p = periods.period_of(p.start - timedelta(days=1), kind)
        return out
    return {"month": back("month", months), "quarter": back("quarter", quarters), "year": back("year", years)}


def names_by_login(logins: Iterable[str]) -> dict[str, str]:
    """login -> display name (the login when the user has none), in one query."""
    wanted = list(set(logins))
    if not wanted:
        return {}
    return {login: name or login for login, name in
            db.session.execute(db.select(User.login, User.name).where(User.login.in_(wanted)))}

