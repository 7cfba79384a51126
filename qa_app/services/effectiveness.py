"""Course effectiveness (training.effectiveness) from the stored rows: per course over the agents who
completed it, and per agent over their completed courses. Read-only; a few queries per call,
whatever the number of courses."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Optional

from sqlalchemy.orm import joinedload

from qa_app import exports
from qa_app.extensions import db
from qa_app.models import Assignment, Conversation, Course, CriterionScore, Evaluation, QuizAttempt, User
from qa_app.models.base import as_utc
from qa_app.services import conversations
from qa_app.settings import settings as instance_settings
from training import effectiveness as core


@dataclass(frozen=True)
class CourseFigures:
    title: str
    effect: core.CourseEffect


def _completed(course_code: Optional[str] = None, viewer: Optional[User] = None) -> list[Assignment]:
    query = (db.select(Assignment).join(Course, Course.id == Assignment.course_id)
             .join(User, User.id == Assignment.agent_id)
             .where(Assignment.status == "completed", Assignment.completed_at.is_not(None),
                    conversations.covered_agents(viewer) if viewer is not None else db.true())
             .options(joinedload(Assignment.agent), joinedload(Assignment.course)).order_by(Assignment.id))
    if course_code:
        query = query.where(Course.code == course_code)
    return list(db.session.scalars(query))


def _results(evaluation_ids: set[int]) -> dict[int, dict[str, str]]:
    out: dict[int, dict[str, str]] = defaultdict(dict)
    for ev_id, criterion, result in db.session.execute(
            db.select(CriterionScore.evaluation_id, CriterionScore.criterion_id, CriterionScore.result)
            .where(CriterionScore.evaluation_id.in_(evaluation_ids))):
        out[ev_id][criterion] = result
    return out


def _finals(agent_ids: set[int]) -> dict[int, tuple[core.Scored, ...]]:
    """Each agent's final evaluations, dated by their conversation."""
    rows = db.session.execute(
        db.select(Conversation.agent_id, Evaluation.id, Conversation.started_at, Evaluation.score)
        .join(Evaluation, Evaluation.conversation_id == Conversation.id)
        .where(Evaluation.is_final.is_(True), Conversation.agent_id.in_(agent_ids))).all()
    results = _results({r[1] for r in rows})
    out: dict[int, list[core.Scored]] = defaultdict(list)
    for agent_id, ev_id, at, score in rows:
        out[agent_id].append(core.Scored(as_utc(at), score, results.get(ev_id, {})))
    return {k: tuple(v) for k, v in out.items()}


def _completions(assignments: list[Assignment]) -> dict[int, core.Completion]:
    """Assignment id -> its Completion; triggering criteria are the failed ones of the evaluation
    that triggered it, else the course's topics."""
    finals = _finals({a.agent_id for a in assignments})
    triggers = _results({a.evaluation_id for a in assignments if a.evaluation_id})
    out = {}
    for a in assignments:
        failed = tuple(c for c, r in triggers.get(a.evaluation_id, {}).items() if r == "fail")
        out[a.id] = core.Completion(a.id, a.agent.login, as_utc(a.assigned_at), as_utc(a.completed_at),
                                    as_utc(a.due_at), failed or tuple(a.course.topics or ()),
                                    finals.get(a.agent_id, ()))
    return out


def _quiz_scores(course_ids: set[int]) -> dict[int, list[float]]:
    out: dict[int, list[float]] = defaultdict(list)
    for course_id, score in db.session.execute(
            db.select(Assignment.course_id, QuizAttempt.score).join(Assignment, Assignment.id == QuizAttempt.assignment_id)
            .where(Assignment.course_id.in_(course_ids), QuizAttempt.score.is_not(None),
                   QuizAttempt.late.is_(False))):
        out[course_id].append(score)
    return out


