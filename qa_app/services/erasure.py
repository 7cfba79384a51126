"""Erasing one customer's data on request, and the transcript retention job.

What is erased and what is kept (docs/deployment.md, "Erasure and retention"):
- erased: every turn's text (replaced by ERASED_TEXT; speaker, order, timings and sentiment
  stay so evidence links and scores still point somewhere), the customer field, the source file
  name, conversation metadata other than the agent's KPI facts (KEPT_META), the stored call
  recording, survey comments, and exemplars pinned from the conversations (their text is gone);
- kept: the conversations' ids, agent, channel, dates and CSAT, evaluations and their scores
  and reviewers' comments, disputes and appraisals: the agent's performance record HR relies on.
The audit log is append-only: earlier entries are not changed. The erasure's own entry holds
conversation ids and counts and a SHA-256 of the customer id, never the id or any text.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Optional

from flask_babel import gettext as _

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Conversation, Exemplar, Survey, Turn, User
from qa_app.services import NotFound, ServiceError, audit
from qa_app.settings import settings as instance_settings

ERASED_TEXT = "[erased]"
KEPT_META = ("complaint", "metrics")  # the agent's KPI facts (appraisal_facts), not about the customer
RETENTION_BATCH = 500


@dataclass(frozen=True)
class ErasureReport:
    """What an erasure erased (or, with dry_run, would erase), by kind of data."""

    conversations: list[str] = field(default_factory=list)  # external ids
    turns: int = 0
    audio_files: int = 0
    survey_comments: int = 0
    exemplars: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def _customer_hash(customer: str) -> str:
    return hashlib.sha256(customer.encode("utf-8")).hexdigest()


def _count(conv_ids: list[int]) -> dict:
    from qa_app.services import transcription
    convs = list(db.session.scalars(db.select(Conversation).where(Conversation.id.in_(conv_ids))
                                    .order_by(Conversation.id)))
    return {"conversations": [c.external_id for c in convs],
            "turns": db.session.scalar(db.select(db.func.count(Turn.id)).where(
                Turn.conversation_id.in_(conv_ids), Turn.text != ERASED_TEXT)) or 0,
            "audio_files": sum(1 for c in convs if transcription.audio_path_for(c) is not None),
            "survey_comments": db.session.scalar(db.select(db.func.count(Survey.id)).where(
                Survey.conversation_id.in_(conv_ids), Survey.comment.is_not(None))) or 0,
            "exemplars": db.session.scalar(db.select(db.func.count(Exemplar.id)).where(
                Exemplar.conversation_id.in_(conv_ids))) or 0}


def _erase_rows(conv_ids: list[int]) -> None:
    """Anonymise the conversations `conv_ids` in the session (no commit)."""
    from qa_app.services import rollups, transcription
    rollups.mark_ids(conv_ids)  # the end mood leaves with the metadata: the dashboards' days are summed again
    for conv in db.session.scalars(db.select(Conversation).where(Conversation.id.in_(conv_ids))):
        path = transcription.audio_path_for(conv)
        if path is not None:
            path.unlink(missing_ok=True)
        conv.customer, conv.source, conv.audio_sha256 = None, None, None
        conv.meta = {k: v for k, v in (conv.meta or {}).items() if k in KEPT_META}
    db.session.execute(db.update(Turn).where(Turn.conversation_id.in_(conv_ids)).values(text=ERASED_TEXT))
    db.session.execute(db.update(Survey).where(Survey.conversation_id.in_(conv_ids))
                       .values(comment=None, comment_sentiment=None))
    db.session.execute(db.delete(Exemplar).where(Exemplar.conversation_id.in_(conv_ids)))


def erase_customer(customer: str, actor: Optional[User] = None, dry_run: bool = False) -> ErasureReport:
    """Erase every conversation of `customer` (Conversation.customer, exact) as the module says,
    with one audit entry, in one commit; with `dry_run` only report what would be erased.
    NotFound when no conversation names the customer (also after an earlier erasure)."""
    customer = (customer or "").strip()
    if not customer:
        raise ServiceError(_("give the customer's id as stored with the conversations (--customer)"))
    conv_ids = list(db.session.scalars(db.select(Conversation.id).where(Conversation.customer == customer)))
    if not conv_ids:
        raise NotFound(_("no conversation of customer %(customer)s is stored (nothing to erase)",
                         customer=repr(customer)))
    report = ErasureReport(**_count(conv_ids), dry_run=dry_run)
    if dry_run:
        return report
    _erase_rows(conv_ids)
    audit.record(actor, "erase_customer", "customer", None,
                 after={"customer_sha256": _customer_hash(customer), "conversation_ids": sorted(conv_ids),
                        **{k: v for k, v in report.as_dict().items() if k not in ("conversations", "dry_run")}})
    db.session.commit()
    return report


def purge_transcripts(now: Optional[datetime] = None) -> dict:
    """Erase conversations that started (or, without a start, were ingested) more than
    QADESK_TRANSCRIPT_RETENTION_DAYS ago, as erase_customer does; 0 keeps them. Idempotent: erased
    turns are not counted again. One audit entry per run that erased something."""
    days = instance_settings().transcript_retention_days
    if days == 0:
        return {"erased": 0}
    cutoff = clock.or_now(now) - timedelta(days=days)
    started = db.func.coalesce(Conversation.started_at, Conversation.ingested_at)
    pending = (db.select(Conversation.id).join(Turn, Turn.conversation_id == Conversation.id)
               .where(started < cutoff, Turn.text != ERASED_TEXT).distinct().order_by(Conversation.id))
    erased: list[int] = []
    while batch := list(db.session.scalars(pending.limit(RETENTION_BATCH))):
        _erase_rows(batch)
        db.session.commit()
        erased += batch
    if erased:
        audit.record(None, "purge_transcripts", "conversation", None,
                     after={"days": days, "cutoff": cutoff.isoformat(), "conversations": len(erased)})
        db.session.commit()
    return {"erased": len(erased)}
