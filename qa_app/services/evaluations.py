"""The one owner of "an evaluation becomes final": rows for a result, the atomic final switch, the audit.

Automatic scoring, reviews, calibration, disputes and the demo loader all publish through
`publish_final`, so every final evaluation has the same fail_reasons format, the same audit entry
and the same training-rule run, and no two people's concurrent saves can both become final.
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterable, Optional, Sequence

from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Conversation, CriterionScore, Evaluation, ScorecardVersion, User
from qa_app.models.base import as_utc
from qa_app.services import ServiceError, audit
from scoring.formula import fail_reasons
from scoring.result import EvaluationResult


class Conflict(ServiceError):
    """The conversation's final evaluation changed after the reviewer opened it (HTTP 409)."""

    def __init__(self, by: str, at: Optional[datetime]):
        self.by, self.at = by, at
        when = f" at {at:%H:%M}" if at else ""
        super().__init__(f"{by} saved a review of this conversation{when} after you opened it; reload to see it")


def new_evaluation(conv: Conversation, version: ScorecardVersion, result: EvaluationResult,
                   kind: str, reviewer: Optional[User] = None, based_on: Optional[Evaluation] = None,
                   now: Optional[datetime] = None, source: str = "") -> Evaluation:
    """Rows for one EvaluationResult, not yet final (added to the session and flushed, not committed).

    fail_reasons are always recomputed from the criteria, so they have one format whoever decided.
    """
    ev = Evaluation(conversation=conv, scorecard_version=version, reviewer=reviewer,
                    **_evaluation_values(conv.id, version.id, result, kind, now, source,
                                         reviewer_id=reviewer.id if reviewer else None,
                                         based_on_id=based_on.id if based_on else None))
    ev.criteria = [CriterionScore(**values) for values in _criterion_values(result)]
    db.session.add(ev)
    db.session.flush()
    return ev


def _evaluation_values(conversation_id: int, version_id: int, result: EvaluationResult, kind: str,
                       now: Optional[datetime], source: str = "", reviewer_id: Optional[int] = None,
                       based_on_id: Optional[int] = None, is_final: bool = False) -> dict:
    """The column values of an evaluation row for `result` (one format for every path)."""
    return {"conversation_id": conversation_id, "scorecard_version_id": version_id, "kind": kind,
            "score": result.score, "auto_fail": result.auto_fail,
            "fail_reasons": list(fail_reasons(result.criteria)),
            "section_scores": dict(result.section_scores), "reviewer_id": reviewer_id,
            "based_on_id": based_on_id, "source": source, "is_final": is_final,
            "created_at": clock.or_now(now)}


def _criterion_values(result: EvaluationResult) -> list[dict]:
    return [{"position": i, "criterion_id": c.criterion_id, "section_id": c.section_id, "result": c.result,
             "score": c.score, "weight": c.weight, "critical": c.critical,
             "evidence": [{"turn": e.turn, "text": e.text} for e in c.evidence],
             "explanation": c.explanation, "comment": c.comment} for i, c in enumerate(result.criteria)]


def take_over_final(conversation_id: int, expected_final_id: Optional[int]) -> Optional[int]:
    """Unmark the conversation's current final evaluation, atomically; returns its id (None when
    nothing was final).

    With `expected_final_id`, the UPDATE only matches while that evaluation is still final; if
    another save got there first (even a moment ago, in another process), nothing matches and
    Conflict is raised, so the caller's transaction stores nothing. The database serialises the
    two UPDATEs (SQLite's write lock, PostgreSQL's row lock), which makes the check atomic, and
    RETURNING names the row the UPDATE itself changed, so no earlier read can be stale.
    """
    query = db.update(Evaluation).where(Evaluation.conversation_id == conversation_id,
                                        Evaluation.is_final.is_(True))
    if expected_final_id is not None:
        query = query.where(Evaluation.id == expected_final_id)
    # synchronize_session=False: the session-wide scan would cost O(objects in session) per call
    changed = db.session.execute(query.values(is_final=False).returning(Evaluation.id),
                                 execution_options={"synchronize_session": False}).scalars().all()
    if expected_final_id is not None and len(changed) != 1:
        raise _conflict(conversation_id)
    return changed[0] if changed else None


def _conflict(conversation_id: int) -> Conflict:
    current = db.session.scalar(db.select(Evaluation).where(
        Evaluation.conversation_id == conversation_id, Evaluation.is_final.is_(True)))
    if current is None:
        return Conflict("someone else", None)
    who = current.reviewer.login if current.reviewer else "automatic scoring"
    return Conflict(who, as_utc(current.created_at))


def summary(ev: Optional[Evaluation]) -> Optional[dict]:
    """What the audit log keeps of an evaluation."""
    if ev is None:
        return None
    return _summary(ev.id, ev.kind, ev.source, ev.score, ev.auto_fail,
                    [(c.criterion_id, c.result) for c in ev.criteria])


def _summary(evaluation_id: int, kind: str, source: str, score: float, auto_fail: bool,
             criteria: Iterable[tuple[str, str]]) -> dict:
    return {"evaluation": evaluation_id, "kind": kind, "source": source, "score": score,
            "auto_fail": auto_fail, "criteria": dict(criteria)}


