"""The one owner of "an evaluation becomes final": rows for a result, the atomic final switch, the audit.

Automatic scoring, reviews, calibration, disputes and the demo loader all publish through
`publish_final`, so every final evaluation has the same fail_reasons format, the same audit entry
and the same training-rule run, and no two people's concurrent saves can both become final.
"""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from operator import itemgetter
from typing import Iterable, Optional, Sequence

from flask_babel import gettext as _
from sqlalchemy import bindparam
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import Conversation, CriterionScore, Evaluation, ScorecardVersion, User
from qa_app.models.base import as_utc
from qa_app.services import ServiceError, audit, rollups, scoring_rows
from qa_app.services.scoring_rows import (CRITERION_COLUMNS, EVALUATION_COLUMNS, RESULT_COLUMNS,  # noqa: F401
                                         RESULT_SLICE, StoredResult, converter)
from scoring.result import EvaluationResult


class Conflict(ServiceError):
    """The conversation's final evaluation changed after the reviewer opened it (HTTP 409)."""

    def __init__(self, by: str, at: Optional[datetime]):
        self.by, self.at = by, at
        super().__init__(_("%(by)s saved a review of this conversation at %(time)s after you opened it; reload to see it",
                           by=by, time=f"{at:%H:%M}") if at else
                         _("%(by)s saved a review of this conversation after you opened it; reload to see it", by=by))


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


def stored_result(result: EvaluationResult, dialect=None) -> StoredResult:
    """scoring_rows.stored_result with this database's evaluation and criterion_score tables."""
    return scoring_rows.stored_result(result, dialect, Evaluation.__table__, CriterionScore.__table__)


def _evaluation_values(conversation_id: int, version_id: int, result: EvaluationResult, kind: str,
                       now: Optional[datetime], source: str = "", reviewer_id: Optional[int] = None,
                       based_on_id: Optional[int] = None, is_final: bool = False) -> dict:
    """The column values of an evaluation row for `result` (one format for every path)."""
    return dict(zip(EVALUATION_COLUMNS, _evaluation_row(conversation_id, version_id, stored_result(result), kind,
                                                        clock.or_now(now), source, reviewer_id, based_on_id,
                                                        is_final)))


def _evaluation_row(conversation_id: int, version_id: int, stored: StoredResult, kind: str, at: datetime,
                    source: str = "", reviewer_id: Optional[int] = None, based_on_id: Optional[int] = None,
                    is_final: bool = False) -> tuple:
    return (conversation_id, version_id, kind, *_result_row(stored), reviewer_id, based_on_id, source, is_final, at)


def _result_row(stored: StoredResult) -> tuple:
    """The RESULT_COLUMNS of `stored`."""
    return stored.score, stored.auto_fail, list(stored.fail_reasons), dict(stored.section_scores)


def _criterion_values(result: EvaluationResult) -> list[dict]:
    return [dict(zip(CRITERION_COLUMNS, row)) for row in stored_result(result).criteria]


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
        raise current_conflict(conversation_id)
    return changed[0] if changed else None


def current_conflict(conversation_id: int) -> Conflict:
    """The Conflict to raise when a save lost the race: it names who saved the final evaluation now."""
    current = db.session.scalar(db.select(Evaluation).where(
        Evaluation.conversation_id == conversation_id, Evaluation.is_final.is_(True)))
    if current is None:
        return Conflict(_("someone else"), None)
    who = current.reviewer.login if current.reviewer else _("automatic scoring")
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
    rollups.mark([conv])  # its day of the dashboards' rollup is summed again at commit
    if previous is not None or audit_first:
        entry = audit.record(actor, action, "conversation", conv.id, before=summary(previous),
                             after={**summary(ev), **(audit_extra or {})})
        entry.at = clock.or_now(now)
    return ev


def store_automatic(items: Sequence[tuple[int, int, StoredResult]], now: Optional[datetime] = None) -> None:
    """A batch of automatic results, (conversation id, scorecard version id, stored_result(result,
    dialect)) each, with a handful of statements whatever its size (no commit).

    Each becomes its conversation's final evaluation unless the conversation has a human one; a
    result that replaces a final evaluation is audited as a rescore by nobody, as publish_final
    does. The first statement takes the final flags over, so the write lock is held from there
    and the reads that decide (human evaluations, previous finals) see every committed review.
    """
    ids = [conversation_id for conversation_id, _, _ in items]
    if not ids:
        return
    replaced = _take_over_auto_finals(ids)
    rollups.mark_ids(ids)  # their days of the dashboards' rollup are summed again at commit
    human = set(db.session.scalars(_HUMAN_OF, {"ids": ids}))
    previous = {ev.conversation_id: ev for ev in db.session.scalars(
        db.select(Evaluation).where(Evaluation.id.in_(replaced)).options(selectinload(Evaluation.criteria)))
    } if replaced else {}
    for ev in previous.values():
        set_committed_value(ev, "is_final", False)
    at = clock.or_now(now)
    execute_rows(_INSERT_EVALUATION, EVALUATION_COLUMNS, _auto_rows(items, human, at), converted=True)
    new_ids = _newest_auto_ids(ids)
    execute_rows(_INSERT_CRITERION, _CRITERION_KEYS,
                 [(ev_id, *row) for ev_id, (_, _, stored) in zip(new_ids, items) for row in stored.criteria],
                 converted=True)
    audit.record_many([_rescore_entry(previous[conversation_id], ev_id, conversation_id, stored, at)
                       for ev_id, (conversation_id, _, stored) in zip(new_ids, items) if conversation_id in previous])


