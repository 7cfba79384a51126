"""What people see of calibration sessions: the session page (the blind), results of closed sessions
(agreement statistics, alignment) and each reviewer's trend.

Imports calibration_sessions (never the other way round); reading changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping, Optional

from flask_babel import gettext as _

from qa_app import clock
from qa_app.extensions import db
from qa_app.models import CalibrationItem, CalibrationSession, User
from qa_app.services import NotFound, ServiceError
from qa_app.services.calibration_sessions import (AUTOMATIC, LEADS, CriterionInfo, closed_at_of, criteria_of,
                                                  get_visible, is_closed, is_rater, may_close, session_filter)
from scoring.agreement import Ratings, consensus, session_agreement


@dataclass(frozen=True)
class SessionResults:
    """A closed session's statistics; `answers[item_id][rater]` and `totals[item_id][rater]` per rater."""

    agreement: object  # scoring.agreement.SessionAgreement
    raters: tuple[str, ...]
    criterion_ids: tuple[str, ...]
    points: Mapping[str, float]
    answers: Mapping[int, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)
    totals: Mapping[int, Mapping[str, Optional[float]]] = field(default_factory=dict)
    consensus: Mapping[int, Mapping[str, Optional[str]]] = field(default_factory=dict)


@dataclass(frozen=True)
class SessionPage:
    """What one user may see of a session. Before close: only their own answers (and, for leads
    and admins, how many items each rater answered); after close: the results too."""

    session: CalibrationSession
    closed: bool
    closed_at: Optional[datetime]
    items: tuple[CalibrationItem, ...]
    criteria: Mapping[int, tuple[CriterionInfo, ...]]  # item id -> criteria
    own: Mapping[int, Mapping[str, str]]  # item id -> this user's answers
    progress: Optional[Mapping[str, int]] = None  # rater login -> items answered (leads/admins only)
    results: Optional[SessionResults] = None  # closed sessions only
    can_answer: bool = False
    can_close: bool = False
    can_calibrate: bool = False


def session_page(user: User, session_id: int, now: Optional[datetime] = None) -> SessionPage:
    """Everything `user` may see of the session, and nothing more (the blind is enforced here)."""
    now = clock.or_now(now)
    session = get_visible(user, session_id)
    closed = is_closed(session, now)
    items = tuple(session.items)
    own = {i.id: dict(a.answers) for i in items for a in i.answers if a.rater_id == user.id}
    progress = None
    if user.role in LEADS:
        progress = {r.login: sum(1 for i in items for a in i.answers if a.rater_id == r.id)
                    for r in session.raters}
    return SessionPage(session=session, closed=closed, closed_at=closed_at_of(session, now), items=items,
                       criteria={i.id: criteria_of(i.conversation_id) for i in items}, own=own,
                       progress=progress, results=results(session, now) if closed else None,
                       can_answer=not closed and is_rater(user, session),
                       can_close=not closed and may_close(user, session),
                       can_calibrate=closed and user.role in LEADS)


def _rater_name(answer) -> str:
    return AUTOMATIC if answer.is_auto else answer.rater.login


def results(session: CalibrationSession, now: Optional[datetime] = None) -> SessionResults:
    """Per-criterion and total agreement, alignment and leniency of a CLOSED session.

    Raters are the session's raters (by login) and the automatic scorer ("automatic") when it
    answered. A criterion missing from an item's scorecard, and an item a rater left unanswered,
    are missing ratings. Reviewers are compared with the benchmark, else with the consensus.
    """
    if not is_closed(session, now):
        raise ServiceError(_("results are shown only once the session is closed"))
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


def alignment_trend(reviewer: User, viewer: Optional[User] = None,
                    now: Optional[datetime] = None) -> list[TrendPoint]:
    """The reviewer's alignment and leniency across the closed sessions they rated, oldest first;
    with `viewer`, only the sessions the viewer may open."""
    now = clock.or_now(now)
    query = db.select(CalibrationSession).where(CalibrationSession.raters.any(User.id == reviewer.id))
    if viewer is not None:
        query = query.where(session_filter(viewer))
    closed = [s for s in db.session.scalars(query) if is_closed(s, now)]
    points = []
    for session in sorted(closed, key=lambda s: (closed_at_of(s, now), s.id)):
        found = next((r for r in results(session, now).agreement.reviewers if r.rater == reviewer.login), None)
        points.append(TrendPoint(session.id, session.name, closed_at_of(session, now),
                                 found.alignment if found else None,
                                 found.leniency.value if found else None,
                                 benchmark=session.benchmark_id == reviewer.id))
    return points


def trend_for(viewer: User, login: str) -> tuple[User, list[TrendPoint]]:
    """(reviewer, trend) when `viewer` may see it: leads and admins anyone's, reviewers their own;
    the trend lists only sessions the viewer may open."""
    reviewer = db.session.scalar(db.select(User).where(User.login == login))
    if reviewer is None or (viewer.role not in LEADS and reviewer.id != viewer.id):
        raise NotFound(_("no such reviewer"))
    return reviewer, alignment_trend(reviewer, viewer)
