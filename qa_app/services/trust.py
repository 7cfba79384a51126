"""Trusted automation: agreement of automatic and human results per criterion, and agent scores that rely on it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Optional

from sqlalchemy import and_, or_
from sqlalchemy.orm import selectinload

from qa_app.extensions import db
from qa_app.models import Conversation, CriterionScore, Evaluation, ScorecardVersion, User
from qa_app.services import ServiceError, scorecards
from qa_app.settings import settings as instance_settings
from scoring.formula import total_score
from scoring.result import CriterionResult
from scoring.scorecard import Scorecard
from scoring.trust import (CriterionAgreement, ThresholdSuggestion, Trust, criterion_agreement, is_trusted,
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
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _metas(conversation_ids: Iterable[int]) -> dict[int, dict]:
    ids = sorted(set(conversation_ids))
    found: dict[int, dict] = {}
    for start in range(0, len(ids), 500):  # stays under every database's limit on bound parameters
        chunk = ids[start:start + 500]
        rows = db.session.execute(db.select(Conversation.id, Conversation.meta).where(Conversation.id.in_(chunk)))
        found.update((conv_id, meta) for conv_id, meta in rows)
    return found


def _suggestion(check: ThresholdCheck, current: object, pairs: dict[int, tuple[str, str]],
                metas: dict[int, dict]) -> Optional[ThresholdSuggestion]:
    if not isinstance(current, (int, float)) or isinstance(current, bool):
        return None
    items = [(_measured(metas.get(conv_id), check.meta_path), human) for conv_id, (_, human) in pairs.items()]
    return suggest_threshold(items, float(current), check.direction)


def version_trust(row: ScorecardVersion, card: Scorecard, min_kappa: float, min_reviews: int) -> VersionTrust:
    """Agreement, trust and (for threshold checks) a threshold suggestion for each criterion of a version."""
    pairs = paired_results(row.id)
    needs_meta = any(c.check.type in THRESHOLD_CHECKS for _, c in card.criteria())
    metas = _metas(conv for p in pairs.values() for conv in p) if needs_meta else {}
    out = []
    for _, criterion in card.criteria():
        found = pairs.get(criterion.id, {})
        stats = criterion_agreement(found.values())
        check = THRESHOLD_CHECKS.get(criterion.check.type)
        suggestion = _suggestion(check, criterion.check.params.get(check.param), found, metas) if check else None
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
        pairs = paired_results(version_id)
        out[version_id] = frozenset(c for c, found in pairs.items()
                                    if is_trusted(criterion_agreement(found.values()), min_kappa, min_reviews).trusted)
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
    period that counts toward the agent score (of the agents `agent_ids`, else of all).

    A conversation counts with its final evaluation when that is human; an unreviewed one with its
    automatic evaluation re-scored over the trusted criteria, and not at all when none applies.
    """
    query = (db.select(Conversation.agent_id, Conversation.started_at, Evaluation)
             .join(Evaluation, Evaluation.conversation_id == Conversation.id)
             .where(Evaluation.is_final.is_(True), Conversation.started_at >= period.start,
                    Conversation.started_at < period.end)
             .options(selectinload(Evaluation.criteria)))
    if agent_ids is not None:
        query = query.where(Conversation.agent_id.in_(list(agent_ids)))
    rows = db.session.execute(query).all()
    trusted = trusted_criteria(ev.scorecard_version_id for _, _, ev in rows if ev.kind == "auto")
    out = []
    for agent_id, started_at, ev in rows:
        scored = (ev.score, ev.auto_fail) if ev.kind == "human" else trusted_score(ev, trusted[ev.scorecard_version_id])
        if scored is not None:
            out.append((agent_id, started_at, ev.id, scored[0], scored[1]))
    return out


def counted_scores(period: periods.Period) -> dict[int, list[appraisal.EvaluationRecord]]:
    """agent id -> one score per conversation of the period that counts toward the agent score
    (counted_evaluations)."""
    out: dict[int, list[appraisal.EvaluationRecord]] = {}
    for agent_id, started_at, _, score, auto_fail in counted_evaluations(period):
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