def course_effects(course_code: Optional[str] = None, viewer: Optional[User] = None) -> list[CourseFigures]:
    """Every course with at least one completed assignment (or the one asked for), by code, over the
    agents `viewer` may see (a lead: their covered teams; HR, admins and None: all)."""
    config = instance_settings()
    assignments = _completed(course_code, viewer)
    completions = _completions(assignments)
    by_course: dict[int, list[Assignment]] = defaultdict(list)
    for a in assignments:
        by_course[a.course_id].append(a)
    courses = list(db.session.scalars(db.select(Course).order_by(Course.code).where(
        Course.code == course_code if course_code else Course.id.in_(list(by_course)))))
    quiz = _quiz_scores({c.id for c in courses})
    return [CourseFigures(c.title, core.course_effect(
        c.code, [completions[a.id] for a in by_course.get(c.id, [])], quiz.get(c.id, []),
        k=config.effectiveness_evaluations, min_n=config.effectiveness_min_agents)) for c in courses]


def pairs_of(assignments: list[Assignment]) -> list[tuple[Assignment, Optional[core.Pair]]]:
    """The completed ones of `assignments` (the caller's, already limited to what the user may
    see) with their before/after, oldest first (None: not enough evaluations on one side yet)."""
    done = sorted((a for a in assignments if a.status == "completed" and a.completed_at), key=lambda a: a.id)
    completions, k = _completions(done), instance_settings().effectiveness_evaluations
    return [(a, core.pair_of(completions[a.id], k)) for a in done]


def _change(c: core.Change) -> dict:
    return {"n": c.n, "mean": c.mean, "low": c.low, "high": c.high}


def document(f: CourseFigures) -> dict:
    """A course's figures as plain values (`qadesk training effectiveness --json`)."""
    e = f.effect
    return {"course": e.code, "title": f.title, "completed": e.completed, "on_time": e.on_time,
            "waiting": e.waiting, "score_change": _change(e.score), "criteria_change": _change(e.criteria),
            "flagged": e.flagged, "quiz": {k: getattr(e.quiz, k) for k in
                                           ("n", "mean", "minimum", "q1", "median", "q3", "maximum")},
            "agents": [{"agent": p.agent, "assignment": p.assignment_id, "score_before": p.score_before,
                        "score_after": p.score_after, "rate_before": p.rate_before, "rate_after": p.rate_after}
                       for p in e.pairs]}


_CHANGE_COLUMNS = ("n", "mean", "low", "high")


def export_tables(figures: list[CourseFigures]) -> list[exports.Table]:
    """The report as export tables: "Courses" (a row per course, as on the page) and "Before and
    after" (a row per completion with both sides). Scores and their changes are points; pass rates
    of the triggering criteria are percentages, and their change is in percentage points."""
    change_columns = tuple(exports.Column(f"{side}_change{'' if part == 'mean' else '_' + part}",
                                          "integer" if part == "n" else "score")
                           for side in ("score", "criteria") for part in _CHANGE_COLUMNS)
    courses = exports.Table("Courses", (
        exports.Column("course", width=18), exports.Column("title", width=30), exports.Column("completed", "integer"),
        exports.Column("on_time", "integer"), exports.Column("waiting", "integer"), *change_columns,
        exports.Column("quiz_attempts", "integer"), exports.Column("quiz_median", "score"),
        exports.Column("quiz_q1", "score"), exports.Column("quiz_q3", "score"), exports.Column("flagged")),
        [(f.effect.code, f.title, f.effect.completed, f.effect.on_time, f.effect.waiting,
          *(getattr(c, part) for c in (f.effect.score, f.effect.criteria) for part in _CHANGE_COLUMNS),
          f.effect.quiz.n, f.effect.quiz.median, f.effect.quiz.q1, f.effect.quiz.q3,
          "yes" if f.effect.flagged else "") for f in figures])
    pairs = exports.Table("Before and after", (
        exports.Column("course", width=18), exports.Column("agent", width=16), exports.Column("assignment", "integer"),
        exports.Column("score_before", "score"), exports.Column("score_after", "score"),
        exports.Column("criteria_rate_before", "percent"), exports.Column("criteria_rate_after", "percent")),
        [(f.effect.code, p.agent, p.assignment_id, p.score_before, p.score_after, p.rate_before, p.rate_after)
         for f in figures for p in f.effect.pairs])
    return [courses, pairs]