def _auto_rows(items: Sequence[tuple[int, int, StoredResult]], human: set[int], at: datetime) -> list[tuple]:
    """The evaluation rows of a batch as the driver takes them: the columns every row shares are
    converted once, each result's own (RESULT_COLUMNS) were converted where it was scored. Ids
    take no conversion. Converting 10,000 rows here cost the storing process 20,000 JSON encodings."""
    dialect = db.session.connection().dialect
    shared = {final: converter(Evaluation.__table__, EVALUATION_COLUMNS, dialect)(
        _evaluation_row(0, 0, _NO_RESULT, "auto", at, is_final=final)) for final in (True, False)}
    convert_result = converter(Evaluation.__table__, RESULT_COLUMNS, dialect)
    rows = []
    for conversation_id, version_id, stored in items:
        row = shared[conversation_id not in human]
        values = stored.values if stored.values is not None else convert_result(_result_row(stored))
        rows.append((conversation_id, version_id, *row[2:RESULT_SLICE.start], *values, *row[RESULT_SLICE.stop:]))
    return rows


_NO_RESULT = StoredResult(0.0, False, (), {}, ())
_CRITERION_KEYS = ("evaluation_id", *CRITERION_COLUMNS)
# A batch's statements are built once: an IN list built per call costs SQLAlchemy a coercion per id
# (500 a batch); an expanding parameter takes the ids when the statement runs.
_IDS = bindparam("ids", expanding=True)
_INSERT_EVALUATION = Evaluation.__table__.insert()
_INSERT_CRITERION = CriterionScore.__table__.insert()
_HUMAN_OF = db.select(Evaluation.conversation_id).where(Evaluation.conversation_id.in_(_IDS),
                                                        Evaluation.kind == "human")
_NEWEST_AUTO = (db.select(Evaluation.conversation_id, db.func.max(Evaluation.id))
                .where(Evaluation.conversation_id.in_(_IDS), Evaluation.kind == "auto")
                .group_by(Evaluation.conversation_id))
_TAKE_OVER_AUTO = (db.update(Evaluation).where(Evaluation.conversation_id.in_(_IDS), Evaluation.is_final.is_(True),
                                               Evaluation.conversation_id.not_in(_HUMAN_OF.scalar_subquery()))
                   .values(is_final=False).returning(Evaluation.id))


def execute_rows(statement, keys: Sequence[str], rows: Sequence[tuple], converted: bool = False) -> None:
    """Run `statement` for each row (a tuple of the `keys` parameters) with one executemany of the
    driver. The per-value conversions SQLAlchemy would make (JSON, datetimes) are made here in one
    loop (or were made already: `converted`), and its other per-row work is skipped: a batch of 500
    conversations has ~6,000 criteria."""
    if not rows:
        return
    conn = db.session.connection()
    sql, positional, names, reorder, active = _prepared(statement, tuple(keys), conn.dialect)
    values = rows if reorder is None else list(map(reorder, rows))
    if active and not converted:  # most columns (ids, numbers, text) have no conversion
        values = [scoring_rows.converted(v, active) for v in values]
    conn.exec_driver_sql(sql, values if positional else [dict(zip(names, v)) for v in values])


@lru_cache(maxsize=32)
def _prepared(statement, keys: tuple[str, ...], dialect) -> tuple:
    """`statement` compiled for `keys`: its SQL, whether its parameters are positional, their names,
    how to put a row of `keys` in their order (None: it is), and the conversions of its columns.
    Cached by statement object, so a statement built once is compiled once."""
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    names = tuple(compiled.positiontup if compiled.positional else compiled.binds)
    where = [keys.index(name) for name in names]
    reorder = None if where == list(range(len(keys))) else (
        itemgetter(*where) if len(where) > 1 else (lambda row, i=where[0]: (row[i],)))
    processors = [compiled.binds[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names]
    return (compiled.string, compiled.positional, names, reorder,
            tuple((k, f) for k, f in enumerate(processors) if f is not None))


def _newest_auto_ids(ids: list[int]) -> list[int]:
    """The ids of the automatic evaluations just inserted for `ids`, in that order: the newest of
    each conversation (ids only grow, and the write lock is ours until the commit). One query
    instead of a RETURNING that SQLite drivers would run row by row to keep the order."""
    newest = dict(db.session.execute(_NEWEST_AUTO, {"ids": ids}).all())
    return [newest[i] for i in ids]


def _take_over_auto_finals(ids: list[int]) -> list[int]:
    """Unmark the final evaluations of those conversations that have no human evaluation; their ids."""
    return list(db.session.execute(_TAKE_OVER_AUTO, {"ids": ids},
                                   execution_options={"synchronize_session": False}).scalars())


def _rescore_entry(previous: Evaluation, ev_id: int, conversation_id: int, stored: StoredResult,
                   at: datetime) -> dict:
    """The audit row publish_final writes when automatic scoring replaces a final evaluation."""
    after = _summary(ev_id, "auto", "", stored.score, stored.auto_fail, [(row[1], row[3]) for row in stored.criteria])
    return {"at": at, "actor": None, "action": "rescore", "entity": "conversation",
            "entity_id": conversation_id, "before": summary(previous), "after": after}
