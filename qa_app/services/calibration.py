"""Blind calibration sessions: leads pick conversations and raters, raters answer alone, results after close.

Deadlines close sessions lazily: every service function that reads or writes a session first
closes it (audited, committed) when its deadline has passed, so no page or job can show an open
session past its deadline, and no scheduler is needed for it to take effect.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable, Mapping, Optional

from qa_app.extensions import db
from qa_app.models import (CalibrationAnswer, CalibrationItem, CalibrationSession, Conversation, Evaluation,
                           ScorecardVersion, User)
from qa_app.models.base import as_utc
from qa_app.services import NotFound, ServiceError, audit, conversations, scorecards, training
from qa_app.services.scoring import make_final, new_evaluation
from scoring.formula import total_score
from scoring.result import RESULTS, CriterionResult, EvaluationResult

LEADS = ("lead", "admin")
RATER_ROLES = ("reviewer", "lead")
AUTOMATIC = "automatic"  # the automatic scorer's rater name in results
POINTS = {"pass": 1.0, "fail": 0.0, "na": None}


@dataclass(frozen=True)
class CriterionInfo:
    """One criterion of an item's scorecard version: what a rater answers and what it weighs."""

    id: str
    section_id: str
    title: str
    weight: float
    critical: bool


@dataclass(frozen=True)
class SessionPage:
    """What one user may see of a session. Before close: only their own answers (and, for leads
    and admins, how many items each rater answered); after close: the results too."""

    session: CalibrationSession
    closed: bool
    items: tuple[CalibrationItem, ...]
    criteria: Mapping[int, tuple[CriterionInfo, ...]]  # item id -> criteria
    own: Mapping[int, Mapping[str, str]]  # item id -> this user's answers
    progress: Optional[Mapping[str, int]] = None  # rater login -> items answered (leads/admins only)
    results: Optional["SessionResults"] = None  # closed sessions only
    can_answer: bool = False
    can_manage: bool = False


@dataclass(frozen=True)
class SessionResults:
    """A closed session's statistics; `answers[item_id][rater]` and `totals[item_id][rater]` per rater."""

    agreement: object  # scoring.agreement.SessionAgreement
    raters: tuple[str, ...]
    criterion_ids: tuple[str, ...]
    points: Mapping[str, float]
    answers: Mapping[int, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)
    totals: Mapping[int, Mapping[str, Optional[float]]] = field(default_factory=dict)
    consensus: Mapping[int, Mapping[str, Optional[str]]] = field(default_factory=dict)


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


# --- creating -----------------------------------------------------------------------------------

def create_session(lead: User, name: str, conversation_ids: Iterable[int], rater_logins: Iterable[str],
                   deadline: datetime, benchmark_login: Optional[str] = None,
                   now: Optional[datetime] = None) -> CalibrationSession:
    """A new open session; the automatic scorer answers each item at once from its latest automatic
    evaluation. The benchmark, when given, is added to the raters. Raises ServiceError on bad input."""
    _require_lead(lead)
    name = (name or "").strip()
    if not name:
        raise ServiceError("a session needs a name")
    deadline = as_utc(deadline)
    if deadline is None or deadline <= (now or now_utc()):
        raise ServiceError("the deadline must be in the future")
    convs = _conversations_for(lead, conversation_ids)
    logins = _unique([*(rater_logins or ()), *([benchmark_login] if benchmark_login else [])])
    raters = [_rater(login) for login in logins]
    if not raters:
        raise ServiceError("choose at least one rater")
    session = CalibrationSession(name=name, created_by_id=lead.id, deadline=deadline, raters=raters,
                                 benchmark_id=_rater(benchmark_login).id if benchmark_login else None)
    db.session.add(session)
    for conv in convs:
        item = CalibrationItem(conversation=conv)
        session.items.append(item)
        _add_auto_answer(item, conv)
    db.session.flush()
    audit.record(lead, "calibration_create", "calibration_session", session.id, after={
        "name": name, "conversations": [c.external_id for c in convs], "raters": logins,
        "benchmark": benchmark_login, "deadline": deadline.isoformat()})
    db.session.commit()
    return session


