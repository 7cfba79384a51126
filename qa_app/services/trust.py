"""Trusted automation: agreement of automatic and human results per criterion, and agent scores that rely on it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Optional

from sqlalchemy import and_, case, func, or_
from sqlalchemy.orm import aliased

from qa_app.extensions import db
from qa_app.models import Conversation, CriterionScore, Evaluation, ScorecardVersion, User
from qa_app.services import ServiceError, scorecards
from qa_app.settings import settings as instance_settings
from scoring.formula import total_score
from scoring.result import CriterionResult
from scoring.scorecard import Scorecard
from scoring.trust import (CriterionAgreement, ThresholdSuggestion, Trust, agreement_of_counts, is_trusted,
                           suggest_threshold)
from training import appraisal, periods


@dataclass(frozen=True)
class ThresholdCheck:
    """A check whose verdict is a measured value against a threshold parameter."""

    param: str
    direction: str  # as scoring.trust.DIRECTIONS
    meta_path: tuple[str, ...]  # where conversation.meta keeps the measured value


THRESHOLD_CHECKS = {
    "customer_sentiment_end": ThresholdCheck("min", "at_least", ("sentiment", "end")),
    "first_response_within": ThresholdCheck("seconds", "at_most", ("metrics", "first_response_time")),
}


@dataclass(frozen=True)
class CriterionTrust:
    criterion_id: str
    title: str
    check_type: str
    stats: CriterionAgreement
    trust: Trust
    param: Optional[str] = None
    suggestion: Optional[ThresholdSuggestion] = None


@dataclass(frozen=True)
class VersionTrust:
    version_id: int
    name: str
    version: int
    title: str
    criteria: tuple[CriterionTrust, ...]


def settings() -> tuple[float, int]:
    """(minimum kappa, minimum reviews) from QADESK_TRUST_MIN_KAPPA and QADESK_TRUST_MIN_REVIEWS."""
    config = instance_settings()
    return config.trust_min_kappa, config.trust_min_reviews


def paired_results(version_id: int) -> dict[str, dict[int, tuple[str, str]]]:
    """criterion id -> {conversation id: (automatic result, human result)} for one scorecard version.

    The automatic side is the conversation's latest automatic evaluation on the version; the human
    side its final evaluation when that is a human one on the same version. Conversations lacking
    either side, or a criterion on either side, are left out.
    """
    reviewed = (db.select(Evaluation.conversation_id)
                .where(Evaluation.scorecard_version_id == version_id, Evaluation.kind == "human",
                       Evaluation.is_final.is_(True)))
    rows = db.session.execute(
        db.select(Evaluation.conversation_id, Evaluation.id, Evaluation.kind, CriterionScore.criterion_id,
                  CriterionScore.result)
        .join(CriterionScore, CriterionScore.evaluation_id == Evaluation.id)
        .where(Evaluation.scorecard_version_id == version_id, Evaluation.conversation_id.in_(reviewed),
               or_(Evaluation.kind == "auto", and_(Evaluation.kind == "human", Evaluation.is_final.is_(True)))))
    latest_auto: dict[int, int] = {}
    human_of: dict[int, int] = {}
    results: dict[int, dict[str, str]] = {}
    for conv_id, ev_id, kind, criterion_id, result in rows:
        if kind == "auto":
            latest_auto[conv_id] = max(latest_auto.get(conv_id, ev_id), ev_id)
        else:
            human_of[conv_id] = ev_id
        results.setdefault(ev_id, {})[criterion_id] = result
    pairs: dict[str, dict[int, tuple[str, str]]] = {}
    for conv_id, human_id in human_of.items():
        auto = results.get(latest_auto.get(conv_id, -1))
        if auto is None:
            continue
        for criterion_id, human_result in results[human_id].items():
            if criterion_id in auto:
                pairs.setdefault(criterion_id, {})[conv_id] = (auto[criterion_id], human_result)
    return pairs


def _measured(meta: Optional[dict], path: tuple[str, ...]) -> Optional[float]:
    value = meta or {}
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return _number(value)


def _number(value: object) -> Optional[float]:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _reviewed(version_id: int):
    """(conversation id, human final evaluation id, latest automatic evaluation id) of each
    conversation reviewed on the version, the pairing paired_results makes, as a CTE: the
    latest automatic evaluation is the one with the highest id that has criterion rows."""
    auto = aliased(Evaluation)
    latest = (db.select(func.max(auto.id))
              .where(auto.conversation_id == Evaluation.conversation_id, auto.scorecard_version_id == version_id,
                     auto.kind == "auto",
                     db.select(CriterionScore.id).where(CriterionScore.evaluation_id == auto.id).exists())
              .scalar_subquery())
    return (db.select(Evaluation.conversation_id.label("conversation_id"), Evaluation.id.label("human_id"),
                      latest.label("auto_id"))
            .where(Evaluation.scorecard_version_id == version_id, Evaluation.kind == "human",
                   Evaluation.is_final.is_(True))
            .cte(f"reviewed_{version_id}").prefix_with("MATERIALIZED"))  # the latest-automatic look-up once per pair


def _paired_criteria(version_id: int, columns):
    """SELECT columns(pair, auto_row, human_row) over (pair, criterion) rows: a reviewed conversation's automatic and human
    criterion rows of one criterion (`auto_row`, `human_row` aliases, the pair as `pair`)."""
    pair, auto_row, human_row = _reviewed(version_id), aliased(CriterionScore), aliased(CriterionScore)
    query = (db.select(*columns(pair, auto_row, human_row)).select_from(pair)
             .join(human_row, human_row.evaluation_id == pair.c.human_id)
             .join(auto_row, (auto_row.evaluation_id == pair.c.auto_id)
                   & (auto_row.criterion_id == human_row.criterion_id)))
    return query, pair, auto_row, human_row


def agreement_counts(version_id: int) -> dict[str, dict[tuple[str, str], int]]:
    """criterion id -> {(automatic result, human result): how many reviewed conversations}, the
    pairs of paired_results counted in SQL (a few rows at any number of reviews)."""
    query, _, auto_row, human_row = _paired_criteria(
        version_id, lambda pair, a, h: (a.criterion_id, a.result, h.result, func.count()))
    rows = db.session.execute(query.group_by(auto_row.criterion_id, auto_row.result, human_row.result))
    out: dict[str, dict[tuple[str, str], int]] = {}
    for criterion_id, auto, human, n in rows:
        out.setdefault(criterion_id, {})[(auto, human)] = n
    return out


def _agreement(counts: dict[tuple[str, str], int]) -> CriterionAgreement:
    return agreement_of_counts(counts)


def _threshold_items(version_id: int, criterion_id: str, check: ThresholdCheck) -> list[tuple[Optional[float], str]]:
    """(measured value, human result) of each reviewed conversation paired on `criterion_id`, the
    value read from the conversation's meta in SQL (only that path crosses over)."""
    query, pair, auto_row, _ = _paired_criteria(
        version_id, lambda pair, a, h: (Conversation.meta[check.meta_path], h.result))
    query = query.join(Conversation, Conversation.id == pair.c.conversation_id).where(
        auto_row.criterion_id == criterion_id)
    return [(_number(value), human) for value, human in db.session.execute(query)]


