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
from functools import lru_cache
from typing import Iterable, Mapping, Optional, Sequence

from sqlalchemy import bindparam, type_coerce
from sqlalchemy.orm import aliased

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
    return (recency().desc(), Conversation.id.desc())


def _columns(sections: bool, sentiment: bool) -> list:
    """The columns `_facts` reads, in the order it reads them (the optional ones last)."""
    columns = [Conversation.id, Conversation.agent_id, Conversation.language, Conversation.external_id,
               Conversation.csat, User.login.label("agent_login"), Evaluation.id.label("evaluation_id"),
               Evaluation.score, Evaluation.auto_fail, Evaluation.created_at.label("evaluated_at")]
    if sections:
        columns.append(Evaluation.section_scores)
    if sentiment:
        columns.append(Conversation.meta)
    return columns


def _query(active: Sequence[rules.TrainingRule]):
    return _query_of(*_needs(active))


def _query_of(sections: bool, sentiment: bool):
    return (db.select(*_columns(sections, sentiment))
            .join(Evaluation, Evaluation.conversation_id == Conversation.id)
            .join(User, User.id == Conversation.agent_id)
            .where(Evaluation.is_final.is_(True)))


def finals_of(conversation_ids: Iterable[int], active: Sequence[rules.TrainingRule]) -> list[Final]:
    """The final evaluations of these conversations, by conversation id."""
    return _finals(_rows(_finals_by_id(*_needs(active)), {"ids": list(conversation_ids)}))


@lru_cache(maxsize=4)  # built once per set of columns (its bound `ids` vary): a scoring batch asks twice
def _finals_by_id(sections: bool, sentiment: bool):
    return (_query_of(sections, sentiment).where(Conversation.id.in_(bindparam("ids", expanding=True)))
            .order_by(Conversation.id))


def newest_by_agent(agent_ids: Optional[Iterable[int]], depth: int,
                    active: Sequence[rules.TrainingRule]) -> dict[int, list[Final]]:
    """Each agent's `depth` newest final evaluations, newest first (None: every agent), in one query."""
    rank = db.func.row_number().over(partition_by=Conversation.agent_id, order_by=_order_key()).label("rank")
    inner = _query(active).add_columns(rank)
    if agent_ids is not None:
        inner = inner.where(Conversation.agent_id.in_(list(agent_ids)))
    ranked = inner.subquery()
    rows = _rows(db.select(ranked).where(ranked.c.rank <= depth).order_by(ranked.c.agent_id, ranked.c.rank))
    out: dict[int, list[Final]] = defaultdict(list)
    for final in _finals(rows):
        out[final.agent_id].append(final)
    return dict(out)


def windows_of(conversation_ids: Iterable[int], window: int, active: Sequence[rules.TrainingRule],
               known: Optional[Mapping[int, Final]] = None) -> dict[int, list[Final]]:
    """For each of these conversations, its final evaluation and the `window - 1` before it
    (by when the conversations happened), grouped by agent, newest first.

    Each conversation's window is complete however much newer work its agent has, so a windowed
    rule decides the same whether the conversation is scored alone or in a batch with others.
    Each window is read from the agent's recency index (ix_conversation_agent_recency) from the
    conversation down to its oldest member: the cost is that of the windows, not of the agents'
    whole history (ranking every final evaluation of the batch's agents made each batch of a long
    run slower than the one before). `known`: finals already read (conversation id -> Final, as
    `finals_of` gives them for the same `active`), used as they are; only the other members'
    rows are read (a scoring batch's windows are mostly the batch itself).
    """
    ids = list(conversation_ids)
    if not ids:
        return {}
    known = known or {}
    members = [(row[0], row[1]) for row in _rows(_window_members(window), {"ids": ids})]
    missing = [cid for cid, _agent in members if cid not in known]
    read = {f.facts.conversation_id: f for f in finals_of(missing, active)} if missing else {}
    out: dict[int, list[Final]] = defaultdict(list)
    for cid, agent_id in members:
        out[agent_id].append(known.get(cid) or read[cid])
    return dict(out)


def recency(conversation=Conversation):
    """When the conversation happened (when it was ingested if that is unknown): what windows and
    "newest" order by, and what ix_conversation_agent_recency indexes."""
    return db.func.coalesce(conversation.started_at, conversation.ingested_at)


