"""Training: courses and rules in the database, assignments from final evaluations, quizzes, overdue marking."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Optional

from sqlalchemy.orm import joinedload

from qa_app.permissions import can
from qa_app import clock
from qa_app.extensions import db
from qa_app.models import (Assignment, Conversation, Course, CriterionScore, Evaluation, TrainingRule, User)
from qa_app.services import NotFound, ServiceError, audit, course_store, reminders
from qa_app.settings import settings as instance_settings
from training import due, rules

OPEN = ("assigned", "overdue")


def ensure_courses() -> int:
    """Load the shipped course catalogue into the database (new codes added, existing updated; no commit)."""
    return course_store.sync_catalogue()


def ensure_rules() -> int:
    """Store the default training rules when the instance has none."""
    if db.session.scalar(db.select(TrainingRule.id).limit(1)):
        return 0
    defaults = rules.default_rules(due_days=instance_settings().training_due_days)
    for r in defaults:
        db.session.add(TrainingRule(code=r.id, name=r.name, kind=r.kind, threshold=r.threshold,
                                    criterion_id=r.criterion_id, language=r.language,
                                    course_code=r.course_code, due_days=r.due_days))
    return len(defaults)


def active_rules() -> list[rules.TrainingRule]:
    rows = db.session.scalars(db.select(TrainingRule).where(TrainingRule.active.is_(True)).order_by(TrainingRule.id))
    return [rules.TrainingRule(id=r.code, name=r.name, kind=r.kind, course_code=r.course_code,
                               due_days=r.due_days, threshold=r.threshold, criterion_id=r.criterion_id,
                               language=r.language) for r in rows]


def list_rules() -> list[TrainingRule]:
    return list(db.session.scalars(db.select(TrainingRule).order_by(TrainingRule.id)))


def _facts(row, failed: tuple[str, ...]) -> rules.EvaluationFacts:
    """`row` is one row of apply_rules' query: a conversation's columns and its final evaluation's."""
    return rules.EvaluationFacts(conversation_id=row.id, agent=row.agent_login, language=row.language,
                                 score=row.score, auto_fail=row.auto_fail, failed_criteria=failed,
                                 external_id=row.external_id)


def apply_rules(conversation_ids: Iterable[int], now: Optional[datetime] = None) -> list[Assignment]:
    """Assign the courses the rules ask for on each conversation's final evaluation (no commit).

    An agent who already has the course open is not assigned it twice. An open assignment
    created for a conversation whose final evaluation no longer fires is cancelled
    (a reviewer raised the score), and the cancellation is audited.
    """
    now = clock.or_now(now)
    ids = list(conversation_ids)
    if not ids:
        return []
    active, courses, created = active_rules(), _courses_by_code(), []
    # Plain rows, not ORM objects: a scoring batch passes thousands of conversations and loading
    # them (with their agents) as objects cost more than deciding their rules.
    finals = list(db.session.execute(
        db.select(Conversation.id, Conversation.agent_id, Conversation.language, Conversation.external_id,
                  User.login.label("agent_login"), Evaluation.id.label("evaluation_id"), Evaluation.score,
                  Evaluation.auto_fail)
        .join(Evaluation, Evaluation.conversation_id == Conversation.id)
        .join(User, User.id == Conversation.agent_id)
        .where(Conversation.id.in_(ids), Evaluation.is_final.is_(True)).order_by(Conversation.id)))
    failed = _failed_criteria([row.evaluation_id for row in finals])
    open_now = _OpenAssignments(finals)
    for row in finals:
        decisions = rules.decide(_facts(row, failed.get(row.evaluation_id, ())), active)
        open_now.cancel_unwanted(row, {d.course_code for d in decisions})
        for d in decisions:
            course = courses.get(d.course_code)
            if course is None or open_now.has(row.agent_id, course.id):
                continue
            created.append(_assign(row, course, d, now))
            open_now.add(row.agent_id, course.id)
    _audit_assigned(created)
    return created


