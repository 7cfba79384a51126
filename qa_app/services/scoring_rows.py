"""Scoring's rows without Flask: a conversation's columns as the domain value the scorer reads, and
an EvaluationResult as the columns its evaluation and criterion rows hold.

The scoring workers (scoring_worker) import this module and no Flask, ORM session or model class:
what needs a table's column types takes the table (the workers get copies, scoring_pool.worker_tables).
conversations.to_domain and the evaluations service build on the same functions.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Optional

from qa_app.dbtypes import as_utc
from scoring.formula import fail_reasons
from scoring.result import EvaluationResult
from transcripts import model


def domain_conversation(row, agent: str, turns: Iterable[tuple]) -> model.Conversation:
    """The pure-domain conversation of a row's columns (anything with Conversation's column
    attributes), its agent's login and its turns as (speaker, text, at, start, end) tuples in order:
    to_domain's conversion for callers that load plain tuples (the scoring workers)."""
    turn = model.Turn
    return model.Conversation(
        external_id=row.external_id, agent=agent,
        turns=tuple([turn(speaker, text, as_utc(at), start, end) for speaker, text, at, start, end in turns]),
        channel=row.channel, started_at=as_utc(row.started_at), language=row.language, queue=row.queue,
        customer=row.customer, csat=row.csat, metadata=dict(row.meta or {}))


@dataclass(frozen=True)
class StoredResult:
    """An EvaluationResult as its rows hold it: the evaluation's columns and one tuple of
    CRITERION_COLUMNS per criterion. Plain values, cheap to send from a scoring worker process.
    Made for a database dialect, `values` holds the RESULT_COLUMNS as its driver takes them."""

    score: float
    auto_fail: bool
    fail_reasons: tuple[str, ...]
    section_scores: dict
    criteria: tuple[tuple, ...]
    values: Optional[tuple] = None


CRITERION_COLUMNS = ("position", "criterion_id", "section_id", "result", "score", "weight", "critical", "evidence",
                     "explanation", "comment")
EVALUATION_COLUMNS = ("conversation_id", "scorecard_version_id", "kind", "score", "auto_fail", "fail_reasons",
                      "section_scores", "reviewer_id", "based_on_id", "source", "is_final", "created_at")
RESULT_SLICE = slice(EVALUATION_COLUMNS.index("score"), EVALUATION_COLUMNS.index("section_scores") + 1)
RESULT_COLUMNS = EVALUATION_COLUMNS[RESULT_SLICE]  # the evaluation columns that depend on the result alone


def stored_result(result: EvaluationResult, dialect=None, evaluation_table=None,
                  criterion_table=None) -> StoredResult:
    """The column values of `result`; fail_reasons are always recomputed from the criteria, so they
    have one format whoever decided. With a database `dialect` (and the evaluation and
    criterion_score tables, whose column types say how), the criterion tuples and `values` hold
    what its driver takes (JSON as text...), converted where the result was scored (a scoring
    worker: not in the process that stores it, see evaluations.store_automatic)."""
    criteria = tuple((i, c.criterion_id, c.section_id, c.result, c.score, c.weight, c.critical,
                      [{"turn": e.turn, "text": e.text} for e in c.evidence], c.explanation, c.comment)
                     for i, c in enumerate(result.criteria))
    reasons, sections = tuple(fail_reasons(result.criteria)), dict(result.section_scores)
    if dialect is None:
        return StoredResult(result.score, result.auto_fail, reasons, sections, criteria)
    values = converter(evaluation_table, RESULT_COLUMNS, dialect)((result.score, result.auto_fail, list(reasons),
                                                                   dict(sections)))
    return StoredResult(result.score, result.auto_fail, reasons, sections,
                        tuple(map(converter(criterion_table, CRITERION_COLUMNS, dialect), criteria)), values)


@lru_cache(maxsize=16)
def converter(table, columns: tuple[str, ...], dialect) -> Callable[[tuple], tuple]:
    """A row of `columns` with the driver conversion of each column that has one (the others as they are)."""
    converters = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns]
    active = [(k, f) for k, f in enumerate(converters) if f is not None]

    return lambda row: converted(row, active)


def converted(row: tuple, active: list) -> tuple:
    """`row` with each (position, conversion) of `active` applied."""
    values = list(row)
    for k, f in active:
        values[k] = f(values[k])
    return tuple(values)
