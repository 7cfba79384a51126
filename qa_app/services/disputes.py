"""Disputes: an agent contests a final evaluation; a lead or another reviewer accepts, partly accepts or rejects it."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from typing import Iterable, Iterator, Mapping, Optional

from flask_babel import gettext as _
from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from qa_app.permissions import can, roles_with
from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Conversation, Dispute, Evaluation, User
from qa_app.services import (NotFound, ServiceError, audit, conversations, evaluations, notices, pagination,
                             review, rule_runs)
from qa_app.settings import settings as instance_settings
from training import disputes as rules
from training.periods import PeriodError, parse_period

ANY_DISPUTE_ROLES = roles_with("resolve_any_dispute")  # besides the assignee, these resolve disputes they see


def window_days() -> int:
    """The QADESK_DISPUTE_DAYS setting: how many days after an evaluation an agent may dispute it."""
    return instance_settings().dispute_days


def _now(now: Optional[datetime]) -> datetime:
    return clock.or_now(now)


def refusal(user: User, ev: Evaluation, now: Optional[datetime] = None) -> Optional[str]:
    """Why `user` may not dispute `ev` now (in the request's language), or None when they may."""
    if ev.conversation.agent_id != user.id:
        return _("only the conversation's agent may dispute its evaluation")
    if not ev.is_final:
        return _("only the current final evaluation can be disputed")
    days = window_days()
    if not rules.within_window(ev.created_at, _now(now), days):
        return _("the evaluation is more than %(days)s days old and can no longer be disputed", days=days)
    if open_dispute_of(ev.id) is not None:
        return _("this evaluation already has an open dispute")
    return None


def open_dispute_of(evaluation_id: int) -> Optional[Dispute]:
    return db.session.scalar(db.select(Dispute).where(Dispute.evaluation_id == evaluation_id,
                                                      Dispute.status == "open"))


def open_dispute(agent: User, evaluation_id: int, comment: str, criteria: Iterable[str] = (),
                 now: Optional[datetime] = None) -> Dispute:
    """Open a dispute on the agent's own final evaluation (whole, or the named criteria) and assign it.

    NotFound when the user may not see the evaluation; ServiceError for every broken rule, and
    when a dispute sent at the same moment (a double submit) was opened first: the database's
    unique index uq_dispute_one_open refuses the second, which stores nothing.
    """
    ev = db.session.get(Evaluation, evaluation_id) if evaluation_id else None
    if ev is None:
        raise NotFound(_("evaluation not found"))
    conversations.get_visible(agent, ev.conversation_id)
    reason = refusal(agent, ev, now)
    if reason:
        raise ServiceError(reason)
    if not (comment or "").strip():
        raise ServiceError(_("a comment is required"))
    chosen = list(dict.fromkeys(c.strip() for c in criteria if c and c.strip()))
    unknown = sorted(set(chosen) - {c.criterion_id for c in ev.criteria})
    if unknown:
        raise ServiceError(_("unknown criterion: %(criteria)s", criteria=", ".join(unknown)))
    dispute = Dispute(evaluation_id=ev.id, conversation_id=ev.conversation_id, agent_id=agent.id,
                      criteria=chosen, comment=comment.strip(), assignee_id=_resolver_for(ev),
                      created_at=_now(now))
    with _one_open_dispute():
        db.session.add(dispute)
        db.session.flush()
        entry = audit.record(agent, "dispute_open", "dispute", dispute.id, after=_dispute_summary(dispute))
        entry.at = dispute.created_at
        notices.dispute_opened(dispute)
        db.session.commit()
    return dispute


@contextmanager
def _one_open_dispute() -> Iterator[None]:
    """Wrap the writes of a new dispute: a second open dispute the database refuses (a racing
    double submit won) is rolled back and becomes a ServiceError. A write lock held too long is
    not caught here: the app answers it with the styled 503 page that keeps what was typed."""
    try:
        yield
    except IntegrityError as exc:
        db.session.rollback()
        if "uq_dispute_one_open" not in str(exc.orig) and "dispute.evaluation_id" not in str(exc.orig):
            raise
        raise ServiceError(_("this evaluation already has an open dispute")) from exc


def _resolver_for(ev: Evaluation) -> Optional[int]:
    """Who gets the dispute (see training.disputes.choose_resolver); None leaves it to the leads and admins."""
    agent = ev.conversation.agent
    loads = dict(db.session.execute(db.select(Dispute.assignee_id, db.func.count(Dispute.id))
                                    .where(Dispute.status == "open").group_by(Dispute.assignee_id)).all())
    people = db.session.scalars(db.select(User).where(User.role.in_(roles_with("resolve_assigned_disputes")),
                                                      User.active.is_(True)))
    candidates = [rules.ResolverCandidate(u.id, u.role, _coverage(u, agent.team_id), loads.get(u.id, 0))
                  for u in people]
    return rules.choose_resolver(candidates, {i for i in (ev.reviewer_id, agent.id) if i is not None})


def _coverage(user: User, team_id: Optional[int]) -> str:
    """How `user` covers an agent of `team_id`, following conversations.visibility_filter."""
    teams = user.covered_team_ids()
    if team_id is not None and team_id in teams:
        return "team"
    return "all" if not teams or team_id is None else "none"


def visibility_filter(user: User):
    """Disputes `user` may see: agents their own, reviewers those assigned to them, leads also the
    disputes on conversations they may see, admins all; HR none."""
    if can(user, "sees_everything"):
        return db.true()
    if can(user, "own_data_only"):
        return Dispute.agent_id == user.id
    if user.role == "reviewer":
        return Dispute.assignee_id == user.id
    if user.role == "lead":
        return or_(Dispute.assignee_id == user.id, conversations.visibility_filter(user))
    return db.false()


def list_disputes(user: User, status: Optional[str] = None, conversation_id: Optional[int] = None,
                  limit: int = 500) -> list[Dispute]:
    """The disputes `user` may see, open ones first, then newest first."""
    return list(db.session.scalars(_listed(user, status, conversation_id).limit(limit)))


def page_disputes(user: User, status: Optional[str] = None, page: int = 1,
                  per_page: int = pagination.PER_PAGE) -> pagination.Page:
    """One page of list_disputes' order with the true number of disputes `user` may see."""
    return pagination.paginate(_listed(user, status, None), page, per_page)


def _listed(user: User, status: Optional[str], conversation_id: Optional[int]):
    query = (db.select(Dispute).join(Conversation, Dispute.conversation_id == Conversation.id)
             .where(visibility_filter(user)))
    if status:
        query = query.where(Dispute.status == status)
    if conversation_id is not None:
        query = query.where(Dispute.conversation_id == conversation_id)
    return query.order_by((Dispute.status != "open"), Dispute.created_at.desc(), Dispute.id.desc())


def get_dispute(user: User, dispute_id: int) -> Dispute:
    """The dispute if `user` may see it; NotFound otherwise."""
    row = db.session.scalar(db.select(Dispute).join(Conversation, Dispute.conversation_id == Conversation.id)
                            .where(Dispute.id == dispute_id, visibility_filter(user)))
    if row is None:
        raise NotFound(_("dispute not found"))
    return row


def may_resolve(user: User, dispute: Dispute) -> bool:
    """The assignee, or a lead or admin; never the reviewer of the disputed evaluation nor the agent."""
    if user.id in (dispute.evaluation.reviewer_id, dispute.agent_id):
        return False
    if user.id == dispute.assignee_id and user.role in review.REVIEWER_ROLES:
        return True
    return user.role in ANY_DISPUTE_ROLES


def resolve_dispute(user: User, dispute_id: int, outcome: str, reason: str,
                    decisions: Optional[Mapping[str, Mapping[str, str]]] = None,
                    now: Optional[datetime] = None) -> Dispute:
    """Decide an open dispute; changed criteria are republished as a new final human evaluation.

    `decisions` has the review page's shape (criterion id -> {"result", "comment"}); criteria
    left out keep their result and comment. Accepting needs a changed criterion, rejecting none
    (training.disputes.check_outcome). The change and the outcome are audited, training rules
    re-run, and everything committed once.
    """
    dispute = get_dispute(user, dispute_id)
    if dispute.status != "open":
        raise ServiceError(_("this dispute is already resolved"))
    if not may_resolve(user, dispute):
        raise ServiceError(_("only the assignee, or a lead or admin who did not make the evaluation, "
                             "may resolve this dispute"))
    base = dispute.evaluation
    full = {c.criterion_id: {"result": c.result, "comment": c.comment} for c in base.criteria}
    full.update(decisions or {})
    result = review.rescored(base, full)
    changed = {new.criterion_id for new, old in zip(result.criteria, base.criteria) if new.result != old.result}
    try:
        status = rules.check_outcome(outcome, reason, changed, dispute.criteria or [])
    except rules.DisputeRuleError as exc:
        raise ServiceError(str(exc)) from exc
    before, at = _dispute_summary(dispute), _now(now)
    with review.saving_final(base.conversation_id, base.id):
        if changed:
            dispute.resulting_evaluation_id = _republish(user, base, result, at).id
        dispute.status, dispute.outcome_reason, dispute.resolved_at = status, reason.strip(), at
        dispute.assignee_id = user.id  # the resolver, so statistics credit who decided
        audit.record(user, "dispute_resolve", "dispute", dispute.id, before=before,
                     after=_dispute_summary(dispute)).at = at
        notices.dispute_answered(dispute)
        db.session.commit()
    return dispute


def _republish(user: User, base: Evaluation, result, at: datetime) -> Evaluation:
    """The new final human evaluation of a dispute, audited like a review, with training rules re-run."""
    if not base.is_final:
        raise ServiceError(_("the disputed evaluation is no longer the final one (the conversation was evaluated "
                             "again); reject this dispute with a reason, the agent may dispute the new one"))
    conv = base.conversation
    ev = evaluations.publish_final(conv, base.scorecard_version, result, kind="human", action="dispute",
                                   actor=user, based_on=base, source="dispute", now=at,
                                   expected_final_id=base.id)
    rule_runs.apply_rules([conv.id], at)
    return ev


def _dispute_summary(d: Dispute) -> dict:
    return {"evaluation": d.evaluation_id, "criteria": list(d.criteria or []), "status": d.status,
            "assignee": d.assignee_id, "reason": d.outcome_reason or "", "result": d.resulting_evaluation_id}


def stats(period_label: Optional[str] = None,
          viewer: Optional[User] = None) -> tuple[Optional[str], rules.DisputeStats]:
    """Dispute statistics over the disputes `viewer` may see (visibility_filter: a lead their teams'
    and those assigned to them; None: all), or those about conversations of a period ("2026-11",
    "2026-Q4", "2026").

    Returns the normalised period label (None for all time) and the statistics.
    """
    period = None
    if period_label:
        try:
            period = parse_period(period_label)
        except PeriodError as exc:
            raise ServiceError(str(exc)) from exc
    # a dispute counts in the period of the conversation it is about, like the evaluation it contests
    resolver = aliased(User)  # not User itself: visibility_filter's subqueries select from User
    rows = db.session.execute(db.select(Dispute.status, Dispute.created_at, Dispute.resolved_at, resolver.login,
                                        Conversation.started_at)
                              .join(Evaluation, Dispute.evaluation_id == Evaluation.id)
                              .join(Conversation, Evaluation.conversation_id == Conversation.id)
                              .outerjoin(resolver, Dispute.assignee_id == resolver.id)
                              .where(visibility_filter(viewer) if viewer is not None else db.true())).all()
    records = [rules.ResolvedDispute(status=s, created_at=c, resolved_at=r, resolver=login if s != "open" else None)
               for s, c, r, login, started in rows if period is None or period.contains(started)]
    return (period.label if period else None), rules.dispute_stats(records)