def _suggestion(version_id: int, criterion_id: str, check: ThresholdCheck,
                current: object) -> Optional[ThresholdSuggestion]:
    if not isinstance(current, (int, float)) or isinstance(current, bool):
        return None
    return suggest_threshold(_threshold_items(version_id, criterion_id, check), float(current), check.direction)


def version_trust(row: ScorecardVersion, card: Scorecard, min_kappa: float, min_reviews: int) -> VersionTrust:
    """Agreement, trust and (for threshold checks) a threshold suggestion for each criterion of a version."""
    counts = agreement_counts(row.id)
    out = []
    for _, criterion in card.criteria():
        stats = _agreement(counts.get(criterion.id, {}))
        check = THRESHOLD_CHECKS.get(criterion.check.type)
        suggestion = (_suggestion(row.id, criterion.id, check, criterion.check.params.get(check.param))
                      if check else None)
        out.append(CriterionTrust(criterion.id, criterion.title, criterion.check.type, stats,
                                  is_trusted(stats, min_kappa, min_reviews), check.param if check else None,
                                  suggestion))
    return VersionTrust(row.id, row.name, row.version, row.title, tuple(out))


def overview() -> list[VersionTrust]:
    """Trust of every criterion of every active scorecard version, with the current settings."""
    min_kappa, min_reviews = settings()
    return [version_trust(row, card, min_kappa, min_reviews) for row, card in scorecards.active_versions()]


