"""Blind calibration sessions: leads pick conversations and raters, raters answer alone, results after close.

Coverage: a session is visible to a user only when every one of its conversations is (admins see
all); its raters must cover every conversation too. A session counts as closed once a lead closed
it or its deadline passed (training.calibration_sessions.effective_status): reading never writes;
the scheduled job `close_calibration` stores the closure of overdue sessions, audited, once.
Results, the session page and the alignment trend are in calibration_results, which imports this.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Mapping, Optional

from flask_babel import gettext as _

from qa_app.permissions import can, roles_with
from qa_app import clock
from qa_app.extensions import db
from qa_app.models import (CalibrationAnswer, CalibrationItem, CalibrationSession, Conversation, Evaluation,
                           ScorecardVersion, User)
from qa_app.models.base import as_utc
from qa_app.services import NotFound, ServiceError, audit, conversations, evaluations, notices, review, rule_runs, scorecards
from qa_app.services.review_sheet import translated
from scoring.formula import total_score
from scoring.result import RESULTS, CriterionResult, EvaluationResult
from training import calibration_sessions as rules

LEADS = roles_with("manage_calibration")
RATER_ROLES = roles_with("rate_calibration")
AUTOMATIC = "automatic"  # the automatic scorer's rater name in results
POINTS = {"pass": 1.0, "fail": 0.0, "na": None}


class NotAllowed(ServiceError):
    """The user may see the session but not do this to it (HTTP 403)."""


@dataclass(frozen=True)
class CriterionInfo:
    """One criterion of an item's scorecard version: what a rater answers and what it weighs."""

    id: str
    section_id: str
    title: str
    weight: float
    critical: bool


# --- the effective status -----------------------------------------------------------------------

def status_of(session: CalibrationSession, now: Optional[datetime] = None) -> str:
    """"open" or "closed" as the session stands at `now` (closed by a lead, or past its deadline)."""
    return rules.effective_status(session.status, session.deadline, clock.or_now(now))


def is_closed(session: CalibrationSession, now: Optional[datetime] = None) -> bool:
    return status_of(session, now) == "closed"


def closed_at_of(session: CalibrationSession, now: Optional[datetime] = None) -> Optional[datetime]:
    """When the session closed (by hand, or at its deadline); None while it is open."""
    return rules.effective_closed_at(session.status, session.closed_at, session.deadline, clock.or_now(now))


# --- coverage -----------------------------------------------------------------------------------

def _visible_conversations(user: User):
    return db.select(Conversation.id).where(conversations.visibility_filter(user))


def session_filter(user: User):
    """A WHERE clause on CalibrationSession: sessions `user` may open (leads and admins: those whose
    conversations they all may see; reviewers: those they rate, on the same condition)."""
    if can(user, "sees_everything"):
        return db.true()
    covered = ~CalibrationSession.items.any(CalibrationItem.conversation_id.not_in(_visible_conversations(user)))
    if user.role in LEADS:
        return covered
    if user.role in RATER_ROLES:
        return covered & CalibrationSession.raters.any(User.id == user.id)
    return db.false()


def is_rater(user: User, session: CalibrationSession) -> bool:
    return any(r.id == user.id for r in session.raters)


def get_visible(user: User, session_id: int) -> CalibrationSession:
    """The session if `user` may open it; NotFound otherwise (no hint that it exists)."""
    session = db.session.scalar(db.select(CalibrationSession).where(
        CalibrationSession.id == session_id, session_filter(user)))
    if session is None:
        raise NotFound(_("calibration session not found"))
    return session


def list_sessions(user: User) -> list[CalibrationSession]:
    """Sessions the user may open, newest first. Reading changes nothing."""
    return list(db.session.scalars(db.select(CalibrationSession).where(session_filter(user))
                                   .order_by(CalibrationSession.created_at.desc(), CalibrationSession.id.desc())))


def may_close(user: User, session: CalibrationSession) -> bool:
    """Only the session's creator, or an admin, closes it."""
    return can(user, "sees_everything") or (user.role in LEADS and user.id == session.created_by_id)


# --- creating -----------------------------------------------------------------------------------

