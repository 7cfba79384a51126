"""Training: courses and rules in the database, assignments from final evaluations, quizzes, overdue marking."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Optional

from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager, joinedload

from qa_app.permissions import can
from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Assignment, Course, User
from qa_app.services import NotFound, ServiceError, audit, course_store, pagination, reminders
from qa_app.settings import settings as instance_settings
from training import due
from training.reasons import ASSIGNED_BY, SYSTEM

OPEN = ("assigned", "overdue")


def ensure_courses() -> int:
    """Load the shipped course catalogue into the database (new codes added, existing updated; no commit)."""
    return course_store.sync_catalogue()


def late_by_team(assignments: Iterable[Assignment]) -> list[tuple[Optional[str], list[Assignment]]]:
    """The overdue ones of `assignments`, grouped by their agent's team (teams by name, no team
    last), each group by due date: the lead's "who is late" view."""
    groups: dict[Optional[str], list[Assignment]] = {}
    for a in assignments:
        if a.status == "overdue":
            groups.setdefault(a.agent.team.name if a.agent.team else None, []).append(a)
    order = sorted(groups, key=lambda name: (name is None, name or ""))
    return [(name, sorted(groups[name], key=lambda a: (a.due_at, a.id))) for name in order]


def _has_open(agent_id: int, course_id: int) -> bool:
    return db.session.scalar(db.select(Assignment.id).where(
        Assignment.agent_id == agent_id, Assignment.course_id == course_id,
        Assignment.status.in_(OPEN))) is not None


def visible_assignments(user: User, agent_login: Optional[str] = None,
                        status: Optional[str] = None) -> list[Assignment]:
    """Agents see their own; reviewers and leads those of the teams they cover (as for
    conversations); HR and admins everyone's. Optionally one agent's or one status."""
    return list(db.session.scalars(_assignments(user, agent_login, status)))


def page_assignments(user: User, agent_login: Optional[str] = None, status: Optional[str] = None,
                     page: int = 1, per_page: int = pagination.PER_PAGE) -> pagination.Page:
    """One page of visible_assignments' order with the true number of matching assignments."""
    return pagination.paginate(_assignments(user, agent_login, status), page, per_page)


def _assignments(user: User, agent_login: Optional[str], status: Optional[str]):
    query = visible_to(db.select(Assignment).join(User, Assignment.agent_id == User.id), user)
    if agent_login:
        query = query.where(User.login == agent_login)
    if status:
        query = query.where(Assignment.status == status)
    # The overview shows each row's agent, team and course: loaded with the rows, not one by one.
    return query.order_by(Assignment.due_at, Assignment.id).options(
        contains_eager(Assignment.agent).joinedload(User.team), joinedload(Assignment.course))


def visible_to(query, user: User):
    """`query` (which joins the agent as User) limited to the agents `user` may see: the one rule of
    visible_assignments, for queries of assignments and of what belongs to them (certificates)."""
    from sqlalchemy import or_
    if can(user, "own_data_only"):
        return query.where(User.id == user.id)
    if can(user, "sees_covered_teams") and user.covered_team_ids():
        return query.where(or_(User.team_id.in_(user.covered_team_ids()), User.team_id.is_(None)))
    return query


def get_assignment_for(user: User, assignment_id: int) -> Assignment:
    """The assignment if `user` may see it (same rule as visible_assignments), else NotFound."""
    a = db.session.get(Assignment, assignment_id)
    if a is None or not _may_see(user, a):
        raise NotFound(_("assignment not found"))
    return a


def _may_see(user: User, a: Assignment) -> bool:
    if can(user, "own_data_only"):
        return a.agent_id == user.id
    if can(user, "sees_covered_teams"):
        teams = user.covered_team_ids()
        return not teams or a.agent.team_id is None or a.agent.team_id in teams
    return True


def assignment_document(a: Assignment) -> dict:
    return {"id": a.id, "agent": a.agent.login, "course": a.course.code, "title": a.course.title,
            "reason": a.reason, "assigned": a.assigned_at.isoformat(), "due": a.due_at.isoformat(),
            "status": a.status, "completed": a.completed_at.isoformat() if a.completed_at else None,
            "best_score": a.best_score}


course_quiz = course_store.course_quiz  # reading modules and taking quizzes: services.coursework


def mark_overdue(now: Optional[datetime] = None) -> int:
    """Assignments past their due date and not completed become overdue; returns how many changed."""
    now = clock.or_now(now)
    rows = db.session.scalars(db.select(Assignment).where(Assignment.status == "assigned"))
    changed = 0
    for a in rows:
        if due.status_at(a.status, a.due_at, now) == "overdue":
            a.status = "overdue"
            changed += 1
    db.session.commit()
    return changed


