"""Conversations as users see them: visibility by role, detail documents, and the domain view of rows."""
from __future__ import annotations

from typing import Optional

from sqlalchemy import or_

from qa_app.permissions import can
from qa_app.extensions import db
from qa_app.models import Conversation, Evaluation, User
from qa_app.models.base import as_utc
from qa_app.services import NotFound
from transcripts import model


def to_domain(row: Conversation) -> model.Conversation:
    """The pure-domain conversation of a stored row (what the scorer reads)."""
    turns = tuple(model.Turn(speaker=t.speaker, text=t.text, at=as_utc(t.at), start=t.start, end=t.end)
                  for t in row.turns)
    return model.Conversation(
        external_id=row.external_id, agent=row.agent.login, turns=turns, channel=row.channel,
        started_at=as_utc(row.started_at), language=row.language, queue=row.queue,
        customer=row.customer, csat=row.csat, metadata=dict(row.meta or {}))


def visibility_filter(user: User):
    """A WHERE clause limiting conversations to what `user` may see.

    Admins see everything; agents only their own; reviewers and leads the teams they cover
    (all teams when they cover none), plus agents in no team so nothing goes unreviewed;
    HR sees no transcripts, only reports.
    """
    if can(user, "sees_everything"):
        return db.true()
    if can(user, "own_data_only"):
        return Conversation.agent_id == user.id
    if can(user, "sees_covered_teams"):
        teams = user.covered_team_ids()
        if not teams:
            return db.true()
        agents = db.select(User.id).where(or_(User.team_id.in_(teams), User.team_id.is_(None)))
        return Conversation.agent_id.in_(agents)
    return db.false()


def covers_agent(user: User, agent: User) -> bool:
    """Whether `user` may see (and so file) conversations of `agent`: visibility_filter's rule."""
    if can(user, "sees_everything"):
        return True
    if can(user, "own_data_only"):
        return agent.id == user.id
    if can(user, "sees_covered_teams"):
        teams = user.covered_team_ids()
        return not teams or agent.team_id is None or agent.team_id in teams
    return False


def get_visible(user: User, conversation_id: int) -> Conversation:
    """The conversation if `user` may see it; NotFound otherwise (no hint that it exists)."""
    row = db.session.scalar(db.select(Conversation).where(
        Conversation.id == conversation_id, visibility_filter(user)))
    if row is None:
        raise NotFound("conversation not found")
    return row


def list_visible(user: User, *, agent: Optional[str] = None, language: Optional[str] = None,
                 limit: int = 200, offset: int = 0) -> list[Conversation]:
    """Newest first, filtered by what the user may see."""
    query = db.select(Conversation).where(visibility_filter(user))
    if agent:
        query = query.join(User, Conversation.agent_id == User.id).where(User.login == agent)
    if language:
        query = query.where(Conversation.language == language)
    query = query.order_by(Conversation.started_at.desc(), Conversation.id.desc())
    return list(db.session.scalars(query.limit(limit).offset(offset)))


def by_external_id(external_id: str) -> Conversation:
    row = db.session.scalar(db.select(Conversation).where(Conversation.external_id == external_id))
    if row is None:
        raise NotFound(f"no conversation with id {external_id!r}")
    return row


def final_evaluation(conversation_id: int) -> Optional[Evaluation]:
    return db.session.scalar(db.select(Evaluation).where(
        Evaluation.conversation_id == conversation_id, Evaluation.is_final.is_(True)))


def evaluations_of(conversation_id: int) -> list[Evaluation]:
    return list(db.session.scalars(db.select(Evaluation).where(
        Evaluation.conversation_id == conversation_id).order_by(Evaluation.created_at, Evaluation.id)))


def evaluation_document(ev: Evaluation) -> dict:
    """The JSON shape of an evaluation used by `qadesk show` and the API."""
    return {
        "id": ev.id, "kind": ev.kind, "scorecard": ev.scorecard_version.name,
        "version": ev.scorecard_version.version, "score": ev.score, "auto_fail": ev.auto_fail,
        "final": ev.is_final, "fail_reasons": list(ev.fail_reasons or []),
        "reviewer": ev.reviewer.login if ev.reviewer else None,
        "created_at": as_utc(ev.created_at).isoformat(),
        "criteria": [{"id": c.criterion_id, "section": c.section_id, "result": c.result,
                      "score": c.score, "weight": c.weight, "critical": c.critical,
                      "evidence": list(c.evidence or []), "explanation": c.explanation,
                      "comment": c.comment} for c in ev.criteria],
    }


def conversation_document(row: Conversation) -> dict:
    """The conversation with its turns and evaluations, as `qadesk show --json` prints it."""
    def when(t):
        return as_utc(t).isoformat() if t else None
    return {
        "id": row.external_id, "channel": row.channel, "agent": row.agent.login,
        "started_at": when(row.started_at), "language": row.language, "queue": row.queue,
        "customer": row.customer, "csat": row.csat, "metadata": dict(row.meta or {}),
        "turns": [{"speaker": t.speaker, "text": t.text, "at": when(t.at), "start": t.start,
                   "end": t.end} for t in row.turns],
        "evaluations": [evaluation_document(e) for e in evaluations_of(row.id)],
    }
