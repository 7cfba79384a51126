"""Who is told of what outside training and coaching: calibration invitations, disputes opened and
answered, and the appraisal steps. Each function builds the rows and hands them to
notifications.record (no commit: the calling service commits once, with its own change).
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterable, Optional

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Appraisal, CalibrationSession, Dispute, User
from qa_app.permissions import roles_with
from qa_app.services import notifications


def _row(user: User, kind: str, key: str, at: datetime, **params) -> dict:
    return {"user": user, "kind": kind, "key": key, "params": params, "at": at}


def covering(team_id: Optional[int], roles: Iterable[str]) -> list[User]:
    """Active users of `roles` who cover the team (a lead of the team included)."""
    people = db.session.scalars(db.select(User).where(User.role.in_(tuple(roles)), User.active.is_(True))
                                .order_by(User.id))
    return [u for u in people if team_id is not None and team_id in u.covered_team_ids()]


def calibration_invited(session: CalibrationSession, now: Optional[datetime] = None) -> int:
    """Each rater of a new session, the lead who made it excepted."""
    at = clock.or_now(now)
    lead = session.created_by.name or session.created_by.login
    return notifications.record(
        _row(r, "calibration_invited", f"calibration_invited:{session.id}:{r.id}", at, calibration_id=session.id,
             name=session.name, lead=lead, deadline=session.deadline.isoformat(), items=len(session.items))
        for r in session.raters if r.id != session.created_by_id)


def dispute_opened(dispute: Dispute) -> int:
    """The assignee, or (none chosen) the leads covering the agent's team."""
    agent = dispute.agent
    told = [dispute.assignee] if dispute.assignee is not None else covering(agent.team_id, roles_with("resolve_any_dispute"))
    return notifications.record(
        _row(u, "dispute_opened", f"dispute_opened:{dispute.id}:{u.id}", dispute.created_at, dispute_id=dispute.id,
             agent=agent.name or agent.login, conversation=dispute.conversation.external_id)
        for u in told if u is not None)


def dispute_answered(dispute: Dispute) -> int:
    """The agent who opened it, with the outcome."""
    resolver = dispute.assignee
    return notifications.record([_row(
        dispute.agent, "dispute_answered", f"dispute_answered:{dispute.id}", dispute.resolved_at or clock.now(),
        dispute_id=dispute.id, outcome=dispute.status, reason=dispute.outcome_reason,
        resolver=(resolver.name or resolver.login) if resolver else "",
        conversation=dispute.conversation.external_id)])


def appraisal_step(row: Appraisal, step: str, now: Optional[datetime] = None) -> int:
    """An appraisal moved on: `self_assessed` tells the agent's leads, `proposed` and `contested` tell HR."""
    at = clock.or_now(now)
    if step == "self_assessed":
        told = covering(row.agent.team_id, roles_with("propose_appraisals"))
    else:
        told = list(db.session.scalars(db.select(User).where(User.role.in_(roles_with("finalise_appraisals")),
                                                             User.active.is_(True))))
    return notifications.record(
        _row(u, f"appraisal_{step}", f"appraisal_{step}:{row.id}:{u.id}:{at.isoformat()}", at, appraisal_id=row.id,
             period=row.period, agent=row.agent.name or row.agent.login, rating=row.proposed_rating or "")
        for u in told)