def _failed_criteria(evaluation_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """The failed criterion ids of each evaluation, in scorecard order (one query, no ORM rows)."""
    failed: dict[int, list[str]] = {}
    for ev_id, criterion_id in db.session.execute(
            db.select(CriterionScore.evaluation_id, CriterionScore.criterion_id).where(
                CriterionScore.evaluation_id.in_(evaluation_ids), CriterionScore.result == "fail")
            .order_by(CriterionScore.evaluation_id, CriterionScore.position)):
        failed.setdefault(ev_id, []).append(criterion_id)
    return {ev_id: tuple(ids) for ev_id, ids in failed.items()}


def _courses_by_code() -> dict[str, Course]:
    return {c.code: c for c in db.session.scalars(db.select(Course))}


def _has_open(agent_id: int, course_id: int) -> bool:
    return db.session.scalar(db.select(Assignment.id).where(
        Assignment.agent_id == agent_id, Assignment.course_id == course_id,
        Assignment.status.in_(OPEN))) is not None


class _OpenAssignments:
    """The open assignments that apply_rules' decisions depend on, read with two queries for the
    whole batch and kept up to date as it cancels and assigns (no query per conversation)."""

    def __init__(self, convs) -> None:
        """`convs`: anything with the conversations' `id` and `agent_id` (apply_rules passes rows)."""
        from collections import Counter, defaultdict
        self.by_conversation: dict[int, list[Assignment]] = defaultdict(list)
        for a in db.session.scalars(db.select(Assignment).where(
                Assignment.conversation_id.in_([c.id for c in convs]), Assignment.status.in_(OPEN))
                .order_by(Assignment.id).options(joinedload(Assignment.course))):
            self.by_conversation[a.conversation_id].append(a)
        self.count = Counter(dict(((agent, course), n) for agent, course, n in db.session.execute(
            db.select(Assignment.agent_id, Assignment.course_id, db.func.count()).where(
                Assignment.agent_id.in_({c.agent_id for c in convs}), Assignment.status.in_(OPEN))
            .group_by(Assignment.agent_id, Assignment.course_id))))

    def has(self, agent_id: int, course_id: int) -> bool:
        return self.count[(agent_id, course_id)] > 0

    def add(self, agent_id: int, course_id: int) -> None:
        self.count[(agent_id, course_id)] += 1

    def cancel_unwanted(self, conv, wanted: set[str]) -> None:
        for a in self.by_conversation.get(conv.id, ()):
            if a.status in OPEN and a.course.code not in wanted:
                audit.record(None, "cancel", "assignment", a.id, before={"status": a.status},
                             after={"status": "cancelled", "why": "final evaluation no longer triggers the course"})
                a.status = "cancelled"
                self.count[(a.agent_id, a.course_id)] -= 1


def _assign(row, course: Course, d: rules.AssignmentDecision, now: datetime) -> Assignment:
    a = Assignment(agent_id=row.agent_id, course_id=course.id, evaluation_id=row.evaluation_id,
                   conversation_id=row.id, rule_code=d.rule_id, reason=d.reason, status="assigned",
                   assigned_at=now, due_at=due.due_date(now, d.due_days))
    db.session.add(a)
    return a


def _audit_assigned(created: list[Assignment]) -> None:
    """One flush gives every new assignment its id; then each is audited and announced to its agent."""
    if created:
        db.session.flush()
        reminders.notify_assigned(created, created[0].assigned_at)
    audit.record_many([{"at": clock.now(), "actor": None, "action": "assign", "entity": "assignment",
                        "entity_id": a.id, "after": {"agent": a.agent.login, "course": a.course.code,
                                                     "reason": a.reason}} for a in created])


def visible_assignments(user: User, agent_login: Optional[str] = None,
                        status: Optional[str] = None) -> list[Assignment]:
    """Agents see their own; reviewers and leads those of the teams they cover (as for
    conversations); HR and admins everyone's. Optionally one agent's or one status."""
    query = visible_to(db.select(Assignment).join(User, Assignment.agent_id == User.id), user)
    if agent_login:
        query = query.where(User.login == agent_login)
    if status:
        query = query.where(Assignment.status == status)
    return list(db.session.scalars(query.order_by(Assignment.due_at, Assignment.id)))


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
        raise NotFound("assignment not found")
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
        raise NotFound(f"no course {code!r}")
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
        raise ServiceError("only leads and admins assign courses")
    if (agent_login is None) == (team is None):
        raise ServiceError("give either an agent or a team")
    if agent_login is not None:
        agent = users.get_user(agent_login)
        if not _may_see_agent(actor, agent):
            raise NotFound(f"no user with login {agent_login!r}")
        a = assign_course(actor, agent_login, course_code, due_days, reason, now, commit=False)
        db.session.commit()
        return TeamAssignment((a,), ())
    return _assign_team(actor, course_code, team, due_days, reason, now)


def _assign_team(actor: User, course_code: str, team: str, due_days: Optional[int], reason: str,
                 now: Optional[datetime]) -> TeamAssignment:
    from qa_app.models import Team
    row = db.session.scalar(db.select(Team).where(Team.name == team))
    if row is None or not _may_see_team(actor, row.id):
        raise NotFound(f"no team {team!r}")
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


def _may_see_agent(actor: User, agent: User) -> bool:
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
        raise ServiceError(f"{agent_login} is not an agent")
    if due_days < 1:
        raise ServiceError("due_days: must be at least 1")
    course = get_course(course_code)
    if _has_open(agent.id, course.id):
        raise ServiceError(f"{agent_login} already has {course_code} open")
    a = Assignment(agent_id=agent.id, course_id=course.id, reason=reason or f"assigned by {actor.login if actor else 'system'}",
                   status="assigned", assigned_at=now, due_at=due.due_date(now, due_days))
    db.session.add(a)
    db.session.flush()
    audit.record(actor, "assign", "assignment", a.id, after={"agent": agent_login, "course": course_code,
                                                             "reason": a.reason})
    reminders.notify_assigned([a], now)
    if commit:
        db.session.commit()
    return a
