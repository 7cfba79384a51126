"""Exemplars: reviewers, leads and admins pin a reviewed conversation to a course module as a good
or bad example with a note; agents read it inside the course, without the agent's name.

Only a conversation with a human final evaluation (a reviewer looked at it) may be pinned, by
someone who may see it. Its turns are shown as stored, which ingest has already redacted. Pins
and unpins are audited.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Conversation, Course, CourseModule, Evaluation, Exemplar, User
from qa_app.permissions import can
from qa_app.services import NotFound, ServiceError, audit, conversations
from training.exemplars import exemplar_problem


def targets() -> list[tuple[str, str]]:
    """(value "course-code:position", label) for every module of every course, for a select box."""
    rows = db.session.scalars(db.select(Course).order_by(Course.language, Course.code)
                              .options(selectinload(Course.modules)))
    return [(f"{c.code}:{m.position}", f"{c.title} · {m.position}. {m.title}") for c in rows for m in c.modules]


def pin(actor: User, conversation_id: int, target: str, kind: str, note: str,
        now: Optional[datetime] = None) -> Exemplar:
    """Pin the conversation to the module named by `target` ("course-code:position"), one commit."""
    if not can(actor, "pin_exemplars"):
        raise ServiceError(_("only reviewers, leads and admins pin examples"))
    conv = conversations.get_visible(actor, conversation_id)
    problem = exemplar_problem(kind, note)
    if problem:
        raise ServiceError(problem)
    if not _reviewed(conv):
        raise ServiceError(_("only a reviewed conversation can be an example: review it first"))
    module = _module(target)
    if db.session.scalar(db.select(Exemplar.id).where(Exemplar.module_id == module.id,
                                                     Exemplar.conversation_id == conv.id)):
        raise ServiceError(_("this conversation is already an example in that module"))
    row = Exemplar(module_id=module.id, conversation_id=conv.id, kind=kind, note=note.strip(),
                   pinned_by_id=actor.id, pinned_at=clock.or_now(now))
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "pin", "exemplar", row.id, after={"conversation": conv.external_id, "module": target,
                                                          "kind": kind, "note": row.note})
    db.session.commit()
    return row


def _reviewed(conv: Conversation) -> bool:
    return db.session.scalar(db.select(Evaluation.id).where(
        Evaluation.conversation_id == conv.id, Evaluation.is_final.is_(True), Evaluation.kind == "human")) is not None


def _module(target: str) -> CourseModule:
    code, _colon, position = target.rpartition(":")
    module = db.session.scalar(db.select(CourseModule).join(Course).where(
        Course.code == code, CourseModule.position == (int(position) if position.isdigit() else -1)))
    if module is None:
        raise NotFound(_("no course module %(target)r", target=target))
    return module


def unpin(actor: User, exemplar_id: int) -> None:
    """Remove an example (whoever may pin and may see its conversation), audited, one commit."""
    row = db.session.get(Exemplar, exemplar_id)
    if row is None or not can(actor, "pin_exemplars"):
        raise NotFound(_("example not found"))
    conversations.get_visible(actor, row.conversation_id)
    audit.record(actor, "unpin", "exemplar", row.id, before={"conversation_id": row.conversation_id,
                                                             "module_id": row.module_id, "note": row.note})
    db.session.delete(row)
    db.session.commit()


def of_module(module_id: int) -> list[tuple[Exemplar, Conversation]]:
    """The module's examples with their conversations and turns, good ones first."""
    rows = db.session.execute(db.select(Exemplar, Conversation).join(Conversation)
                              .where(Exemplar.module_id == module_id)
                              .options(selectinload(Conversation.turns))
                              .order_by(Exemplar.kind.desc(), Exemplar.id)).all()
    return [(e, c) for e, c in rows]


def of_conversation(conversation_id: int) -> list[Exemplar]:
    """Where the conversation is pinned (for the people who may pin)."""
    return list(db.session.scalars(db.select(Exemplar).where(Exemplar.conversation_id == conversation_id)
                                   .options(selectinload(Exemplar.module)).order_by(Exemplar.id)))
