"""The evidence pack of an appraisal: each KPI's evidence ids resolved to what they are (a
conversation with its score, a course, a dispute, a coaching action) and where the viewer opens them.

Every evidence item belongs to the appraised agent, whom the viewer may see (services.appraisals),
so the only further filter is by role: a link is given only for pages the viewer's role opens (HR
reads no transcripts and no disputes, so those items show without a link).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from qa_app.extensions import db
from qa_app.models import Assignment, CoachingAction, Conversation, Course, Dispute, Evaluation, QuizAttempt, User
from qa_app.permissions import can

Pair = tuple[str, int]


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence: `label` to show; `endpoint` and `args` for url_for, or None when the
    viewer may not open it (or it no longer exists)."""

    kind: str
    id: int
    label: str
    endpoint: Optional[str] = None
    args: Optional[dict] = None


def _ids(pairs: Iterable[Pair], kind: str) -> list[int]:
    return sorted({i for k, i in pairs if k == kind})


def _evaluations(ids, transcripts: bool) -> dict[Pair, EvidenceItem]:
    rows = db.session.execute(db.select(Evaluation.id, Evaluation.score, Evaluation.kind, Conversation.id,
                                        Conversation.external_id)
                              .join(Conversation, Conversation.id == Evaluation.conversation_id)
                              .where(Evaluation.id.in_(ids)))
    return {("evaluation", ev_id): EvidenceItem(
        "evaluation", ev_id, f"{external} · {score:.1f} ({kind})",
        "conversations.detail" if transcripts else None, {"conversation_id": conv_id} if transcripts else None)
        for ev_id, score, kind, conv_id, external in rows}


def _conversations(ids, transcripts: bool) -> dict[Pair, EvidenceItem]:
    rows = db.session.execute(db.select(Conversation.id, Conversation.external_id, Conversation.csat)
                              .where(Conversation.id.in_(ids)))
    return {("conversation", conv_id): EvidenceItem(
        "conversation", conv_id, external + (f" · CSAT {csat}" if csat is not None else ""),
        "conversations.detail" if transcripts else None, {"conversation_id": conv_id} if transcripts else None)
        for conv_id, external, csat in rows}


def _assignments(ids, training: bool) -> dict[Pair, EvidenceItem]:
    rows = db.session.execute(db.select(Assignment.id, Course.code, Assignment.status, Assignment.due_at)
                              .join(Course, Course.id == Assignment.course_id).where(Assignment.id.in_(ids)))
    return {("assignment", a_id): EvidenceItem(
        "assignment", a_id, f"{code} · {status} · {due:%Y-%m-%d}", "training.course" if training else None,
        {"assignment_id": a_id} if training else None) for a_id, code, status, due in rows}


def _attempts(ids, training: bool) -> dict[Pair, EvidenceItem]:
    rows = db.session.execute(db.select(QuizAttempt.id, QuizAttempt.score, Assignment.id, Course.code)
                              .join(Assignment, Assignment.id == QuizAttempt.assignment_id)
                              .join(Course, Course.id == Assignment.course_id).where(QuizAttempt.id.in_(ids)))
    return {("attempt", at_id): EvidenceItem(
        "attempt", at_id, f"{code} · {score:.0f}", "training.course" if training else None,
        {"assignment_id": a_id} if training else None) for at_id, score, a_id, code in rows}


def _disputes(ids, transcripts: bool) -> dict[Pair, EvidenceItem]:
    rows = db.session.execute(db.select(Dispute.id, Dispute.status, Conversation.external_id)
                              .join(Conversation, Conversation.id == Dispute.conversation_id).where(Dispute.id.in_(ids)))
    return {("dispute", d_id): EvidenceItem(
        "dispute", d_id, f"{external} · {status}", "disputes.detail" if transcripts else None,
        {"dispute_id": d_id} if transcripts else None) for d_id, status, external in rows}


def _actions(ids, coaching: bool) -> dict[Pair, EvidenceItem]:
    rows = db.session.execute(db.select(CoachingAction.id, CoachingAction.session_id, CoachingAction.text,
                                        CoachingAction.done_at).where(CoachingAction.id.in_(ids)))
    return {("coaching_action", a_id): EvidenceItem(
        "coaching_action", a_id, text[:80] + (" ✓" if done else ""), "coaching.detail" if coaching else None,
        {"session_id": s_id} if coaching else None) for a_id, s_id, text, done in rows}


def resolve(viewer: User, pairs: Iterable[Pair]) -> dict[Pair, EvidenceItem]:
    """(kind, id) -> EvidenceItem for every pair, with a few queries whatever their number; a pair whose
    row is gone (a deleted conversation) gets an item without a link saying so."""
    pairs = [(str(k), int(i)) for k, i in pairs]
    transcripts, training = can(viewer, "read_transcripts"), can(viewer, "read_training")
    loaders = (("evaluation", _evaluations, transcripts), ("conversation", _conversations, transcripts),
               ("assignment", _assignments, training), ("attempt", _attempts, training),
               ("dispute", _disputes, transcripts), ("coaching_action", _actions, can(viewer, "read_coaching")))
    found: dict[Pair, EvidenceItem] = {}
    for kind, load, allowed in loaders:
        ids = _ids(pairs, kind)
        if ids:
            found.update(load(ids, allowed))
    for kind, i in pairs:
        found.setdefault((kind, i), EvidenceItem(kind, i, f"{kind} {i} (no longer stored)"))
    return found