def create_session(lead: User, name: str, conversation_ids: Iterable[int], rater_logins: Iterable[str],
                   deadline: datetime, benchmark_login: Optional[str] = None,
                   now: Optional[datetime] = None) -> CalibrationSession:
    """A new open session; the automatic scorer answers each item at once from its latest automatic
    evaluation. The benchmark, when given, is added to the raters. Every conversation must be
    visible to the lead and to every rater. Raises ServiceError on bad input."""
    _require_lead(lead)
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("a session needs a name"))
    deadline = as_utc(deadline)
    if deadline is None or deadline <= clock.or_now(now):
        raise ServiceError(_("the deadline must be in the future"))
    convs = _conversations_for(lead, conversation_ids)
    logins = _unique([*(rater_logins or ()), *([benchmark_login] if benchmark_login else [])])
    raters = [_rater(login, convs) for login in logins]
    if not raters:
        raise ServiceError(_("choose at least one rater"))
    session = CalibrationSession(name=name, created_by_id=lead.id, deadline=deadline, raters=raters,
                                 benchmark_id=_rater(benchmark_login, convs).id if benchmark_login else None)
    db.session.add(session)
    for conv in convs:
        item = CalibrationItem(conversation=conv)
        session.items.append(item)
        _add_auto_answer(item, conv)
    db.session.flush()
    audit.record(lead, "calibration_create", "calibration_session", session.id, after={
        "name": name, "conversations": [c.external_id for c in convs], "raters": logins,
        "benchmark": benchmark_login, "deadline": deadline.isoformat()})
    notices.calibration_invited(session, now)
    db.session.commit()
    return session


def _require_lead(user: User) -> None:
    if user.role not in LEADS:
        raise ServiceError(_("only leads and admins manage calibration sessions"))