def _require_lead(user: User) -> None:
    if user.role not in LEADS:
        raise ServiceError("only leads and admins manage calibration sessions")


def _unique(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        v = (v or "").strip()
        if v and v not in out:
            out.append(v)
    return out


def _rater(login: str) -> User:
    user = db.session.scalar(db.select(User).where(User.login == login))
    if user is None:
        raise NotFound(f"no user with login {login!r}")
    if user.role not in RATER_ROLES or not user.active:
        raise ServiceError(f"{login}: raters must be active reviewers or leads")
    if login == AUTOMATIC:
        raise ServiceError(f"{login!r} is the automatic scorer's name in results; choose another rater")
    return user


def _conversations_for(lead: User, ids: Iterable[int]) -> list[Conversation]:
    convs, seen = [], set()
    for cid in ids or ():
        if cid in seen:
            continue
        seen.add(cid)
        conv = conversations.get_visible(lead, cid)
        if conversations.final_evaluation(conv.id) is None:
            raise ServiceError(f"{conv.external_id}: not scored yet, so it has no criteria to calibrate")
        convs.append(conv)
    if not convs:
        raise ServiceError("choose at least one conversation")
    return convs


def conversation_ids_for(external_ids: Iterable[str]) -> list[int]:
    """Internal ids of conversations named by external id; NotFound naming the first unknown one."""
    return [conversations.by_external_id(e).id for e in _unique(external_ids)]


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
    """The criteria of the scorecard version of the conversation's final evaluation."""
    final = conversations.final_evaluation(conversation_id)
    if final is None:
        raise NotFound("this conversation has not been scored yet")
    return _version_criteria(final.scorecard_version)


def _version_criteria(version: ScorecardVersion) -> tuple[CriterionInfo, ...]:
    card = scorecards.scorecard_of(version)
    return tuple(CriterionInfo(c.id, s.id, c.title, c.weight, c.critical) for s, c in card.criteria())


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
        raise ServiceError(f"unknown criterion: {', '.join(unknown)}")
    clean = {c.id: (answers.get(c.id) or "").strip() for c in criteria}
    missing = [cid for cid, v in clean.items() if not v]
    if missing:
        raise ServiceError(f"answer every criterion; missing: {', '.join(missing)}")
    bad = [cid for cid, v in clean.items() if v not in RESULTS]
    if bad:
        raise ServiceError(f"{', '.join(bad)}: the answer must be pass, fail or na")
    return clean


# --- reading, answering, closing -----------------------------------------------------------------

def close_if_due(session: CalibrationSession, now: Optional[datetime] = None) -> bool:
    """Close an open session whose deadline has passed (audited, committed); True when it did."""
    now = now or now_utc()
    if session.status != "open" or as_utc(session.deadline) > now:
        return False
    _close(session, None, now)
    db.session.commit()
    return True


def _close(session: CalibrationSession, actor: Optional[User], now: datetime) -> None:
    session.status, session.closed_at = "closed", now
    answered = sum(1 for item in session.items for a in item.answers if not a.is_auto)
    audit.record(actor, "calibration_close", "calibration_session", session.id,
                 before={"status": "open"}, after={"status": "closed", "answers": answered,
                                                   "by_deadline": actor is None})


def _get(session_id: int, now: Optional[datetime] = None) -> CalibrationSession:
    session = db.session.get(CalibrationSession, session_id)
    if session is None:
        raise NotFound("calibration session not found")
    close_if_due(session, now)
    return session


def is_rater(user: User, session: CalibrationSession) -> bool:
    return any(r.id == user.id for r in session.raters)


def get_visible(user: User, session_id: int, now: Optional[datetime] = None) -> CalibrationSession:
    """The session if `user` may open it (leads and admins: all; reviewers: those they rate)."""
    session = _get(session_id, now)
    if user.role in LEADS or is_rater(user, session):
        return session
    raise NotFound("calibration session not found")


def list_sessions(user: User, now: Optional[datetime] = None) -> list[CalibrationSession]:
    """Sessions the user may open, newest first (closing any whose deadline passed)."""
    query = db.select(CalibrationSession).order_by(CalibrationSession.created_at.desc(),
                                                   CalibrationSession.id.desc())
    if user.role not in LEADS:
        query = query.where(CalibrationSession.raters.any(User.id == user.id))
    sessions = list(db.session.scalars(query))
    for session in sessions:
        close_if_due(session, now)
    return sessions


def submit_answers(rater: User, session_id: int, conversation_id: int, answers: Mapping[str, str],
                   now: Optional[datetime] = None) -> CalibrationAnswer:
    """Store (or replace) the rater's answers on one item of an open session before its deadline.

    The audit entry records that an answer was given or replaced, not its content, so the audit
    log cannot break the blind before the session closes.
    """
    now = now or now_utc()
    session = _get(session_id, now)
    if not is_rater(rater, session):
        raise ServiceError("you are not a rater in this session")
    if session.status != "open":
        raise ServiceError("this session is closed; answers can no longer change")
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
        raise NotFound("this conversation is not part of the session")
    return item


def close_session(lead: User, session_id: int, now: Optional[datetime] = None) -> CalibrationSession:
    """Close an open session now (leads and admins); its results become visible."""
    _require_lead(lead)
    session = _get(session_id, now)
    if session.status != "open":
        raise ServiceError("this session is already closed")
    _close(session, lead, now or now_utc())
    db.session.commit()
    return session


def session_page(user: User, session_id: int, now: Optional[datetime] = None) -> SessionPage:
    """Everything `user` may see of the session, and nothing more (the blind is enforced here)."""
    session = get_visible(user, session_id, now)
    closed = session.status == "closed"
    items = tuple(session.items)
    own = {i.id: dict(a.answers) for i in items for a in i.answers if a.rater_id == user.id}
    progress = None
    if user.role in LEADS:
        progress = {r.login: sum(1 for i in items for a in i.answers if a.rater_id == r.id)
                    for r in session.raters}
    return SessionPage(session=session, closed=closed, items=items,
                       criteria={i.id: criteria_of(i.conversation_id) for i in items}, own=own,
                       progress=progress, results=results(session) if closed else None,
                       can_answer=not closed and is_rater(user, session),
                       can_manage=user.role in LEADS)


def answered_items(user: User, session: CalibrationSession) -> int:
    """How many of the session's items `user` has answered."""
    return sum(1 for i in session.items for a in i.answers if a.rater_id == user.id)


# --- the calibrated answer ----------------------------------------------------------------------

def set_calibrated(lead: User, session_id: int, conversation_id: int, answers: Mapping[str, str],
                   now: Optional[datetime] = None) -> Evaluation:
    """The lead's calibrated answers become the conversation's final (human) evaluation.

    Only on closed sessions. Audited; the training rules run again on the new final score.
    """
    _require_lead(lead)
    session = _get(session_id, now)
    if session.status != "closed":
        raise ServiceError("close the session before setting the calibrated answers")
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
                              auto_fail=auto_fail, criteria=tuple(results), section_scores=sections,
                              fail_reasons=tuple(r.criterion_id for r in results if r.critical and r.result == "fail"))
    ev = new_evaluation(item.conversation, version, result, kind="human", reviewer=lead, based_on=base, now=now)
    ev.source = "calibration"
    make_final(ev)
    item.calibrated_evaluation_id = ev.id
    audit.record(lead, "calibration", "conversation", conversation_id, before=_summary(base),
                 after={**_summary(ev), "session": session.id})
    training.apply_rules([conversation_id], now)
    db.session.commit()
    return ev


def _summary(ev: Evaluation) -> dict:
    return {"evaluation": ev.id, "kind": ev.kind, "score": ev.score, "auto_fail": ev.auto_fail,
            "criteria": {c.criterion_id: c.result for c in ev.criteria}}


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


# --- results (in calibration_results, which imports this module) ---------------------------------

def results(session: CalibrationSession) -> SessionResults:
    """The statistics of a closed session; see calibration_results.results."""
    from qa_app.services import calibration_results
    return calibration_results.results(session)


def alignment_trend(reviewer: User) -> list:
    """The reviewer's alignment across closed sessions; see calibration_results.alignment_trend."""
    from qa_app.services import calibration_results
    return calibration_results.alignment_trend(reviewer)
