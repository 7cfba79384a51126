"""What the training rules read from the database: final evaluations as `training.rules.EvaluationFacts`,
each agent's newest ones, and when each agent last had each course.

Plain rows, not ORM objects: a scoring batch passes thousands of conversations, and loading them
(with their agents) as objects cost more than deciding their rules. Columns a rule set does not
read (section scores, the conversation's metadata for customer sentiment) are not loaded.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Optional, Sequence

from sqlalchemy import type_coerce

from qa_app.dbtypes import UTCDateTime
from qa_app.extensions import db
from qa_app.models import Assignment, Conversation, CriterionScore, Evaluation, User
from training import rules


@dataclass(frozen=True)
class Final:
    """One conversation's final evaluation: the facts the rules read and what assigning needs."""

    facts: rules.EvaluationFacts
    agent_id: int
    evaluated_at: datetime


def _needs(active: Sequence[rules.TrainingRule]) -> tuple[bool, bool]:
    kinds = {r.kind for r in active if r.active}
    return "section_below" in kinds, "sentiment_below" in kinds


def _order_key():
    """Newest first by when the conversation happened (when it was ingested if that is unknown)."""
    return (db.func.coalesce(Conversation.started_at, Conversation.ingested_at).desc(), Conversation.id.desc())


def _columns(active: Sequence[rules.TrainingRule]) -> list:
    sections, sentiment = _needs(active)
    columns = [Conversation.id, Conversation.agent_id, Conversation.language, Conversation.external_id,
               Conversation.csat, User.login.label("agent_login"), Evaluation.id.label("evaluation_id"),
               Evaluation.score, Evaluation.auto_fail, Evaluation.created_at.label("evaluated_at")]
    if sections:
        columns.append(Evaluation.section_scores)
    if sentiment:
        columns.append(Conversation.meta)
    return columns


def _query(active: Sequence[rules.TrainingRule]):
    return (db.select(*_columns(active))
            .join(Evaluation, Evaluation.conversation_id == Conversation.id)
            .join(User, User.id == Conversation.agent_id)
            .where(Evaluation.is_final.is_(True)))


def finals_of(conversation_ids: Iterable[int], active: Sequence[rules.TrainingRule]) -> list[Final]:
    """The final evaluations of these conversations, by conversation id."""
    rows = list(db.session.execute(_query(active).where(Conversation.id.in_(list(conversation_ids)))
                                   .order_by(Conversation.id)))
    return _finals(rows)


def newest_by_agent(agent_ids: Optional[Iterable[int]], depth: int,
                    active: Sequence[rules.TrainingRule]) -> dict[int, list[Final]]:
    """Each agent's `depth` newest final evaluations, newest first (None: every agent), in one query."""
    rank = db.func.row_number().over(partition_by=Conversation.agent_id, order_by=_order_key()).label("rank")
    inner = _query(active).add_columns(rank)
    if agent_ids is not None:
        inner = inner.where(Conversation.agent_id.in_(list(agent_ids)))
    ranked = inner.subquery()
    rows = list(db.session.execute(db.select(ranked).where(ranked.c.rank <= depth)
                                   .order_by(ranked.c.agent_id, ranked.c.rank)))
    out: dict[int, list[Final]] = defaultdict(list)
    for final in _finals(rows):
        out[final.agent_id].append(final)
    return dict(out)


def windows_of(conversation_ids: Iterable[int], window: int,
               active: Sequence[rules.TrainingRule]) -> dict[int, list[Final]]:
    """For each of these conversations, its final evaluation and the `window - 1` before it
    (by when the conversations happened), grouped by agent, newest first, in one query.

    Each conversation's window is complete however much newer work its agent has, so a windowed
    rule decides the same whether the conversation is scored alone or in a batch with others.
    """
    ids = list(conversation_ids)
    if not ids:
        return {}
    agents = db.select(Conversation.agent_id).where(Conversation.id.in_(ids)).distinct()
    rank = db.func.row_number().over(partition_by=Conversation.agent_id, order_by=_order_key()).label("rank")
    ranked = _query(active).add_columns(rank).where(Conversation.agent_id.in_(agents)).cte("ranked")
    starts = db.select(ranked.c.agent_id, ranked.c.rank).where(ranked.c.id.in_(ids)).cte("starts")
    in_a_window = db.select(1).where(starts.c.agent_id == ranked.c.agent_id, ranked.c.rank >= starts.c.rank,
                                     ranked.c.rank < starts.c.rank + window).exists()
    rows = list(db.session.execute(db.select(ranked).where(in_a_window).order_by(ranked.c.agent_id, ranked.c.rank)))
    out: dict[int, list[Final]] = defaultdict(list)
    for final in _finals(rows):
        out[final.agent_id].append(final)
    return dict(out)


def _finals(rows: list) -> list[Final]:
    failed = _failed_criteria([row.evaluation_id for row in rows])
    return [Final(_facts(row, failed.get(row.evaluation_id, ())), row.agent_id, row.evaluated_at) for row in rows]


def _facts(row, failed: tuple[str, ...]) -> rules.EvaluationFacts:
    mapping = row._mapping
    sections = tuple(sorted((mapping.get("section_scores") or {}).items()))
    mood = ((mapping.get("meta") or {}).get("sentiment") or {}).get("end")
    return rules.EvaluationFacts(
        conversation_id=row.id, agent=row.agent_login, language=row.language, score=row.score,
        auto_fail=row.auto_fail, failed_criteria=failed, external_id=row.external_id,
        evaluation_id=row.evaluation_id, sections=sections,
        sentiment=float(mood) if rules.is_number(mood) else None, csat=row.csat)


def _failed_criteria(evaluation_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """The failed criterion ids of each evaluation, in scorecard order (one query, no ORM rows)."""
    failed: dict[int, list[str]] = {}
    if not evaluation_ids:
        return {}
    for ev_id, criterion_id in db.session.execute(
            db.select(CriterionScore.evaluation_id, CriterionScore.criterion_id).where(
                CriterionScore.evaluation_id.in_(evaluation_ids), CriterionScore.result == "fail")
            .order_by(CriterionScore.evaluation_id, CriterionScore.position)):
        failed.setdefault(ev_id, []).append(criterion_id)
    return {ev_id: tuple(ids) for ev_id, ids in failed.items()}


def last_had(agent_ids: Optional[Iterable[int]]) -> dict[tuple[int, int], datetime]:
    """(agent id, course id) -> when the agent last had the course: the latest completion, or
    assignment when not completed, of assignments that were not cancelled (None: every agent)."""
    # type_coerce: SQLite returns an aggregate of datetimes as text unless told the column type.
    touched = type_coerce(db.func.max(db.func.coalesce(Assignment.completed_at, Assignment.assigned_at)),
                          UTCDateTime())
    query = (db.select(Assignment.agent_id, Assignment.course_id, touched)
             .where(Assignment.status != "cancelled").group_by(Assignment.agent_id, Assignment.course_id))
    if agent_ids is not None:
        query = query.where(Assignment.agent_id.in_(list(agent_ids)))
    return {(agent, course): at for agent, course, at in db.session.execute(query)}
