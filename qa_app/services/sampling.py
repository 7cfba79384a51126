"""Weekly review sampling: load the week's automatically scored conversations, pick, store reviewer queues."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Optional

from flask_babel import gettext as _

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Conversation, Evaluation, ReviewPick, User
from qa_app.models.base import as_utc
from qa_app.services import ServiceError, audit
from qa_app.settings import settings as instance_settings
from scoring.sampling import (REASONS, RANDOM, Candidate, Reviewer, SamplingError, SamplingSettings,
                              parse_week, pick_week, week_of)

DUE_AFTER_WEEK = timedelta(days=2)
STATUSES = ("pending", "done")
PICK_REASONS = (RANDOM, *REASONS)


@dataclass(frozen=True)
class WeekSample:
    week: str
    created: bool  # False: the week had been sampled before, these are its stored picks
    picks: list[ReviewPick]


def week_bounds(week: str) -> tuple[datetime, datetime]:
    """(Monday 00:00 UTC, next Monday 00:00 UTC) of an ISO week; ServiceError for a malformed week."""
    try:
        start, end = parse_week(week)
    except SamplingError as exc:
        raise ServiceError(str(exc)) from None
    return _midnight(start), _midnight(end)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=timezone.utc)


def current_week(now: Optional[datetime] = None) -> str:
    return week_of(clock.or_now(now).date())


def previous_week(now: Optional[datetime] = None) -> str:
    return week_of(clock.or_now(now).date() - timedelta(days=7))


def sample_week(week: str, actor: Optional[User] = None, seed: Optional[int] = None) -> WeekSample:
    """Build the week's reviewer queues once: a week that already has picks keeps them (nothing added).

    Candidates are the conversations started in the week whose final evaluation is automatic.
    Picks are due at the end of the week plus two days. The random choices are seeded with the
    week (or `seed`), so the same data gives the same queues.
    """
    start, end = week_bounds(week)
    existing = picks_of_week(week)
    if existing:
        return WeekSample(week, False, existing)
    candidates = load_candidates(start, end)
    try:
        chosen = pick_week(candidates, load_reviewers(), settings(), random.Random(seed if seed is not None
                                                                                  else f"sample:{week}"))
    except SamplingError as exc:
        raise ServiceError(str(exc)) from None
    logins = {r.login: r for r in db.session.scalars(db.select(User).where(User.role == "reviewer"))}
    rows = [ReviewPick(week=week, conversation_id=p.conversation_id, reviewer_id=logins[p.reviewer].id,
                       reasons=list(p.reasons), stratum=p.stratum, random_pick=p.random, status="pending",
                       due_at=end + DUE_AFTER_WEEK) for p in chosen]
    db.session.add_all(rows)
    audit.record(actor, "sample", "review_week", None,
                 after={"week": week, "picks": len(rows), "candidates": len(candidates)})
    db.session.commit()
    return WeekSample(week, True, picks_of_week(week))


def load_candidates(start: datetime, end: datetime) -> list[Candidate]:
    """Conversations started in [start, end) whose final evaluation is automatic and that no human reviewed."""
    reviewed = db.select(Evaluation.conversation_id).where(Evaluation.kind == "human")
    query = (db.select(Conversation, Evaluation)
             .join(Evaluation, Evaluation.conversation_id == Conversation.id)
             .where(Evaluation.is_final.is_(True), Evaluation.kind == "auto",
                    Conversation.started_at >= start, Conversation.started_at < end,
                    Conversation.id.not_in(reviewed))
             .order_by(Conversation.id))
    return [_candidate(conv, ev) for conv, ev in db.session.execute(query)]


def _candidate(conv: Conversation, ev: Evaluation) -> Candidate:
    meta = conv.meta or {}
    sentiment = meta.get("sentiment") or {}
    return Candidate(conversation_id=conv.id, agent=conv.agent.login,
                     team=conv.agent.team.name if conv.agent.team else None, channel=conv.channel,
                     queue=conv.queue, auto_score=ev.score, auto_fail=ev.auto_fail,
                     end_sentiment=_number(sentiment.get("end")),
                     longest_silence=longest_silence(meta.get("metrics") or {}), csat=conv.csat)


def longest_silence(metrics: dict) -> Optional[float]:
    """Calls: the longest silence; chats: the longest wait for an agent's reply (seconds)."""
    if metrics.get("kind") == "call":
        return _number((metrics.get("silence") or {}).get("longest"))
    if metrics.get("kind") == "chat":
        return _number((metrics.get("response_times") or {}).get("max"))
    return None