@lru_cache(maxsize=8)  # one statement per window length, built once: its bound `ids` vary
def _window_members(window: int):
    """(conversation id, agent id) of each final evaluation in the windows of the final evaluations
    of the bound `ids`, once each, by agent then newest first: for each one (a start), the agent's
    final conversations from the start down to the oldest of the `window` newest finals at or
    before it (the window's bottom). One scalar subquery per start finds its bottom, walking the
    index down from the start."""
    start, bottom, member = aliased(Conversation), aliased(Conversation), aliased(Conversation)
    newest = (db.select(member.id, recency(member).label("at"))
              .where(member.agent_id == start.agent_id, _at_or_before(member, recency(start), start.id),
                     _is_final(member))
              .order_by(recency(member).desc(), member.id.desc()).limit(window).correlate(start).subquery())
    bottom_id = db.select(newest.c.id).order_by(newest.c.at, newest.c.id).limit(1).scalar_subquery()
    starts = (db.select(start.id, start.agent_id, recency(start).label("at"), bottom_id.label("bottom_id"))
              .where(start.id.in_(bindparam("ids", expanding=True)), _is_final(start)).cte("starts"))
    return (db.select(member.id, member.agent_id, recency(member)).distinct().select_from(starts)
            .join(bottom, bottom.id == starts.c.bottom_id)
            .join(member, (member.agent_id == starts.c.agent_id)
                  & _at_or_before(member, starts.c.at, starts.c.id)
                  & _at_or_before(bottom, recency(member), member.id))
            .where(_is_final(member))
            .order_by(member.agent_id, recency(member).desc(), member.id.desc()))


def _at_or_before(conversation, at, conversation_id):
    """`conversation` comes at or before (`at`, `conversation_id`) in recency order, written so that
    both engines walk ix_conversation_agent_recency (a row-value comparison would not use it)."""
    return (recency(conversation) <= at) & ((recency(conversation) < at) | (conversation.id <= conversation_id))


def _is_final(conversation):
    return (db.select(Evaluation.id).where(Evaluation.conversation_id == conversation.id,
                                           Evaluation.is_final.is_(True)).exists())


def _rows(query, params: Optional[dict] = None) -> list:
    """The rows of a Core select, in the session's transaction (flushed first, as the session's own
    execute would) but without the ORM's per-row work: these queries return thousands of rows per
    scoring batch."""
    db.session.flush()
    return db.session.connection().execute(query, params).all()  # one fetchall, not a fetch per row


def _finals(rows: list) -> list[Final]:
    if not rows:
        return []
    failed = _failed_criteria([row[6] for row in rows])
    fields = rows[0]._fields
    sections, mood = "section_scores" in fields, "meta" in fields
    return [Final(_facts(row, failed.get(row[6], ()), sections, mood), row[1], row[9]) for row in rows]


def _facts(row, failed: tuple[str, ...], sections: bool, mood: bool) -> rules.EvaluationFacts:
    """The facts of one row (columns by position, as `_columns` orders them: thousands of rows per
    scoring batch); its section scores and customer mood only when the query read them."""
    conversation_id, _agent_id, language, external_id, csat, login, evaluation_id, score, auto_fail = row[:9]
    end = ((row.meta or {}).get("sentiment") or {}).get("end") if mood else None
    return rules.EvaluationFacts(
        conversation_id=conversation_id, agent=login, language=language, score=score,
        auto_fail=auto_fail, failed_criteria=failed, external_id=external_id,
        evaluation_id=evaluation_id, sections=tuple(sorted((row.section_scores or {}).items())) if sections else (),
        sentiment=float(end) if rules.is_number(end) else None, csat=csat)


def _failed_criteria(evaluation_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """The failed criterion ids of each evaluation, in scorecard order (one query, no ORM rows)."""
    failed: dict[int, list[str]] = {}
    if not evaluation_ids:
        return {}
    for ev_id, criterion_id in _rows(_failed_query(), {"ids": evaluation_ids}):
        failed.setdefault(ev_id, []).append(criterion_id)
    return {ev_id: tuple(ids) for ev_id, ids in failed.items()}


@lru_cache(maxsize=1)  # built once: its bound `ids` vary
def _failed_query():
    return (db.select(CriterionScore.evaluation_id, CriterionScore.criterion_id)
            .where(CriterionScore.evaluation_id.in_(bindparam("ids", expanding=True)), CriterionScore.result == "fail")
            .order_by(CriterionScore.evaluation_id, CriterionScore.position))


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
