"""Appraisal templates (kept as versions) and appraisals: one per agent and period, drafted from the
figures, commented by the agent and the lead, finalised by HR as a frozen snapshot."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_app.extensions import db
from qa_app.models.base import utcnow
from qa_app.models.users import User


class AppraisalTemplateVersion(db.Model):
    """One version of one template, kept for good; the highest version of a code is in force.

    `definition` holds the template mapping of training.appraisal_templates (the YAML form)."""

    __table_args__ = (UniqueConstraint("code", "version", name="uq_appraisal_template_code_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), index=True)
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    definition: Mapped[dict] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))

    created_by: Mapped[Optional[User]] = relationship()


class Appraisal(db.Model):
    """An agent's appraisal for a period (2026-11, 2026-Q4, 2026); state draft | review | final.

    `snapshot` holds every KPI with value, n, target, rating and evidence ids (training.appraisal_snapshot);
    drafting rewrites it until HR finalises, when it is frozen with the final rating."""

    __table_args__ = (UniqueConstraint("agent_id", "period", name="uq_appraisal_agent_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    period: Mapped[str] = mapped_column(String(10), index=True)
    template_version_id: Mapped[int] = mapped_column(ForeignKey("appraisal_template_version.id"))
    state: Mapped[str] = mapped_column(String(8), default="draft", index=True)
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)
    drafted_at: Mapped[datetime] = mapped_column(default=utcnow)
    self_assessment: Mapped[str] = mapped_column(Text, default="")
    lead_comment: Mapped[str] = mapped_column(Text, default="")
    proposed_rating: Mapped[Optional[str]] = mapped_column(String(40))
    proposed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    final_rating: Mapped[Optional[str]] = mapped_column(String(40))
    finalised_at: Mapped[Optional[datetime]]
    finalised_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    acknowledged_at: Mapped[Optional[datetime]]
    agent_comment: Mapped[Optional[str]] = mapped_column(Text)
    contested: Mapped[bool] = mapped_column(default=False)
    contest_reason: Mapped[Optional[str]] = mapped_column(Text)

    agent: Mapped[User] = relationship(foreign_keys=[agent_id])
    template_version: Mapped[AppraisalTemplateVersion] = relationship()
    proposed_by: Mapped[Optional[User]] = relationship(foreign_keys=[proposed_by_id])
    finalised_by: Mapped[Optional[User]] = relationship(foreign_keys=[finalised_by_id])
