"""Loads what the appraisal KPIs read (training.kpis.AgentFacts) for every agent of a period, with a
few queries per period rather than per agent. Definitions of each KPI: docs/appraisals.md.

What belongs to a period: evaluations, scores, CSAT, chats and complaint cases by their conversation's
start; assignments by their due date; quiz attempts by their submission; disputes by their
resolution; coaching actions by their follow-up date. Things due after `as_of` (the snapshot's
moment, at most the period's end) are not counted yet.
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterable, Optional

from qa_app.extensions import db
from qa_app.models import (Assignment, CoachingAction, Conversation, Dispute, Evaluation, QuizAttempt,
                           Survey)
from qa_app.models.base import as_utc
from qa_app.services import trust
from training import kpis, periods

COMPLAINT_KEY = "complaint"  # conversation.meta["complaint"]: the case's stage times, as ISO 8601 texts


def _in(column, period: periods.Period):
    return (column >= period.start) & (column < period.end)


def _of(query, column, agent_ids: Optional[list[int]]):
    """`query` limited to the agents `agent_ids` (None: every agent)."""
    return query if agent_ids is None else query.where(column.in_(agent_ids))


def survey_ratings(period: periods.Period, kind: str,
                   agent_ids: Optional[list[int]] = None) -> dict[int, list[kpis.RatingFact]]:
    """agent id -> the period's survey answers of `kind` ("csat" 1-5, "nps" 0-10).

    The one place ratings are read. CSAT comes from Conversation.csat of the period's conversations
    (the latest imported CSAT answer, or the rating the transcript carried); NPS from the imported
    NPS answers (qa_app.services.surveys) about the period's conversations. Each is linked to its
    conversation.
    """
    out: dict[int, list[kpis.RatingFact]] = {}
    if kind == "nps":
        rows = db.session.execute(_of(db.select(Conversation.agent_id, Conversation.id, Survey.rating)
                                      .join(Survey, Survey.conversation_id == Conversation.id)
                                      .where(Survey.kind == "nps", _in(Conversation.started_at, period))
                                      .order_by(Conversation.started_at, Survey.responded_at, Survey.id),
                                      Conversation.agent_id, agent_ids))
        for agent_id, conv_id, value in rows:
            out.setdefault(agent_id, []).append(kpis.RatingFact(value, ("conversation", conv_id)))
        return out
    rows = db.session.execute(_of(db.select(Conversation.agent_id, Conversation.id, Conversation.csat).where(
        Conversation.csat.is_not(None), _in(Conversation.started_at, period)), Conversation.agent_id, agent_ids))
    for agent_id, conv_id, value in rows:
        out.setdefault(agent_id, []).append(kpis.RatingFact(value, ("conversation", conv_id)))
    return out


def _stamp(value) -> Optional[datetime]:
    if not isinstance(value, str):
        return None
    try:
        return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


def complaint_case(conv_id: int, meta: dict, as_of: datetime) -> Optional[kpis.ComplaintCase]:
    """The complaint case recorded in a conversation's meta, when it is due for judging: closed, or
    open past its 72 h closure limit at `as_of` (then it has missed it). None otherwise, and for a
    case without a readable opening time."""
    case = meta.get(COMPLAINT_KEY) if isinstance(meta, dict) else None
    if not isinstance(case, dict) or _stamp(case.get("opened_at")) is None:
        return None
    found = kpis.ComplaintCase(conv_id, _stamp(case.get("opened_at")), _stamp(case.get("acknowledged_at")),
                               _stamp(case.get("first_handled_at")), _stamp(case.get("closed_at")))
    closure_limit = kpis.COMPLAINT_LIMITS[-1][1]
    if found.closed_at is None and as_of - found.opened_at < closure_limit:
        return None
    return found


def _conversation_facts(period, as_of, ids, out: dict[int, dict]) -> None:
    """Chats with their first response time, and complaint cases, from the conversations' meta."""
    rows = db.session.execute(_of(db.select(Conversation.agent_id, Conversation.id, Conversation.meta)
                                  .where(_in(Conversation.started_at, period)), Conversation.agent_id, ids))
    for agent_id, conv_id, meta in rows:
        meta = meta or {}
        metrics = meta.get("metrics") or {}
        if metrics.get("kind") == "chat":
            out.setdefault(agent_id, {}).setdefault("chats", []).append(
                kpis.ChatFact(conv_id, metrics.get("first_response_time")))
        case = complaint_case(conv_id, meta, as_of)
        if case is not None:
            out.setdefault(agent_id, {}).setdefault("complaints", []).append(case)


