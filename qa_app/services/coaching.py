"""Coaching: a lead records a session with an agent (linked evaluations and criteria, notes, agreed
actions with owners and follow-up dates); the agent acknowledges it and may comment; an action is
marked done by its owner or the coach. Each use case commits once and is audited.

Who sees a session: the agent, and whoever may see the agent's training (their leads, QA reviewers
of the teams they cover, HR, admins), by the one rule of training.visible_to; never another agent.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Iterable, Optional, Sequence

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import CoachingAction, CoachingLink, CoachingSession, Conversation, Evaluation, User
from qa_app.permissions import can
from qa_app.services import NotFound, ServiceError, audit, notifications, training
from training.coaching import CoachingError, SessionDraft, checked, checked_comment, follow_up_state

Link = tuple[int, Optional[str]]  # (evaluation id, criterion id or None for the whole evaluation)


def coachable_agents(user: User) -> list[User]:
    """The active agents `user` may coach (those whose training they see), by login."""
    if not can(user, "coach"):
        return []
    query = db.select(User).where(User.role == "agent", User.active.is_(True)).order_by(User.login)
    return list(db.session.scalars(training.visible_to(query, user)))


def recent_evaluations(agent: User, limit: int = 20) -> list[Evaluation]:
    """The agent's final evaluations, newest first, to link a session to."""
    return list(db.session.scalars(
        db.select(Evaluation).join(Conversation, Conversation.id == Evaluation.conversation_id)
        .where(Conversation.agent_id == agent.id, Evaluation.is_final.is_(True))
        .options(selectinload(Evaluation.criteria), selectinload(Evaluation.conversation))
        .order_by(Conversation.started_at.desc(), Evaluation.id.desc()).limit(limit)))


def _agent_for(coach: User, login: str) -> User:
    agent = next((a for a in coachable_agents(coach) if a.login == login), None)
    if agent is None:
        raise NotFound(_("no active agent %(login)r that you coach", login=login))
    return agent


def _valid(make, *args):
    """A training.coaching check's result, its CoachingError as a ServiceError (the message names the field)."""
    try:
        return make(*args)
    except CoachingError as exc:
        raise ServiceError(str(exc)) from None


def record_session(coach: User, agent_login: str, draft: SessionDraft, links: Sequence[Link] = (),
                   now: Optional[datetime] = None) -> CoachingSession:
    """Store a session (ServiceError naming the field otherwise, and nothing stored); tell the
    agent; audit; commit. `draft.actions[i].owner` is "agent" or "coach"."""
    if not can(coach, "coach"):
        raise ServiceError(_("only leads and admins record coaching sessions"))
    now = clock.or_now(now)
    agent, draft = _agent_for(coach, agent_login), _valid(checked, draft)
    session = CoachingSession(agent=agent, coach=coach, held_on=draft.held_on, notes=draft.notes, created_at=now)
    session.links = [CoachingLink(evaluation_id=e, criterion_id=c) for e, c in _checked_links(agent, links)]
    session.actions = [CoachingAction(position=i, text=a.text, owner=agent if a.owner == "agent" else coach,
                                      due_on=a.due_on) for i, a in enumerate(draft.actions, 1)]
    db.session.add(session)
    db.session.flush()
    notifications.record([_notice(agent, "coaching_new", f"coaching_new:{session.id}", session, now)])
    audit.record(coach, "create", "coaching_session", session.id,
                 after={"agent": agent.login, "held_on": draft.held_on.isoformat(), "actions": len(draft.actions),
                        "links": len(session.links)})
    db.session.commit()
    return session


def _checked_links(agent: User, links: Sequence[Link]) -> list[Link]:
    """The links, each to an evaluation of the agent's conversations and, when given, one of its criteria."""
    wanted = {e for e, _ in links}
    found = {ev.id: ev for ev in db.session.scalars(
        db.select(Evaluation).join(Conversation, Conversation.id == Evaluation.conversation_id)
        .where(Evaluation.id.in_(wanted), Conversation.agent_id == agent.id)
        .options(selectinload(Evaluation.criteria)))}
    out: list[Link] = []
    for i, (evaluation_id, criterion_id) in enumerate(links):
        ev = found.get(evaluation_id)
        if ev is None:
            raise ServiceError(_("evaluations[%(index)s]: evaluation %(evaluation)s is not one of %(agent)s's",
                                 index=i, evaluation=evaluation_id, agent=agent.login))
        if criterion_id is not None and criterion_id not in {c.criterion_id for c in ev.criteria}:
            raise ServiceError(_("evaluations[%(index)s].criterion: %(criterion)r is not a criterion of evaluation "
                                 "%(evaluation)s", index=i, criterion=criterion_id, evaluation=evaluation_id))
        if (evaluation_id, criterion_id) not in out:
            out.append((evaluation_id, criterion_id))
    return out


def _notice(user: User, kind: str, key: str, session: CoachingSession, now: datetime, **extra) -> dict:
    params = {"session_id": session.id, "agent": session.agent.login,
              "coach": session.coach.name or session.coach.login, "held_on": session.held_on.isoformat(), **extra}
    return {"user": user, "kind": kind, "key": key, "params": params, "at": now}


