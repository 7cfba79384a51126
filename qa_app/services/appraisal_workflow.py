"""The appraisal workflow's steps, each one use case: the agent's self-assessment, the lead's
comments and proposed rating, HR's finalise (a frozen snapshot) and reopen (with a reason), and the
agent's acknowledgement, comment or contest of a finalised appraisal. Each checks the role and the
state, audits the change with the values before and after, and commits once (docs/appraisals.md).
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Appraisal, User
from qa_app.permissions import can
from qa_app.services import ServiceError, appraisals, audit, notices, notifications

OPEN = ("draft", "review")


def _text(value: Optional[str], field: str, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ServiceError(f"{field}: is required")
    if len(text) > appraisals.TEXT_LIMIT:
        raise ServiceError(f"{field}: at most {appraisals.TEXT_LIMIT} characters, not {len(text)}")
    return text


def _own(user: User, appraisal_id: int, states: tuple[str, ...]) -> Appraisal:
    row = appraisals.get_for(user, appraisal_id)
    if not can(user, "self_assess") or row.agent_id != user.id:
        raise ServiceError("only the appraised agent may do this")
    _in_state(row, states)
    return row


def _in_state(row: Appraisal, states: tuple[str, ...]) -> None:
    if row.state not in states:
        raise ServiceError(f"the appraisal is {row.state}; this needs it {' or '.join(states)}")


def _audit(actor: User, action: str, row: Appraisal, before: dict, fields: tuple[str, ...]) -> None:
    after = {f: getattr(row, f) for f in fields}
    audit.record(actor, action, "appraisal", row.id, before=_plain(before), after=_plain(after))


def _plain(values: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}


def _snapshot_of(row: Appraisal, fields: tuple[str, ...]) -> dict:
    return {f: getattr(row, f) for f in fields}


def self_assess(agent: User, appraisal_id: int, text: Optional[str]) -> Appraisal:
    """The agent's own account of the period, while the appraisal is a draft or in review."""
    row = _own(agent, appraisal_id, OPEN)
    before = _snapshot_of(row, ("self_assessment",))
    row.self_assessment = _text(text, "self_assessment")
    _audit(agent, "self_assess", row, before, ("self_assessment",))
    notices.appraisal_step(row, "self_assessed")
    db.session.commit()
    return row


def propose(lead: User, appraisal_id: int, comment: Optional[str], rating: Optional[str]) -> Appraisal:
    """The lead's comments and proposed rating (a band of the template); the appraisal goes to review."""
    row = appraisals.get_for(lead, appraisal_id)
    if not can(lead, "propose_appraisals"):
        raise ServiceError("only the agent's lead proposes a rating")
    _in_state(row, OPEN)
    rating = _rating(row, rating, "proposed_rating")
    fields = ("lead_comment", "proposed_rating", "state")
    before = _snapshot_of(row, fields)
    row.lead_comment, row.proposed_rating, row.proposed_by, row.state = _text(comment, "lead_comment"), rating, lead, "review"
    _audit(lead, "propose", row, before, fields)
    notices.appraisal_step(row, "proposed")
    db.session.commit()
    return row


def _rating(row: Appraisal, rating: Optional[str], field: str) -> str:
    bands = appraisals.bands_of(row)
    chosen = (rating or "").strip()
    if not chosen:
        raise ServiceError(f"{field}: give one of {', '.join(bands)} (the figures have too little data for a band)")
    if chosen not in bands:
        raise ServiceError(f"{field}: must be one of {', '.join(bands)}, not {chosen!r}")
    return chosen


def finalise(hr: User, appraisal_id: int, rating: Optional[str] = None, now: Optional[datetime] = None) -> Appraisal:
    """Freeze the figures as they are now and sign them with the final rating: the one given, else
    the lead's proposal, else the band the figures give. Tells the agent."""
    row = appraisals.get_for(hr, appraisal_id)
    if not can(hr, "finalise_appraisals"):
        raise ServiceError("only HR finalises appraisals")
    _in_state(row, OPEN)
    now = clock.or_now(now)
    snap = appraisals.live_snapshot(row, now)
    chosen = _rating(row, rating or row.proposed_rating or snap.get("band"), "final_rating")
    fields = ("state", "final_rating", "finalised_at")
    before = _snapshot_of(row, fields)
    row.snapshot, row.final_rating, row.state = snap, chosen, "final"
    row.finalised_at, row.finalised_by, row.acknowledged_at = now, hr, None
    _audit(hr, "finalise", row, before, fields)
    notifications.record([{"user": row.agent, "kind": "appraisal_final", "at": now,
                           "key": f"appraisal_final:{row.id}:{now.isoformat()}",
                           "params": {"period": row.period, "rating": chosen, "appraisal_id": row.id}}])
    db.session.commit()
    return row


def reopen(hr: User, appraisal_id: int, reason: Optional[str], now: Optional[datetime] = None) -> Appraisal:
    """Reopen a finalised appraisal for review, with a reason (kept in the audit log); its figures
    are drafted afresh from then on and it needs finalising and acknowledging again."""
    row = appraisals.get_for(hr, appraisal_id)
    if not can(hr, "finalise_appraisals"):
        raise ServiceError("only HR reopens appraisals")
    _in_state(row, ("final",))
    why = _text(reason, "reason", required=True)
    fields = ("state", "final_rating", "finalised_at", "acknowledged_at", "contested")
    before = _snapshot_of(row, fields)
    row.state, row.final_rating, row.finalised_at, row.finalised_by = "review", None, None, None
    row.acknowledged_at, row.contested = None, False
    _audit(hr, "reopen", row, before, fields)
    audit.record(hr, "reopen_reason", "appraisal", row.id, after={"reason": why, "at": clock.or_now(now).isoformat()})
    db.session.commit()
    return row


def acknowledge(agent: User, appraisal_id: int, comment: Optional[str] = None,
                now: Optional[datetime] = None) -> Appraisal:
    """The agent has read their finalised appraisal; an optional comment goes with it."""
    row = _own(agent, appraisal_id, ("final",))
    fields = ("acknowledged_at", "agent_comment")
    before = _snapshot_of(row, fields)
    row.acknowledged_at = clock.or_now(now)
    text = _text(comment, "comment")
    if text:
        row.agent_comment = text
    _audit(agent, "acknowledge", row, before, fields)
    db.session.commit()
    return row


def contest(agent: User, appraisal_id: int, reason: Optional[str], now: Optional[datetime] = None) -> Appraisal:
    """The agent contests their finalised appraisal with a reason (it also counts as acknowledged);
    HR sees the flag and may reopen it."""
    row = _own(agent, appraisal_id, ("final",))
    fields = ("contested", "contest_reason", "acknowledged_at")
    before = _snapshot_of(row, fields)
    row.contested, row.contest_reason = True, _text(reason, "reason", required=True)
    row.acknowledged_at = row.acknowledged_at or clock.or_now(now)
    _audit(agent, "contest", row, before, fields)
    notices.appraisal_step(row, "contested", now)
    db.session.commit()
    return row