def _add(out: dict[int, dict], agent_id: int, key: str, fact) -> None:
    out.setdefault(agent_id, {}).setdefault(key, []).append(fact)


def _evaluation_facts(period, ids, out) -> None:
    for agent_id, _, ev_id, score, _ in trust.counted_evaluations(period, ids):
        _add(out, agent_id, "scores", kpis.ScoreFact(ev_id, score))
    rows = db.session.execute(_of(db.select(Conversation.agent_id, Evaluation.id, Evaluation.auto_fail)
                                  .join(Evaluation, Evaluation.conversation_id == Conversation.id)
                                  .where(Evaluation.is_final.is_(True), _in(Conversation.started_at, period)),
                                  Conversation.agent_id, ids))
    for agent_id, ev_id, auto_fail in rows:
        _add(out, agent_id, "evaluations", kpis.EvaluationFact(ev_id, bool(auto_fail)))


def _training_facts(period, as_of, ids, out) -> None:
    rows = db.session.execute(_of(db.select(Assignment.agent_id, Assignment.id, Assignment.due_at,
                                            Assignment.completed_at)
                                  .where(_in(Assignment.due_at, period), Assignment.due_at <= as_of,
                                         Assignment.status != "cancelled"), Assignment.agent_id, ids))
    for agent_id, a_id, due_at, completed_at in rows:
        _add(out, agent_id, "assignments", kpis.AssignmentFact(a_id, due_at, completed_at))
    rows = db.session.execute(_of(db.select(Assignment.agent_id, QuizAttempt.id, QuizAttempt.score)
                                  .join(Assignment, Assignment.id == QuizAttempt.assignment_id)
                                  .where(QuizAttempt.score.is_not(None), _in(QuizAttempt.submitted_at, period),
                                         QuizAttempt.submitted_at <= as_of), Assignment.agent_id, ids))
    for agent_id, attempt_id, score in rows:
        _add(out, agent_id, "attempts", kpis.AttemptFact(attempt_id, score))


def _people_facts(period, as_of, ids, out) -> None:
    rows = db.session.execute(_of(db.select(Dispute.agent_id, Dispute.id, Dispute.status)
                                  .where(Dispute.status != "open", _in(Dispute.resolved_at, period),
                                         Dispute.resolved_at <= as_of), Dispute.agent_id, ids))
    for agent_id, d_id, status in rows:
        _add(out, agent_id, "disputes", kpis.DisputeFact(d_id, status))
    rows = db.session.execute(_of(db.select(CoachingAction.owner_id, CoachingAction.id, CoachingAction.done_at)
                                  .where(CoachingAction.due_on >= period.start.date(),
                                         CoachingAction.due_on < period.end.date(),
                                         CoachingAction.due_on <= as_of.date()), CoachingAction.owner_id, ids))
    for owner_id, action_id, done_at in rows:
        _add(out, owner_id, "actions", kpis.ActionFact(action_id, done_at is not None and as_utc(done_at) <= as_of))


def facts_by_agent(period: periods.Period, as_of: datetime,
                   agent_ids: Optional[Iterable[int]] = None) -> dict[int, kpis.AgentFacts]:
    """agent id -> AgentFacts for the period, judged at `as_of` (the caller passes min(now, period
    end)), for the agents `agent_ids` (None: every agent with any fact)."""
    ids = None if agent_ids is None else list(agent_ids)
    out: dict[int, dict] = {}
    _evaluation_facts(period, ids, out)
    for kind in ("csat", "nps"):
        for agent_id, ratings in survey_ratings(period, kind, ids).items():
            out.setdefault(agent_id, {})[kind] = ratings
    _conversation_facts(period, as_of, ids, out)
    _training_facts(period, as_of, ids, out)
    _people_facts(period, as_of, ids, out)
    return {agent_id: kpis.AgentFacts(**{k: tuple(v) for k, v in found.items()}) for agent_id, found in out.items()}
