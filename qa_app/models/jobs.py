"""Background jobs as rows, and the lease that lets exactly one scheduler run."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qa_app.extensions import db
from qa_app.models.base import utcnow


class Job(db.Model):
    """One run of a job; `key` makes enqueuing idempotent (e.g. "mark_overdue:2026-11-23")."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60), index=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    result: Mapped[Optional[dict]] = mapped_column(JSON)
    error: Mapped[Optional[str]] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[Optional[datetime]]
    finished_at: Mapped[Optional[datetime]]
    # Set only by a distributed worker's claim and renewed while it runs; a running job whose
    # lease has passed was left by a worker that died, and another worker may claim it.
    lease_until: Mapped[Optional[datetime]]


class SchedulerLease(db.Model):
    """A single row per lease name; the holder renews it, another process may take it once it expires."""

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[datetime]