def trusted_criteria(version_ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """version id -> the ids of its trusted criteria (judged on the reviews stored now)."""
    min_kappa, min_reviews = settings()
    out = {}
    for version_id in set(version_ids):
        counts = agreement_counts(version_id)
        out[version_id] = frozenset(c for c, found in counts.items()
                                    if is_trusted(_agreement(found), min_kappa, min_reviews).trusted)
    return out


def _result(row: CriterionScore) -> CriterionResult:
    return CriterionResult(criterion_id=row.criterion_id, section_id=row.section_id, result=row.result,
                           score=row.score, weight=row.weight, critical=row.critical)


def trusted_score(ev: Evaluation, trusted: frozenset[str]) -> Optional[tuple[float, bool]]:
    """(score, auto_fail) of an automatic evaluation over its trusted criteria only (the one score
    formula, so a failed trusted critical criterion still gives 0); None when no trusted criterion applies."""
    results = [_result(c) for c in ev.criteria if c.criterion_id in trusted]
    if not any(r.result != "na" and r.weight > 0 for r in results):
        return None
    score, auto_fail, _ = total_score(results)
    return score, auto_fail


def counted_evaluations(period: periods.Period, agent_ids: Optional[Iterable[int]] = None
                        ) -> list[tuple[int, datetime, int, float, bool]]:
    """(agent id, conversation start, evaluation id, score, auto_fail), one per conversation of the
    period that counts toward the agent score (of the agents `agent_ids`, else of all), by evaluation id.

    A conversation counts with its final evaluation when that is human; an unreviewed one with its
    automatic evaluation re-scored over the trusted criteria (trusted_score, summed in SQL so that
    no criterion row crosses over), and not at all when none applies.
    """
    ids = None if agent_ids is None else list(agent_ids)
    out = [(a, at, ev_id, score, bool(failed)) for a, at, ev_id, score, failed in db.session.execute(
        _final_in(period, ids, Conversation.agent_id, Conversation.started_at, Evaluation.id, Evaluation.score,
                  Evaluation.auto_fail).where(Evaluation.kind == "human"))]
    versions = db.session.scalars(_final_in(period, ids, Evaluation.scorecard_version_id).where(
        Evaluation.kind != "human").distinct()).all()
    for version_id, trusted in trusted_criteria(versions).items():
        if trusted:
            out += _trusted_scores(period, ids, version_id, trusted)
    return sorted(out, key=lambda row: row[2])


def _final_in(period: periods.Period, agent_ids: Optional[list[int]], *columns):
    """SELECT `columns` over the final evaluations of the period's conversations (of `agent_ids`)."""
    query = (db.select(*columns).select_from(Evaluation)
             .join(Conversation, Conversation.id == Evaluation.conversation_id)
             .where(Evaluation.is_final.is_(True), Conversation.started_at >= period.start,
                    Conversation.started_at < period.end))
    return query if agent_ids is None else query.where(Conversation.agent_id.in_(agent_ids))


def _trusted_scores(period, agent_ids, version_id: int, trusted: frozenset[str]) -> list:
    """counted_evaluations' rows of the unreviewed conversations scored on one version: per
    evaluation, the sums scoring.formula.total_score takes over the trusted criteria."""
    c = CriterionScore
    applies = (c.result != "na") & (c.weight > 0)
    query = (_final_in(period, agent_ids, Conversation.agent_id, Conversation.started_at, Evaluation.id,
                       func.sum(case((applies, 1), else_=0)), func.sum(case((applies, c.weight * c.score), else_=0.0)),
                       func.sum(case((applies, c.weight), else_=0.0)),
                       func.max(case((c.critical.is_(True) & (c.result == "fail"), 1), else_=0)))
             .join(c, c.evaluation_id == Evaluation.id)
             .where(Evaluation.kind != "human", Evaluation.scorecard_version_id == version_id,
                    c.criterion_id.in_(sorted(trusted)))
             .group_by(Evaluation.id, Conversation.agent_id, Conversation.started_at))
    out = []
    for agent_id, started_at, ev_id, applicable, total, weight, failed in db.session.execute(query):
        if not applicable:
            continue  # no trusted criterion applies: the conversation does not count
        score = 0.0 if failed else round(100.0 * total / weight, 2)  # as scoring.formula.weighted_score
        out.append((agent_id, started_at, ev_id, score, bool(failed)))
    return out


def counted_scores(period: periods.Period, agent_ids: Optional[Iterable[int]] = None
                   ) -> dict[int, list[appraisal.EvaluationRecord]]:
    """agent id -> one score per conversation of the period that counts toward the agent score
    (counted_evaluations, of `agent_ids`, else of all)."""
    out: dict[int, list[appraisal.EvaluationRecord]] = {}
    for agent_id, started_at, _, score, auto_fail in counted_evaluations(period, agent_ids):
        out.setdefault(agent_id, []).append(appraisal.EvaluationRecord(score, auto_fail, started_at))
    return out


@dataclass(frozen=True)
class AgentScore:
    """An agent's QA score for a period: n, mean, 95 % interval, further reviews to get within ±5 points."""

    agent: str
    n: int
    mean: Optional[float]
    ci_low: Optional[float]
    ci_high: Optional[float]
    reviews_needed: Optional[int]


def agent_scores(period_label: str) -> list[AgentScore]:
    """Every agent's score for a period such as 2026-11, 2026-Q4 or 2026, by login."""
    try:
        period = periods.parse_period(period_label)
    except periods.PeriodError as exc:
        raise ServiceError(str(exc)) from exc
    counted = counted_scores(period)
    agents = db.session.execute(db.select(User.id, User.login).where(User.role == "agent").order_by(User.login))
    out = []
    for agent_id, login in agents:
        columns = appraisal.certainty_columns(r.score for r in counted.get(agent_id, ()))
        out.append(AgentScore(login, columns["qa_n"], columns["qa_score"], columns["qa_ci_low"],
                              columns["qa_ci_high"], columns["reviews_needed"]))
    return out
