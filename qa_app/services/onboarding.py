"""Onboarding: a lead (or admin) enrols a new agent on a path of courses; the first is assigned at
once and passing each assigns the next, until the path is complete.

Each start and each step is audited and announced to the agent like any assignment. A course
the agent already has open when its step comes is taken over as the step, not assigned twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Assignment, Course, Onboarding, User
from qa_app.permissions import can
from qa_app.services import NotFound, ServiceError, audit, training
from training import onboarding as paths
from training.reasons import ONBOARDING_STEP


@dataclass(frozen=True)
class Progress:
    """One enrolment as its agent and leads see it: the path and each course's state."""

    enrolment: Onboarding
    steps: tuple[paths.Step, ...]
    titles: dict

    @property
    def passed(self) -> int:
        return sum(1 for s in self.steps if s.state == "passed")


def available_paths() -> tuple[paths.OnboardingPath, ...]:
    return paths.shipped_paths()


def path_of(code: str) -> paths.OnboardingPath:
    found = next((p for p in paths.shipped_paths() if p.code == code), None)
    if found is None:
        raise NotFound(_("no onboarding path %(code)r (paths: %(paths)s)", code=code,
                       paths=", ".join(p.code for p in paths.shipped_paths())))
    return found


def start(actor: User, agent_login: str, path_code: str, now: Optional[datetime] = None) -> Onboarding:
    """Enrol the agent on the path and assign its first course, with one commit.

    The actor must hold assign_training and see the agent (a lead: the teams they cover); an
    agent is enrolled on a path once."""
    from qa_app.services import users
    now = clock.or_now(now)
    if not can(actor, "assign_training"):
        raise ServiceError(_("only leads and admins start onboarding"))
    path, agent = path_of(path_code), users.get_user(agent_login)
    if not training.may_assign_to(actor, agent):
        raise NotFound(_("no user with login %(login)r", login=agent_login))
    if db.session.scalar(db.select(Onboarding.id).where(Onboarding.agent_id == agent.id,
                                                       Onboarding.path_code == path.code)):
        raise ServiceError(_("%(login)s is already on the onboarding path %(path)s", login=agent_login, path=path.code))
    known = set(db.session.scalars(db.select(Course.code).where(Course.code.in_(path.courses))))
    missing = [c for c in path.courses if c not in known]
    if missing:
        raise ServiceError(_("the path %(path)s names courses this instance lacks: %(courses)s", path=path.code,
                             courses=", ".join(missing)))
    enrolment = Onboarding(agent_id=agent.id, path_code=path.code, title=path.title, courses=list(path.courses),
                           started_at=now, started_by_id=actor.id)
    db.session.add(enrolment)
    db.session.flush()
    audit.record(actor, "start", "onboarding", enrolment.id, after={"agent": agent.login, "path": path.code})
    _assign_step(actor, enrolment, 1, now)
    db.session.commit()
    return enrolment


def _assign_step(actor: Optional[User], enrolment: Onboarding, position: int, now: datetime) -> Assignment:
    """The step's course for the agent: an open assignment of it taken over, else a new one."""
    code = enrolment.courses[position - 1]
    open_one = db.session.scalar(db.select(Assignment).join(Course).where(
        Assignment.agent_id == enrolment.agent_id, Course.code == code, Assignment.status.in_(training.OPEN)))
    if open_one is not None:
        open_one.onboarding_id = enrolment.id
        return open_one
    reason = ONBOARDING_STEP.format(path=enrolment.path_code, step=position, steps=len(enrolment.courses))
    a = training.assign_course(actor, enrolment.agent.login, code, reason=reason, now=now, commit=False)
    a.onboarding_id = enrolment.id
    return a


def advance(a: Assignment, now: datetime) -> Optional[Assignment]:
    """After `a` is completed: assign its enrolment's next course, or complete the enrolment (no commit)."""
    if a.onboarding_id is None:
        return None
    enrolment = db.session.get(Onboarding, a.onboarding_id)
    if enrolment is None or enrolment.completed_at is not None:
        return None
    position = paths.next_position(tuple(enrolment.courses), _passed(enrolment))
    if position is None:
        enrolment.completed_at = now
        audit.record(None, "complete", "onboarding", enrolment.id, after={"path": enrolment.path_code})
        return None
    return _assign_step(None, enrolment, position, now)


def _passed(enrolment: Onboarding) -> set[str]:
    return _passed_by_enrolment([enrolment.id]).get(enrolment.id, set())


def _passed_by_enrolment(ids: list[int]) -> dict[int, set[str]]:
    """The course codes each enrolment's completed assignments passed, in one query."""
    passed: dict[int, set[str]] = {}
    for enrolment_id, code in db.session.execute(
            db.select(Assignment.onboarding_id, Course.code).join(Course, Assignment.course_id == Course.id)
            .where(Assignment.onboarding_id.in_(ids), Assignment.status == "completed")):
        passed.setdefault(enrolment_id, set()).add(code)
    return passed


def progress_of(user: User, agent_login: Optional[str] = None) -> list[Progress]:
    """The enrolments `user` may see (the one visibility rule of assignments), optionally one agent's."""
    query = training.visible_to(db.select(Onboarding).join(User, Onboarding.agent_id == User.id), user)
    if agent_login:
        query = query.where(User.login == agent_login)
    rows = list(db.session.scalars(query.order_by(Onboarding.completed_at.is_not(None), Onboarding.started_at)
                                   .options(contains_eager(Onboarding.agent))))
    if not rows:
        return []
    titles = dict(db.session.execute(db.select(Course.code, Course.title)).all())
    passed = _passed_by_enrolment([r.id for r in rows])
    return [Progress(r, paths.steps(tuple(r.courses), passed.get(r.id, set())), titles) for r in rows]
