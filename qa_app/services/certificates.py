"""Certificates: issued when an agent passes a course's quiz, listed and printed for those who may
see the agent's training, verified by anyone with the code, and renewed by a new assignment before
they expire (the dates: training.certificates)."""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Optional

from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Assignment, Certificate, User
from qa_app.models.base import as_utc
from qa_app.services import NotFound, ServiceError, audit, training
from qa_app.settings import settings as instance_settings
from training import certificates as rules
from training.reasons import CERTIFICATE_EXPIRES

OPEN = ("assigned", "overdue")


def issue(a: Assignment, score: Optional[float], now: Optional[datetime] = None) -> Certificate:
    """The certificate of a passed assignment, in the caller's transaction (no commit); once per
    assignment (a second call returns the first)."""
    existing = db.session.scalar(db.select(Certificate).where(Certificate.assignment_id == a.id))
    if existing is not None:
        return existing
    now = clock.or_now(now)
    certificate = Certificate(code=_new_code(), assignment_id=a.id, agent_id=a.agent_id, course_id=a.course_id,
                              score=score, issued_at=now, expires_at=rules.expiry(now, a.course.certificate_months))
    db.session.add(certificate)
    db.session.flush()
    audit.record(None, "issue", "certificate", certificate.id,
                 after={"agent": a.agent.login, "course": a.course.code, "code": certificate.code})
    return certificate


def _new_code() -> str:
    while True:
        code = rules.format_code(secrets.token_bytes(8))
        if db.session.scalar(db.select(Certificate.id).where(Certificate.code == code)) is None:
            return code


def state_of(certificate: Certificate, now: Optional[datetime] = None) -> str:
    return rules.state(as_utc(certificate.expires_at), clock.or_now(now), instance_settings().certificate_renew_days,
                       revoked=certificate.revoked_at is not None)


def verify(typed_code: str, now: Optional[datetime] = None) -> Optional[dict]:
    """What the public verification page shows for a code (None: no such certificate): the agent's
    name, the course, when it was issued and until when it is valid, and its state. Nothing else
    about the agent is shown."""
    code = rules.normalise_code(typed_code)
    if not code:
        return None
    c = db.session.scalar(db.select(Certificate).where(Certificate.code == code)
                          .options(joinedload(Certificate.agent), joinedload(Certificate.course)))
    if c is None:
        return None
    return {"code": c.code, "holder": c.agent.name or c.agent.login, "course": c.course.title,
            "issued_at": as_utc(c.issued_at), "expires_at": as_utc(c.expires_at), "state": state_of(c, now)}


def visible_to(user: User, agent_id: Optional[int] = None) -> list[Certificate]:
    """The certificates `user` may see (as for assignments: agents their own, leads and reviewers
    their teams', HR and admins all), newest first."""
    query = training.visible_to(db.select(Certificate).join(User, Certificate.agent_id == User.id), user)
    if agent_id is not None:
        query = query.where(Certificate.agent_id == agent_id)
    return list(db.session.scalars(query.options(joinedload(Certificate.agent), joinedload(Certificate.course))
                                   .order_by(Certificate.issued_at.desc(), Certificate.id.desc())))


def get_for(user: User, certificate_id: int) -> Certificate:
    """The certificate when `user` may see its assignment, else NotFound (same answer as no certificate)."""
    c = db.session.get(Certificate, certificate_id)
    if c is None:
        raise NotFound(_("certificate not found"))
    training.get_assignment_for(user, c.assignment_id)  # NotFound when not theirs to see
    return c


def renew_due(now: Optional[datetime] = None) -> dict:
    """Assign the course again to every holder of an expiring (or expired) certificate who has no
    renewal yet, due when the certificate expires (at least a day away); commits. Idempotent: a
    certificate gets one renewal. Returns {"renewals": n}."""
    now = clock.or_now(now)
    renew_days = instance_settings().certificate_renew_days
    made = 0
    rows = db.session.scalars(db.select(Certificate).where(
        Certificate.renewal_id.is_(None), Certificate.revoked_at.is_(None), Certificate.expires_at.is_not(None))
        .options(joinedload(Certificate.agent), joinedload(Certificate.course)).order_by(Certificate.id))
    for c in rows:
        if not c.agent.active or not rules.renewal_due(as_utc(c.expires_at), now, renew_days):
            continue
        if _superseded(c):
            continue
        days = max(1, (as_utc(c.expires_at) - now).days)
        try:
            renewal = training.assign_course(None, c.agent.login, c.course.code, due_days=days,
                                             reason=CERTIFICATE_EXPIRES.format(code=c.code, day=f"{as_utc(c.expires_at):%Y-%m-%d}"),
                                             now=now, commit=False)
        except ServiceError:  # the course is open already: that assignment renews it
            renewal = _open_assignment(c)
        c.renewal_id = renewal.id
        made += 1
    db.session.commit()
    return {"renewals": made}


def _superseded(c: Certificate) -> bool:
    """A newer certificate of the same agent and course makes this one's renewal unnecessary."""
    return db.session.scalar(db.select(Certificate.id).where(
        Certificate.agent_id == c.agent_id, Certificate.course_id == c.course_id,
        Certificate.issued_at > c.issued_at)) is not None


def _open_assignment(c: Certificate) -> Assignment:
    return db.session.scalar(db.select(Assignment).where(
        Assignment.agent_id == c.agent_id, Assignment.course_id == c.course_id, Assignment.status.in_(OPEN))
        .order_by(Assignment.id.desc()))