def visible_sessions(user: Optional[User], agent_login: Optional[str] = None) -> list[CoachingSession]:
    """The sessions `user` may see (an agent: their own; None, the command line: all), newest
    first; optionally one agent's."""
    query = (db.select(CoachingSession).join(User, User.id == CoachingSession.agent_id)
             .options(selectinload(CoachingSession.actions).selectinload(CoachingAction.owner),
                      selectinload(CoachingSession.coach), selectinload(CoachingSession.agent),
                      selectinload(CoachingSession.links))
             .order_by(CoachingSession.held_on.desc(), CoachingSession.id.desc()))
    if agent_login:
        query = query.where(User.login == agent_login)
    return list(db.session.scalars(query if user is None else training.visible_to(query, user)))


def get_for(user: User, session_id: int) -> CoachingSession:
    """The session if `user` may see it, else NotFound (the same answer as for one that does not exist)."""
    query = (db.select(CoachingSession).join(User, User.id == CoachingSession.agent_id)
             .where(CoachingSession.id == session_id))
    session = db.session.scalar(training.visible_to(query, user))
    if session is None:
        raise NotFound(_("coaching session not found"))
    return session


def acknowledge(user: User, session_id: int, comment: Optional[str] = None,
                now: Optional[datetime] = None) -> CoachingSession:
    """The agent of the session acknowledges it, once, with an optional comment; the coach is told. Commits."""
    session, now = get_for(user, session_id), clock.or_now(now)
    if user.id != session.agent_id:
        raise ServiceError(_("only the coached agent acknowledges a coaching session"))
    if session.acknowledged_at is not None:
        raise ServiceError(_("this coaching session is already acknowledged"))
    session.acknowledged_at, session.agent_comment = now, _valid(checked_comment, comment)
    notifications.record([_notice(session.coach, "coaching_acknowledged", f"coaching_ack:{session.id}", session,
                                  now, comment=session.agent_comment or "")])
    audit.record(user, "acknowledge", "coaching_session", session.id, after={"comment": session.agent_comment})
    db.session.commit()
    return session


def mark_done(user: User, action_id: int, now: Optional[datetime] = None) -> CoachingAction:
    """Mark an agreed action done: its owner, the coach, or a lead or admin who sees the session. Commits."""
    action = db.session.get(CoachingAction, action_id)
    if action is None:
        raise NotFound(_("coaching action not found"))
    session = get_for(user, action.session_id)
    if user.id not in (action.owner_id, session.coach_id) and not can(user, "coach"):
        raise ServiceError(_("only the action's owner or a coach marks it done"))
    if action.done_at is None:
        action.done_at, action.done_by_id = clock.or_now(now), user.id
        audit.record(user, "complete", "coaching_action", action.id, after={"session": session.id})
        db.session.commit()
    return action


def follow_ups(user: User, today: Optional[date] = None) -> list[tuple[CoachingAction, str]]:
    """Open actions of the sessions `user` may see that are overdue, due today or soon, soonest
    first, with their state (training.coaching.follow_up_state): an agent's own, a lead's
    coachees'. For the home pages."""
    today = today or clock.today()
    query = (db.select(CoachingAction).join(CoachingSession, CoachingSession.id == CoachingAction.session_id)
             .join(User, User.id == CoachingSession.agent_id).where(CoachingAction.done_at.is_(None))
             .options(selectinload(CoachingAction.session).selectinload(CoachingSession.agent))
             .order_by(CoachingAction.due_on, CoachingAction.id))
    if can(user, "coach") and not can(user, "sees_everything"):
        query = query.where(CoachingSession.coach_id == user.id)
    states = ((a, follow_up_state(a.due_on, False, today)) for a in db.session.scalars(training.visible_to(query, user)))
    return [(a, s) for a, s in states if s != "open"]


def state_of(action: CoachingAction, today: Optional[date] = None) -> str:
    return follow_up_state(action.due_on, action.done_at is not None, today or clock.today())


def session_document(s: CoachingSession, today: Optional[date] = None) -> dict:
    """A session as plain values (`qadesk coaching list --json`)."""
    return {"id": s.id, "agent": s.agent.login, "coach": s.coach.login, "held_on": s.held_on.isoformat(),
            "notes": s.notes, "acknowledged_at": s.acknowledged_at.isoformat() if s.acknowledged_at else None,
            "agent_comment": s.agent_comment,
            "evaluations": [{"evaluation": link.evaluation_id, "criterion": link.criterion_id} for link in s.links],
            "actions": [{"id": a.id, "text": a.text, "owner": a.owner.login, "due_on": a.due_on.isoformat(),
                         "state": state_of(a, today), "done_at": a.done_at.isoformat() if a.done_at else None}
                        for a in s.actions]}


def parse_links(values: Iterable[str]) -> list[Link]:
    """Form values "EVALUATION" or "EVALUATION:CRITERION" as links; ServiceError for anything else."""
    links: list[Link] = []
    for value in values:
        head, _colon, criterion = value.partition(":")
        if not head.isdigit():
            raise ServiceError(_("evaluations: %(value)r is not an evaluation", value=value))
        links.append((int(head), criterion or None))
    return links