def _number(value) -> Optional[float]:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def load_reviewers() -> list[Reviewer]:
    """Active users with the reviewer role, weighted by QADESK_REVIEWER_WEIGHTS, with the teams they cover."""
    weights = dict(instance_settings().reviewer_weights)
    users = db.session.scalars(db.select(User).where(User.role == "reviewer", User.active.is_(True))
                               .order_by(User.login))
    return [Reviewer(u.login, weights.get(u.login, 1.0), frozenset(t.name for t in u.covers)) for u in users]


def settings() -> SamplingSettings:
    config = instance_settings()
    try:
        return SamplingSettings(quota_per_agent=config.sample_quota, random_share=config.sample_random_share)
    except (SamplingError, ValueError) as exc:
        raise ServiceError(_("sampling settings (%(names)s): %(error)s",
                              names="QADESK_SAMPLE_QUOTA, QADESK_SAMPLE_RANDOM_SHARE", error=exc)) from None


def picks_of_week(week: str) -> list[ReviewPick]:
    return list(db.session.scalars(db.select(ReviewPick).where(ReviewPick.week == week)
                                   .order_by(ReviewPick.id)))


def pick_document(pick: ReviewPick) -> dict:
    """The JSON shape of a pick, as `qadesk sample --json` prints it."""
    return {"conversation": pick.conversation.external_id, "conversation_id": pick.conversation_id,
            "agent": pick.conversation.agent.login, "reviewer": pick.reviewer.login,
            "reasons": list(pick.reasons or []), "random": pick.random_pick, "stratum": pick.stratum,
            "status": pick.status, "due_at": as_utc(pick.due_at).isoformat()}


def reviewer_picks(user: User, week: str, reason: Optional[str] = None,
                   status: Optional[str] = None) -> list[ReviewPick]:
    """The user's picks of a week, optionally only those with `reason` or in `status`; pending first,
    the soonest due first."""
    week_bounds(week)
    if reason is not None and reason not in PICK_REASONS:
        raise ServiceError(_("reason: must be one of %(reasons)s, not %(reason)r", reasons=", ".join(PICK_REASONS),
                             reason=reason))
    if status is not None and status not in STATUSES:
        raise ServiceError(_("status: must be pending or done, not %(status)r", status=status))
    query = db.select(ReviewPick).where(ReviewPick.reviewer_id == user.id, ReviewPick.week == week)
    if status:
        query = query.where(ReviewPick.status == status)
    rows = db.session.scalars(query.order_by(ReviewPick.status.desc(), ReviewPick.due_at, ReviewPick.id))
    return [p for p in rows if reason is None or reason in (p.reasons or [])]


def progress(user: User, week: str) -> tuple[int, int]:
    """(done, total) of the user's picks in the week."""
    statuses = list(db.session.scalars(db.select(ReviewPick.status).where(
        ReviewPick.reviewer_id == user.id, ReviewPick.week == week)))
    return sum(s == "done" for s in statuses), len(statuses)


def weeks_of(user: User) -> list[str]:
    """Weeks in which the user has picks, newest first."""
    return list(db.session.scalars(db.select(ReviewPick.week).where(ReviewPick.reviewer_id == user.id)
                                   .distinct().order_by(ReviewPick.week.desc())))


def mark_reviewed(conversation_id: int) -> int:
    """Mark the conversation's pending picks done (no commit: part of the review's transaction)."""
    result = db.session.execute(db.update(ReviewPick).where(
        ReviewPick.conversation_id == conversation_id, ReviewPick.status == "pending").values(status="done"))
    return result.rowcount