def publish_final(conv: Conversation, version: ScorecardVersion, result: EvaluationResult, *,
                  kind: str, action: str, actor: Optional[User] = None,
                  based_on: Optional[Evaluation] = None, source: str = "",
                  now: Optional[datetime] = None, expected_final_id: Optional[int] = None,
                  audit_extra: Optional[dict] = None, audit_first: bool = True) -> Evaluation:
    """Store `result` as the conversation's final evaluation, audited as `action` by `actor`.

    `based_on` is the evaluation the decision started from (kept as based_on_id). With
    `expected_final_id` (the final evaluation the person's form showed), Conflict is raised when
    another one is final by now, and the caller's transaction stores nothing. The audit entry holds
    the previous final evaluation and the new one; with `audit_first` false, a conversation's first
    final evaluation (nothing was final before) is not audited (first automatic scores). Training
    rules are the caller's: they run once per use case over every conversation it touched.
    Nothing is committed.
    """
    previous_id = take_over_final(conv.id, expected_final_id)
    previous = db.session.get(Evaluation, previous_id) if previous_id is not None else None
    if previous is not None:
        set_committed_value(previous, "is_final", False)
    ev = new_evaluation(conv, version, result, kind=kind, reviewer=actor, based_on=based_on,
                        now=now, source=source)
    ev.is_final = True
    if previous is not None or audit_first:
        entry = audit.record(actor, action, "conversation", conv.id, before=summary(previous),
                             after={**summary(ev), **(audit_extra or {})})
        entry.at = clock.or_now(now)
    return ev


def store_automatic(items: Sequence[tuple[int, int, EvaluationResult]], now: Optional[datetime] = None) -> None:
    """A batch of automatic results, (conversation id, scorecard version id, result) each, with a
    handful of statements whatever its size (no commit).

    Each becomes its conversation's final evaluation unless the conversation has a human one; a
    result that replaces a final evaluation is audited as a rescore by nobody, as publish_final
    does. The first statement takes the final flags over, so the write lock is held from there
    and the reads that decide (human evaluations, previous finals) see every committed review.
    """
    ids = [conversation_id for conversation_id, _, _ in items]
    if not ids:
        return
    replaced = _take_over_auto_finals(ids)
    human = set(db.session.scalars(db.select(Evaluation.conversation_id).where(
        Evaluation.conversation_id.in_(ids), Evaluation.kind == "human")))
    previous = {ev.conversation_id: ev for ev in db.session.scalars(
        db.select(Evaluation).where(Evaluation.id.in_(replaced)).options(selectinload(Evaluation.criteria)))}
    for ev in previous.values():
        set_committed_value(ev, "is_final", False)
    rows = [_evaluation_values(conversation_id, version_id, result, "auto", now, is_final=conversation_id not in human)
            for conversation_id, version_id, result in items]
    db.session.execute(Evaluation.__table__.insert(), rows)
    new_ids = _newest_auto_ids(ids)
    criteria = [{**values, "evaluation_id": ev_id} for ev_id, (_, _, result) in zip(new_ids, items)
                for values in _criterion_values(result)]
    if criteria:
        db.session.execute(CriterionScore.__table__.insert(), criteria)
    audits = [_rescore_entry(previous[row["conversation_id"]], ev_id, row, result, now)
              for ev_id, row, (_, _, result) in zip(new_ids, rows, items) if row["conversation_id"] in previous]
    audit.record_many(audits)


def _newest_auto_ids(ids: list[int]) -> list[int]:
    """The ids of the automatic evaluations just inserted for `ids`, in that order: the newest of
    each conversation (ids only grow, and the write lock is ours until the commit). One query
    instead of a RETURNING that SQLite drivers would run row by row to keep the order."""
    newest = dict(db.session.execute(db.select(Evaluation.conversation_id, db.func.max(Evaluation.id)).where(
        Evaluation.conversation_id.in_(ids), Evaluation.kind == "auto").group_by(Evaluation.conversation_id)).all())
    return [newest[i] for i in ids]


def _take_over_auto_finals(ids: list[int]) -> list[int]:
    """Unmark the final evaluations of those conversations that have no human evaluation; their ids."""
    human = db.select(Evaluation.conversation_id).where(Evaluation.conversation_id.in_(ids),
                                                        Evaluation.kind == "human")
    query = (db.update(Evaluation).where(Evaluation.conversation_id.in_(ids), Evaluation.is_final.is_(True),
                                         Evaluation.conversation_id.not_in(human))
             .values(is_final=False).returning(Evaluation.id))
    return list(db.session.execute(query, execution_options={"synchronize_session": False}).scalars())


def _rescore_entry(previous: Evaluation, ev_id: int, row: dict, result: EvaluationResult,
                   now: Optional[datetime]) -> dict:
    """The audit row publish_final writes when automatic scoring replaces a final evaluation."""
    after = _summary(ev_id, "auto", row["source"], row["score"], row["auto_fail"],
                     [(c.criterion_id, c.result) for c in result.criteria])
    return {"at": clock.or_now(now), "actor": None, "action": "rescore", "entity": "conversation",
            "entity_id": row["conversation_id"], "before": summary(previous), "after": after}
