"""Notifications: recording them once (by key), the bell (unread count, list, mark read), and their
e-mail copies, delivered by the scheduler's beat through SMTP when it is configured.

A notification is always shown in the app; its e-mail copy is "pending" when SMTP is configured
and the user has an address, else "none". The scheduler delivers pending copies (and retries
failed ones up to MAX_EMAIL_ATTEMPTS) in the user's language; a delivery that fails keeps its
error for the admin's Jobs page and the next beat tries again.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Iterable, Optional

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Notification, User
from qa_app.services import mailer, pagination
from qa_app.services.notification_texts import Text, text_of

log = logging.getLogger(__name__)
MAX_EMAIL_ATTEMPTS = 5
DEFAULT_LOCALE = "en"


def locale_of(user: User) -> str:
    """The language a user reads: their own choice, else their team's, else English."""
    return user.locale or (user.team.language if user.team and user.team.language else None) or DEFAULT_LOCALE


def record(rows: Iterable[dict]) -> int:
    """Store notifications given as dicts (user, kind, key, params, assignment_id, at; `shown` False
    for a superseded one, which is neither shown nor mailed), skipping keys already stored, with
    one statement however many (a scoring batch announces its new assignments). No commit.
    Returns how many were new."""
    rows = list(rows)
    if not rows:
        return 0
    known = set(db.session.scalars(db.select(Notification.key).where(Notification.key.in_([r["key"] for r in rows]))))
    mail, now, values = mailer.enabled(), clock.now(), []
    for r in rows:
        if r["key"] in known:
            continue
        known.add(r["key"])
        shown, user = r.get("shown", True), r["user"]
        values.append({"user_id": user.id, "kind": r["kind"], "key": r["key"], "params": r.get("params", {}),
                       "assignment_id": r.get("assignment_id"), "shown": shown, "read_at": None,
                       "email": "superseded" if not shown else ("pending" if mail and user.email else "none"),
                       "email_attempts": 0, "created_at": r.get("at") or now})
    if values:
        db.session.execute(Notification.__table__.insert(), values)
    return len(values)


def unread_count(user: User) -> int:
    return db.session.scalar(db.select(db.func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.shown.is_(True), Notification.read_at.is_(None))) or 0


def for_user(user: User, limit: int = 50) -> list[tuple[Notification, Text]]:
    """The user's latest notifications with their words in the user's language, newest first."""
    rows = db.session.scalars(db.select(Notification).where(
        Notification.user_id == user.id, Notification.shown.is_(True))
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit))
    locale = locale_of(user)
    return [(n, text_of(n.kind, n.params, locale)) for n in rows]


def page_for_user(user: User, page: int = 1, per_page: int = pagination.PER_PAGE) -> pagination.Page:
    """One page of for_user's order, (notification, text) pairs, with the true number shown to the user."""
    found = pagination.paginate(db.select(Notification).where(
        Notification.user_id == user.id, Notification.shown.is_(True))
        .order_by(Notification.created_at.desc(), Notification.id.desc()), page, per_page)
    locale = locale_of(user)
    return replace(found, items=[(n, text_of(n.kind, n.params, locale)) for n in found.items])


def mark_read(user: User, ids: Optional[Iterable[int]] = None, now: Optional[datetime] = None) -> int:
    """Mark the user's notifications read (all unread ones when `ids` is None); only their own."""
    query = db.update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if ids is not None:
        query = query.where(Notification.id.in_(list(ids)))
    changed = db.session.execute(query.values(read_at=clock.or_now(now))).rowcount
    db.session.commit()
    return changed


def deliver_pending(now: Optional[datetime] = None, base_url: str = "") -> dict:
    """Mail every pending (or failed, not yet given up) copy; one commit per message, so a stop
    keeps what was sent. Returns {"sent": n, "failed": n}."""
    if not mailer.enabled():
        return {"sent": 0, "failed": 0}
    ids = list(db.session.scalars(db.select(Notification.id).where(
        Notification.email.in_(("pending", "failed")), Notification.email_attempts < MAX_EMAIL_ATTEMPTS)
        .order_by(Notification.id)))
    counts = {"sent": 0, "failed": 0}
    for notification_id in ids:
        counts["sent" if _deliver(db.session.get(Notification, notification_id), now, base_url) else "failed"] += 1
    return counts


def _deliver(n: Notification, now: Optional[datetime], base_url: str) -> bool:
    user = n.user
    if not user.email or not user.active:
        n.email = "none"
        db.session.commit()
        return True
    text = text_of(n.kind, n.params, locale_of(user))
    body = text.body + (f"\n\n{base_url.rstrip('/')}{text.link}" if text.link and base_url else "")
    n.email_attempts += 1
    try:
        mailer.send(user.email, text.subject, body, to_name=user.name or user.login)
    except mailer.MailError as exc:
        n.email, n.email_error = "failed", str(exc)
        log.warning("e-mail to %s for notification %s failed: %s", user.login, n.id, exc)
        db.session.commit()
        return False
    n.email, n.email_error, n.emailed_at = "sent", None, clock.or_now(now)
    db.session.commit()
    return True