def list_courses() -> list[Course]:
    return list(db.session.scalars(db.select(Course).order_by(Course.language, Course.code)))


def get_course(code: str) -> Course:
    row = db.session.scalar(db.select(Course).where(Course.code == code))
    if row is None:
        raise NotFound(_("no course %(code)r", code=code))
    return row


@dataclass(frozen=True)
class TeamAssignment:
    """What assigning a course to a team did: the new assignments, and the agents skipped with why."""

    assigned: tuple[Assignment, ...]
    skipped: tuple[tuple[str, str], ...]  # (login, "already open" | "inactive")


def assign_by_hand(actor: User, course_code: str, *, agent_login: Optional[str] = None, team: Optional[str] = None,
                   due_days: Optional[int] = None, reason: str = "", now: Optional[datetime] = None) -> TeamAssignment:
    """A lead's or admin's assignment of a course to one agent or to every active agent of a team,
    with one commit. The actor must hold assign_training and see the agents (a lead: the teams they
    cover); an agent who has the course open already is skipped (a named agent: ServiceError)."""
    from qa_app.services import users
    if not can(actor, "assign_training"):
        raise ServiceError(_("only leads and admins assign courses"))
    if (agent_login is None) == (team is None):
        raise ServiceError(_("give either an agent or a team"))
    if agent_login is not None:
        agent = users.get_user(agent_login)
        if not may_assign_to(actor, agent):
            raise NotFound(_("no user with login %(login)r", login=agent_login))
        a = assign_course(actor, agent_login, course_code, due_days, reason, now, commit=False)
        db.session.commit()
        return TeamAssignment((a,), ())
    return _assign_team(actor, course_code, team, due_days, reason, now)


def _assign_team(actor: User, course_code: str, team: str, due_days: Optional[int], reason: str,
                 now: Optional[datetime]) -> TeamAssignment:
    from qa_app.models import Team
    row = db.session.scalar(db.select(Team).where(Team.name == team))
    if row is None or not _may_see_team(actor, row.id):
        raise NotFound(_("no team %(team)r", team=team))
    course = get_course(course_code)
    assigned, skipped = [], []
    members = db.session.scalars(db.select(User).where(User.team_id == row.id, User.role == "agent")
                                 .order_by(User.login))
    for agent in members:
        if not agent.active:
            skipped.append((agent.login, "inactive"))
        elif _has_open(agent.id, course.id):
            skipped.append((agent.login, "already open"))
        else:
            assigned.append(assign_course(actor, agent.login, course_code, due_days,
                                          reason or f"assigned to team {team} by {actor.login}", now, commit=False))
    db.session.commit()
    return TeamAssignment(tuple(assigned), tuple(skipped))


def may_assign_to(actor: User, agent: User) -> bool:
    """Whether `actor` may assign courses to `agent`: an agent of a team they see (a lead: covers)."""
    return agent.role == "agent" and (agent.team_id is None or _may_see_team(actor, agent.team_id))


def _may_see_team(actor: User, team_id: int) -> bool:
    """As for assignments: leads see the teams they cover (every team when they cover none)."""
    if not can(actor, "sees_covered_teams"):
        return True
    teams = actor.covered_team_ids()
    return not teams or team_id in teams


def assign_course(actor: Optional[User], agent_login: str, course_code: str, due_days: Optional[int] = None,
                  reason: str = "", now: Optional[datetime] = None, commit: bool = True) -> Assignment:
    """A lead (or admin) assigns a course by hand, due in `due_days` (default QADESK_TRAINING_DUE_DAYS)
    days; refused when the agent already has it open. `commit` False leaves the commit to the
    caller's use case (certificate renewals)."""
    from qa_app.services import users
    due_days = instance_settings().training_due_days if due_days is None else due_days
    now = clock.or_now(now)
    agent = users.get_user(agent_login)
    if agent.role != "agent":
        raise ServiceError(_("%(login)s is not an agent", login=agent_login))
    if due_days < 1:
        raise ServiceError(_("due_days: must be at least 1"))
    course = get_course(course_code)
    if _has_open(agent.id, course.id):
        raise ServiceError(_("%(login)s already has %(course)s open", login=agent_login, course=course_code))
    a = Assignment(agent_id=agent.id, course_id=course.id, reason=reason or ASSIGNED_BY.format(login=actor.login if actor else SYSTEM),
                   status="assigned", assigned_at=now, due_at=due.due_date(now, due_days))
    db.session.add(a)
    db.session.flush()
    audit.record(actor, "assign", "assignment", a.id, after={"agent": agent_login, "course": course_code,
                                                             "reason": a.reason})
    reminders.notify_assigned([a], now)
    if commit:
        db.session.commit()
    return a