def _unique(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        v = (v or "").strip()
        if v and v not in out:
            out.append(v)
    return out


def _rater(login: str, convs: list[Conversation]) -> User:
    user = db.session.scalar(db.select(User).where(User.login == login))
    if user is None:
        raise NotFound(_("no user with login %(login)r", login=login))
    if user.role not in RATER_ROLES or not user.active:
        raise ServiceError(_("%(login)s: raters must be active reviewers or leads", login=login))
    if login == AUTOMATIC:
        raise ServiceError(_("%(login)r is the automatic scorer's name in results; choose another rater", login=login))
    hidden = [c.external_id for c in convs if not conversations.covers_agent(user, c.agent)]
    if hidden:
        raise ServiceError(_("%(login)s: does not cover the team of conversation %(conversations)s; choose raters "
                             "who may see every conversation", login=login, conversations=", ".join(hidden)))
    return user


def _conversations_for(lead: User, ids: Iterable[int]) -> list[Conversation]:
    convs, seen = [], set()
    for cid in ids or ():
        if cid in seen:
            continue
        seen.add(cid)
        conv = conversations.get_visible(lead, cid)
        if conversations.final_evaluation(conv.id) is None:
            raise ServiceError(_("%(conversation)s: not scored yet, so it has no criteria to calibrate",
                                 conversation=conv.external_id))
        convs.append(conv)
    if not convs:
        raise ServiceError(_("choose at least one conversation"))
    return convs


def conversation_ids_for(user: User, external_ids: Iterable[str]) -> list[int]:
    """Internal ids of conversations `user` may see, named by external id; NotFound naming the first
    unknown or hidden one (the same message for both, so nothing hints that a hidden one exists)."""
    ids = []
    for external_id in _unique(external_ids):
        conv = db.session.scalar(db.select(Conversation).where(
            Conversation.external_id == external_id, conversations.visibility_filter(user)))
        if conv is None:
            raise NotFound(_("no conversation with id %(id)r", id=external_id))
        ids.append(conv.id)
    return ids


def _add_auto_answer(item: CalibrationItem, conv: Conversation) -> None:
    auto = db.session.scalar(db.select(Evaluation).where(
        Evaluation.conversation_id == conv.id, Evaluation.kind == "auto")
        .order_by(Evaluation.created_at.desc(), Evaluation.id.desc()))
    if auto is None:
        return
    criteria = criteria_of(conv.id)
    known = {c.id for c in criteria}
    answers = {c.criterion_id: c.result for c in auto.criteria if c.criterion_id in known}
    item.answers.append(CalibrationAnswer(rater_id=None, is_auto=True, answers=answers,
                                          score=answer_score(criteria, answers)))


def criteria_of(conversation_id: int) -> tuple[CriterionInfo, ...]:
    """The criteria of the scorecard version of the conversation's final evaluation (no access
    check: callers pass a conversation of a session the user may see)."""
    final = conversations.final_evaluation(conversation_id)
    if final is None:
        raise NotFound(_("this conversation has not been scored yet"))
    return _version_criteria(final.scorecard_version)


def item_criteria(user: User, session_id: int, conversation_id: int) -> tuple[CriterionInfo, ...]:
    """The criteria of one item of a session `user` may see; NotFound for anything else."""
    _item(get_visible(user, session_id), conversation_id)
    return criteria_of(conversation_id)


def _version_criteria(version: ScorecardVersion) -> tuple[CriterionInfo, ...]:
    """The version's criteria, titled in the request's language as the review page titles them
    (review_sheet.translated; the id stands in for a missing title)."""
    card = scorecards.scorecard_of(version)
    return tuple(CriterionInfo(c.id, s.id, translated(c.title or "") or c.id, c.weight, c.critical)
                 for s, c in card.criteria())


def _results(criteria: Iterable[CriterionInfo], answers: Mapping[str, str]) -> list[CriterionResult]:
    return [CriterionResult(criterion_id=c.id, section_id=c.section_id, result=answers[c.id],
                            score=POINTS[answers[c.id]], weight=c.weight, critical=c.critical)
            for c in criteria if c.id in answers]


def answer_score(criteria: Iterable[CriterionInfo], answers: Mapping[str, str]) -> float:
    """The total score of a set of answers, by the one score formula (a critical fail scores 0)."""
    return total_score(_results(criteria, answers))[0]


def check_answers(criteria: tuple[CriterionInfo, ...], answers: Mapping[str, str]) -> dict[str, str]:
    """The answers, cleaned; ServiceError naming unknown, missing or invalid criteria."""
    known = {c.id for c in criteria}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise ServiceError(_("unknown criterion: %(criteria)s", criteria=", ".join(unknown)))
    clean = {c.id: (answers.get(c.id) or "").strip() for c in criteria}
    missing = [cid for cid, v in clean.items() if not v]
    if missing:
        raise ServiceError(_("answer every criterion; missing: %(criteria)s", criteria=", ".join(missing)))
    bad = [cid for cid, v in clean.items() if v not in RESULTS]
    if bad:
        raise ServiceError(_("%(criteria)s: the answer must be pass, fail or na", criteria=", ".join(bad)))
    return clean


# --- answering, closing -------------------------------------------------------------------------

def submit_answers(rater: User, session_id: int, conversation_id: int, answers: Mapping[str, str],
                   now: Optional[datetime] = None) -> CalibrationAnswer:
    """Store (or replace) the rater's answers on one item of an open session before its deadline.

    The audit entry records that an answer was given or replaced, not its content, so the audit
    log cannot break the blind before the session closes.
    """
    now = clock.or_now(now)
    session = get_visible(rater, session_id)
    if not is_rater(rater, session):
        raise ServiceError(_("you are not a rater in this session"))
    if is_closed(session, now):
        raise ServiceError(_("this session is closed; answers can no longer change"))
    item = _item(session, conversation_id)
    criteria = criteria_of(conversation_id)
    clean = check_answers(criteria, answers)
    row = next((a for a in item.answers if a.rater_id == rater.id), None)
    replaced = row is not None
    if row is None:
        row = CalibrationAnswer(rater_id=rater.id, is_auto=False)
        item.answers.append(row)
    row.answers, row.score, row.submitted_at = clean, answer_score(criteria, clean), now
    audit.record(rater, "calibration_answer", "calibration_item", item.id,
                 after={"session": session.id, "conversation": item.conversation.external_id,
                        "replaced": replaced})
    db.session.commit()
    return row


def _item(session: CalibrationSession, conversation_id: int) -> CalibrationItem:
    item = next((i for i in session.items if i.conversation_id == conversation_id), None)
    if item is None:
        raise NotFound(_("this conversation is not part of the session"))
    return item


def _close(session: CalibrationSession, actor: Optional[User], closed_at: datetime, now: datetime) -> None:
    session.status, session.closed_at = "closed", closed_at
    answered = sum(1 for item in session.items for a in item.answers if not a.is_auto)
    entry = audit.record(actor, "calibration_close", "calibration_session", session.id,
                         before={"status": "open"}, after={"status": "closed", "answers": answered,
                                                           "by_deadline": actor is None})
    entry.at = now


def close_session(lead: User, session_id: int, now: Optional[datetime] = None) -> CalibrationSession:
    """Close an open session now (its creator, or an admin); its results become visible."""
    _require_lead(lead)
    now = clock.or_now(now)
    session = get_visible(lead, session_id)
    if not may_close(lead, session):
        raise NotAllowed(_("only the lead who created this session, or an admin, may close it"))
    if is_closed(session, now):
        raise ServiceError(_("this session is already closed"))
    _close(session, lead, now, now)
    db.session.commit()
    return session


def close_overdue(now: Optional[datetime] = None) -> int:
    """Store the closure of every open session whose deadline has passed (the scheduled job `close_calibration`).

    Each is closed as of its deadline and audited (no user: "by_deadline"); committed once.
    Running it again closes nothing more. Returns how many it closed.
    """
    now = clock.or_now(now)
    candidates = db.session.scalars(db.select(CalibrationSession).where(
        CalibrationSession.status == "open", CalibrationSession.deadline <= now)).all()
    overdue = [s for s in candidates if rules.is_overdue(s.status, s.deadline, now)]
    for session in overdue:
        _close(session, None, as_utc(session.deadline), now)
    db.session.commit()
    return len(overdue)


def answered_items(user: User, session: CalibrationSession) -> int:
    """How many of the session's items `user` has answered."""
    return sum(1 for i in session.items for a in i.answers if a.rater_id == user.id)


# --- the calibrated answer ----------------------------------------------------------------------

def set_calibrated(lead: User, session_id: int, conversation_id: int, answers: Mapping[str, str],
                   now: Optional[datetime] = None) -> Evaluation:
    """The lead's calibrated answers become the conversation's final (human) evaluation.

    Only on closed sessions the lead may see (so only on conversations they cover). Audited; the
    training rules run again on the new final score. Conflict when another evaluation of the
    conversation became final meanwhile.
    """
    _require_lead(lead)
    session = get_visible(lead, session_id)
    if not is_closed(session, now):
        raise ServiceError(_("close the session before setting the calibrated answers"))
    item = _item(session, conversation_id)
    base = conversations.final_evaluation(conversation_id)
    criteria = criteria_of(conversation_id)
    clean = check_answers(criteria, answers)
    results = [CriterionResult(criterion_id=r.criterion_id, section_id=r.section_id, result=r.result,
                               score=r.score, weight=r.weight, critical=r.critical,
                               comment=f"calibrated in session {session.name}")
               for r in _results(criteria, clean)]
    score, auto_fail, sections = total_score(results)
    version = base.scorecard_version
    result = EvaluationResult(scorecard=version.name, version=version.version, score=score,
                              auto_fail=auto_fail, criteria=tuple(results), section_scores=sections)
    with review.saving_final(conversation_id, base.id):
        ev = evaluations.publish_final(item.conversation, version, result, kind="human", action="calibration",
                                       actor=lead, based_on=base, source="calibration", now=now,
                                       expected_final_id=base.id, audit_extra={"session": session.id})
        item.calibrated_evaluation_id = ev.id
        rule_runs.apply_rules([conversation_id], now)
        db.session.commit()
    return ev


# --- choices for the create form ----------------------------------------------------------------

def eligible_raters() -> list[User]:
    """Active reviewers and leads, by login."""
    return list(db.session.scalars(db.select(User).where(
        User.role.in_(RATER_ROLES), User.active.is_(True)).order_by(User.login)))


def recent_candidates(user: User, limit: int = 50) -> list[tuple[Conversation, Evaluation]]:
    """Recent conversations the user may see that have a final evaluation (reviewed or scored)."""
    query = (db.select(Conversation, Evaluation)
             .join(Evaluation, Evaluation.conversation_id == Conversation.id)
             .where(Evaluation.is_final.is_(True), conversations.visibility_filter(user))
             .order_by(Evaluation.created_at.desc(), Conversation.id.desc()).limit(limit))
    return [(c, e) for c, e in db.session.execute(query)]
