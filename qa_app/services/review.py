"""Human review: reviewers agree with or override each criterion; the result becomes the final score."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from typing import Iterator, Mapping, Optional

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError, OperationalError

from qa_app.permissions import roles_with
from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Conversation, CriterionScore, Evaluation, ReviewPick, User
from qa_app.models.base import as_utc
from qa_app.services import (NotFound, ServiceError, audit, conversations, database_busy, evaluations, pagination,
                             sampling, rule_runs)
from qa_app.services.evaluations import Conflict
from scoring.formula import total_score
from scoring.result import RESULTS, CriterionResult, Evidence, EvaluationResult

REVIEWER_ROLES = roles_with("review")
#: the longest overall comment a review keeps (a page of text; more is refused, never cut)
MAX_COMMENT = 5000


def review_queue(user: User, limit: int = 200) -> list[tuple[Conversation, Evaluation]]:
    """Visible conversations whose final evaluation is still automatic, lowest score first."""
    return [(c, e) for c, e in db.session.execute(_queue_query(user).order_by(*QUEUE_ORDER).limit(limit))]


def review_queue_page(user: User, page: int = 1, per_page: int = pagination.PER_PAGE) -> pagination.Page:
    """One page of review_queue's order, (conversation, evaluation) rows, with the true total.

    The queue is sorted by evaluation id alone and only the page's rows are then loaded: sorting
    every waiting conversation's whole row (transcript metadata and all) cost twice as much at depth."""
    ids = pagination.paginate(_queue_query(user).with_only_columns(Evaluation.id).order_by(*QUEUE_ORDER),
                              page, per_page)
    rows = {e.id: (c, e) for c, e in db.session.execute(
        db.select(Conversation, Evaluation).join(Evaluation, Evaluation.conversation_id == Conversation.id)
        .where(Evaluation.id.in_(ids.items)))} if ids.items else {}
    return replace(ids, items=[rows[i] for i in ids.items])


def waiting_count(user: User) -> int:
    """How many conversations review_queue holds for `user`, however many there are."""
    return pagination.count(_queue_query(user))


# critical failures, then the lowest scores, then the newest; unknown starts last and the id breaks
# ties, so the order is total on every engine and no row falls between two pages
QUEUE_ORDER = (Evaluation.auto_fail.desc(), Evaluation.score, *pagination.order_by(conversations.LIST_ORDER))


def _queue_query(user: User):
    return (db.select(Conversation, Evaluation)
            .join(Evaluation, Evaluation.conversation_id == Conversation.id)
            .where(Evaluation.is_final.is_(True), Evaluation.kind == "auto",
                   conversations.visibility_filter(user), Conversation.agent_id != user.id))


def _to_result(row: CriterionScore) -> CriterionResult:
    return CriterionResult(
        criterion_id=row.criterion_id, section_id=row.section_id, result=row.result, score=row.score,
        weight=row.weight, critical=row.critical, explanation=row.explanation, comment=row.comment,
        evidence=tuple(Evidence(turn=e.get("turn"), text=e.get("text", "")) for e in row.evidence or []))


def apply_decisions(base: list[CriterionResult],
                    decisions: Mapping[str, Mapping[str, str]]) -> list[CriterionResult]:
    """The base results with the reviewer's decisions applied.

    `decisions` maps criterion id -> {"result": pass|fail|na, "comment": str}; a missing
    criterion means agreement. Overriding a result needs a comment.
    """
    known = {r.criterion_id for r in base}
    unknown = sorted(set(decisions) - known)
    if unknown:
        raise ServiceError(_("unknown criterion: %(criteria)s", criteria=", ".join(unknown)))
    out = []
    for r in base:
        d = decisions.get(r.criterion_id) or {}
        result = d.get("result") or r.result
        comment = (d.get("comment") or "").strip()
        if result not in RESULTS:
            raise ServiceError(_("%(criterion)s: result must be pass, fail or na, not %(result)r",
                                     criterion=r.criterion_id, result=result))
        if result == r.result:
            out.append(replace(r, comment=comment))
            continue
        if not comment:
            raise ServiceError(_("%(criterion)s: a comment is required to override the result", criterion=r.criterion_id))
        score = {"pass": 1.0, "fail": 0.0, "na": None}[result]
        out.append(replace(r, result=result, score=score, comment=comment))
    return out


def rescored(base: Evaluation, decisions: Mapping[str, Mapping[str, str]]) -> EvaluationResult:
    """`base` with the decisions applied (as apply_decisions) and its totals recomputed; shared by
    reviews and dispute resolutions so both score the same way."""
    results = apply_decisions([_to_result(c) for c in base.criteria], decisions)
    score, auto_fail, sections = total_score(results)
    fails = tuple(r.criterion_id for r in results if r.critical and r.result == "fail")
    return EvaluationResult(scorecard=base.scorecard_version.name, version=base.scorecard_version.version,
                            score=score, auto_fail=auto_fail, criteria=tuple(results),
                            section_scores=sections, fail_reasons=fails)


class Busy(Conflict):
    """The database stayed busy (another long write) and the save could not be done (HTTP 409)."""

    def __init__(self):
        self.by, self.at = None, None
        ServiceError.__init__(self, _("the database was busy and nothing was saved; save again in a moment"))


