"""Preview a draft scorecard: score recent conversations with it and with the active version, store nothing."""
from __future__ import annotations

import statistics
from itertools import islice
from typing import Iterable, Optional

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from qa_app.extensions import db
from qa_app.models import Conversation
from qa_app.services import ServiceError, conversations, scorecards, scoring
from scoring.engine import evaluate, select_scorecard
from scoring.result import EvaluationResult
from scoring.scorecard import Scorecard

CHANGE_THRESHOLD = 5.0  # points; a larger change of a conversation's total is counted as "changed"
MAX_LAST = 1000
_BATCH = 200


def preview(draft: Scorecard, last: int = 50, sentiment=None, version: Optional[int] = None) -> dict:
    """Score the newest `last` conversations the draft applies to with the draft and with the active
    version of the same name; the distribution of totals and per-criterion results of both.

    When the draft applies to none of them, the newest `last` conversations are scored anyway and
    `note` says so. `version` is the draft's stored version number (None for a file). Reads only:
    no evaluation is stored and nothing is committed.
    """
    if isinstance(last, bool) or not isinstance(last, int) or not 1 <= last <= MAX_LAST:
        raise ServiceError(_("the number of conversations must be between 1 and %(max)s", max=MAX_LAST))
    sentiment = sentiment or scoring.default_sentiment()
    row = scorecards.active_version(draft.name)
    active = scorecards.scorecard_of(row) if row is not None else None
    picked, note = _pick(draft, last)
    pairs = [(conv, evaluate(conv, draft, sentiment), evaluate(conv, active, sentiment) if active else None)
             for conv in picked]
    drafts = [d for _, d, _ in pairs]
    actives = [a for _, _, a in pairs if a is not None]
    changed = [(conv, d, a) for conv, d, a in pairs if a is not None and abs(d.score - a.score) > CHANGE_THRESHOLD]
    return {
        "draft": {"name": draft.name, "version": version, "title": draft.title},
        "active": {"name": row.name, "version": row.version} if row is not None else None,
        "requested": last, "n": len(pairs), "note": note,
        "totals": {"draft": totals(drafts), "active": totals(actives) if active else None},
        "criteria": criteria_table(draft, active, drafts, actives),
        "changed": len(changed),
        "changes": [{"conversation": conv.external_id, "draft": d.score, "active": a.score}
                    for conv, d, a in changed],
    }


def _pick(draft: Scorecard, last: int):
    """(newest conversations the draft fits, up to `last`; note) — all newest ones when none fits."""
    fitting = []
    for conv in _newest_first(draft.channels):
        if select_scorecard(conv, [draft]) is not None:
            fitting.append(conv)
            if len(fitting) == last:
                return fitting, ""
    if fitting:
        return fitting, f"only {len(fitting)} conversations fit the draft"
    newest = list(islice(_newest_first(()), last))
    if not newest:
        return [], "there are no conversations yet"
    return newest, (f"the draft applies to none of the conversations (language, channels, queues); "
                    f"scored the newest {len(newest)} anyway")


def _newest_first(channels: tuple[str, ...]):
    """Domain conversations on these channels (any when empty), newest start first, in batches;
    language and queue are left to select_scorecard, which matches them like the scorer does."""
    query = (db.select(Conversation)
             .options(selectinload(Conversation.turns), selectinload(Conversation.agent))
             .order_by(Conversation.started_at.desc().nulls_last(), Conversation.id.desc()))
    if channels:
        query = query.where(Conversation.channel.in_(channels))
    offset = 0
    while True:
        rows = db.session.scalars(query.offset(offset).limit(_BATCH)).all()
        for row in rows:
            yield conversations.to_domain(row)
        if len(rows) < _BATCH:
            return
        offset += _BATCH


def totals(results: Iterable[EvaluationResult]) -> dict:
    """Mean, median, min and max total score and the share of auto-failed evaluations."""
    results = list(results)
    scores = [r.score for r in results]
    if not scores:
        return {"n": 0, "mean": None, "median": None, "min": None, "max": None, "auto_failed_share": None}
    return {"n": len(scores), "mean": round(statistics.fmean(scores), 2),
            "median": round(statistics.median(scores), 2), "min": min(scores), "max": max(scores),
            "auto_failed_share": round(sum(r.auto_fail for r in results) / len(results), 4)}


def _counts(results: list[EvaluationResult], criterion_id: str) -> dict:
    counts = {"pass": 0, "fail": 0, "na": 0}
    for result in results:
        for c in result.criteria:
            if c.criterion_id == criterion_id:
                counts[c.result] += 1
    return counts


def criteria_table(draft: Scorecard, active: Optional[Scorecard], drafts: list[EvaluationResult],
                   actives: list[EvaluationResult]) -> list[dict]:
    """Per criterion (the draft's, then those only the active version has): pass/fail/na counts of
    both; None for a side that has no such criterion."""
    in_draft = {c.id for _, c in draft.criteria()}
    in_active = {c.id for _, c in active.criteria()} if active else set()
    rows = [(s.id, c) for s, c in draft.criteria()]
    rows += [(s.id, c) for s, c in (active.criteria() if active else []) if c.id not in in_draft]
    return [{"id": c.id, "section": section, "title": c.title, "critical": c.critical,
             "draft": _counts(drafts, c.id) if c.id in in_draft else None,
             "active": _counts(actives, c.id) if c.id in in_active else None}
            for section, c in rows]
