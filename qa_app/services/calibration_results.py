"""Results of closed calibration sessions (agreement statistics, alignment) and each reviewer's trend."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from qa_app.extensions import db
from qa_app.models import CalibrationSession, User
from qa_app.models.base import as_utc
from qa_app.services import NotFound, ServiceError
from qa_app.services.calibration import AUTOMATIC, LEADS, SessionResults, criteria_of
from scoring.agreement import Ratings, consensus, session_agreement


def _rater_name(answer) -> str:
    return AUTOMATIC if answer.is_auto else answer.rater.login


def results(session: CalibrationSession) -> SessionResults:
    """Per-criterion and total agreement, alignment and leniency of a CLOSED session.

    Raters are the session's raters (by login) and the automatic scorer ("automatic") when it
    answered. A criterion missing from an item's scorecard, and an item a rater left unanswered,
    are missing ratings. Reviewers are compared with the benchmark, else with the consensus.
    """
    if session.status != "closed":
        raise ServiceError("results are shown only once the session is closed")
    items = list(session.items)
    raters = [r.login for r in session.raters]
    if any(a.is_auto for i in items for a in i.answers):
        raters.append(AUTOMATIC)
    criteria = {i.id: criteria_of(i.conversation_id) for i in items}
    points: dict[str, float] = {}
    for item in items:
        for c in criteria[item.id]:
            points.setdefault(c.id, c.weight)
    answers = {i.id: {_rater_name(a): dict(a.answers) for a in i.answers} for i in items}
    totals = {i.id: {_rater_name(a): a.score for a in i.answers} for i in items}
    item_ids = tuple(i.conversation.external_id for i in items)
    tables = {cid: Ratings.from_rows(
        [[answers[i.id].get(r, {}).get(cid) if cid in {c.id for c in criteria[i.id]} else None for r in raters]
         for i in items], item_ids, raters) for cid in points}
    total_table = Ratings.from_rows([[totals[i.id].get(r) for r in raters] for i in items], item_ids, raters)
    benchmark = session.benchmark.login if session.benchmark else None
    agreement = session_agreement(tables, total_table, points, benchmark)
    majority = {cid: consensus(table, "majority") for cid, table in tables.items()}
    agreed = {item.id: {cid: majority[cid][n] for cid in points} for n, item in enumerate(items)}
    return SessionResults(agreement=agreement, raters=tuple(raters), criterion_ids=tuple(points),
                          points=points, answers=answers, totals=totals, consensus=agreed)


@dataclass(frozen=True)
class TrendPoint:
    """A reviewer's alignment in one closed session (None when they were its benchmark)."""

    session_id: int
    name: str
    date: datetime
    alignment: Optional[float]
    leniency: Optional[float]
    benchmark: bool


def alignment_trend(reviewer: User) -> list[TrendPoint]:
    """The reviewer's alignment and leniency across the closed sessions they rated, oldest first."""
    sessions = db.session.scalars(db.select(CalibrationSession).where(
        CalibrationSession.status == "closed", CalibrationSession.raters.any(User.id == reviewer.id))
        .order_by(CalibrationSession.closed_at, CalibrationSession.id))
    points = []
    for session in sessions:
        found = next((r for r in results(session).agreement.reviewers if r.rater == reviewer.login), None)
        points.append(TrendPoint(session.id, session.name, as_utc(session.closed_at or session.deadline),
                                 found.alignment if found else None,
                                 found.leniency.value if found else None,
                                 benchmark=session.benchmark_id == reviewer.id))
    return points


def trend_for(viewer: User, login: str) -> tuple[User, list[TrendPoint]]:
    """(reviewer, trend) when `viewer` may see it: leads and admins anyone's, reviewers their own."""
    reviewer = db.session.scalar(db.select(User).where(User.login == login))
    if reviewer is None or (viewer.role not in LEADS and reviewer.id != viewer.id):
        raise NotFound("no such reviewer")
    return reviewer, alignment_trend(reviewer)