@contextmanager
def saving_final(conversation_id: int, base_id: Optional[int]) -> Iterator[None]:
    """Wrap the writes and the commit of a save that publishes a final evaluation based on `base_id`.

    Whatever the database refuses is rolled back and becomes Conflict, never a half-stored save or
    a bare 500: a second final evaluation of the conversation (the unique index
    uq_evaluation_one_final, a save that raced ours) names who saved; a write lock held past the
    busy timeout is Conflict when the final evaluation changed meanwhile, else Busy.
    """
    try:
        yield
    except Conflict:
        db.session.rollback()
        raise
    except IntegrityError as exc:
        db.session.rollback()
        if "uq_evaluation_one_final" not in str(exc.orig) and "evaluation.conversation_id" not in str(exc.orig):
            raise
        raise evaluations.current_conflict(conversation_id) from exc
    except OperationalError as exc:
        db.session.rollback()
        if not database_busy(exc):
            raise
        current = conversations.final_evaluation(conversation_id)
        if current is not None and current.id != base_id:
            raise evaluations.current_conflict(conversation_id) from exc
        raise Busy() from exc


def submit_review(reviewer: User, conversation_id: int, decisions: Mapping[str, Mapping[str, str]],
                  now: Optional[datetime] = None, based_on_id: Optional[int] = None,
                  comment: str = "") -> Evaluation:
    """Store the reviewer's evaluation (with their overall `comment`) as final, audit the change,
    mark the conversation's review picks done, and re-run training rules.

    With `based_on_id` (the final evaluation the reviewer's form showed), Conflict is raised and
    nothing stored when the final evaluation is another one by now, even when two saves race
    (the switch is one conditional UPDATE, and the database holds at most one final evaluation
    per conversation), so nobody's review is silently overwritten.
    """
    if reviewer.role not in REVIEWER_ROLES:
        raise ServiceError(_("only reviewers, leads and admins review conversations"))
    conv = conversations.get_visible(reviewer, conversation_id)
    if conv.agent_id == reviewer.id:
        raise ServiceError(_("nobody reviews their own conversations"))
    base = conversations.final_evaluation(conv.id)
    if base is None:
        raise NotFound(_("this conversation has not been scored yet"))
    if based_on_id is not None and base.id != based_on_id:
        raise evaluations.current_conflict(conv.id)
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ServiceError(_("comment: at most %(n)d characters, not %(length)d", n=MAX_COMMENT,
                             length=len(comment)))
    result = rescored(base, decisions)
    with saving_final(conv.id, base.id):
        ev = evaluations.publish_final(conv, base.scorecard_version, result, kind="human", action="review",
                                       actor=reviewer, based_on=base, source="review", now=now,
                                       expected_final_id=base.id if based_on_id is not None else None,
                                       audit_extra={"comment": comment} if comment else None)
        ev.comment = comment
        sampling.mark_reviewed(conv.id)
        rule_runs.apply_rules([conv.id], now)
        db.session.commit()
    return ev


def next_to_review(user: User, queue_page: Optional[pagination.Page] = None) -> Optional[int]:
    """The conversation the reviewer should open next: their pending pick due soonest (of any
    week), else the top of review_queue; None when nothing waits. Read only. `queue_page`: a page
    of review_queue_page the caller has read for `user`; page 1 holds the top already (not asked again)."""
    pick = db.session.scalar(db.select(ReviewPick.conversation_id).join(
        Conversation, Conversation.id == ReviewPick.conversation_id).where(
        ReviewPick.reviewer_id == user.id, ReviewPick.status == "pending",
        conversations.visibility_filter(user)).order_by(ReviewPick.due_at, ReviewPick.id).limit(1))
    if pick is not None:
        return pick
    if queue_page is not None and queue_page.page == 1:
        return queue_page.items[0][0].id if queue_page.items else None
    row = db.session.execute(_queue_query(user).order_by(*QUEUE_ORDER).limit(1)).first()
    return row[0].id if row else None


def reviewed_by(user: User, limit: int = 50) -> list[Evaluation]:
    """The reviewer's latest human evaluations."""
    return list(db.session.scalars(db.select(Evaluation).where(
        Evaluation.reviewer_id == user.id, Evaluation.kind == "human")
        .order_by(Evaluation.created_at.desc()).limit(limit)))


def get_evaluation(ev_id: Optional[int]) -> Evaluation:
    ev = db.session.get(Evaluation, ev_id) if ev_id else None
    if ev is None:
        raise NotFound(_("evaluation not found"))
    return ev


def acknowledge(agent: User, conversation_id: int, evaluation_id: int,
                now: Optional[datetime] = None) -> Evaluation:
    """The conversation's agent acknowledges its final evaluation (audited; again is a no-op).

    Only the agent whose conversation it is may (NotFound for anyone else, as for any
    conversation they may not see); an evaluation that is no longer final is refused.
    """
    if agent.role != "agent":
        raise ServiceError(_("only the conversation's agent acknowledges its evaluation"))
    conv = conversations.get_visible(agent, conversation_id)
    final = conversations.final_evaluation(conv.id)
    if final is None or final.id != evaluation_id:
        raise ServiceError(_("this evaluation is no longer the final one; reload to see the current one"))
    if final.acknowledged_at is None:
        final.acknowledged_at = clock.or_now(now)
        audit.record(agent, "acknowledge", "evaluation", final.id, before={"acknowledged_at": None},
                     after={"acknowledged_at": as_utc(final.acknowledged_at).isoformat()})
        db.session.commit()
    return final
