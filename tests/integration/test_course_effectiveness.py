"""Course effectiveness from stored rows: each completed assignment's final evaluations before and
after, the triggering criteria (failed in the triggering evaluation, else the course's topics), the
quiz scores, on-time completion; checked against figures worked by hand."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from qa_app.extensions import db
from qa_app.models import Assignment, Conversation, Course, CriterionScore, Evaluation, QuizAttempt, ScorecardVersion
from qa_app.services import effectiveness, training

T0 = datetime(2026, 9, 1, 9, tzinfo=timezone.utc)


@pytest.fixture
def two_each(monkeypatch):
    """Two evaluations a side (the setting is read when the app starts, so this comes first)."""
    monkeypatch.setenv("QADESK_EFFECTIVENESS_EVALUATIONS", "2")


@pytest.fixture
def rows(two_each, app, make_user):
    training.ensure_courses()
    db.session.commit()
    return {"version": db.session.scalar(db.select(ScorecardVersion.id).limit(1)),
            "course": db.session.scalar(db.select(Course).where(Course.code == "empathy-en"))}


def final(rows, agent, day: int, score: float, results: dict) -> Evaluation:
    conv = Conversation(external_id=f"{agent.login}-{day}", agent_id=agent.id, started_at=T0 + timedelta(days=day))
    ev = Evaluation(conversation=conv, scorecard_version_id=rows["version"], kind="auto", score=score, is_final=True)
    ev.criteria = [CriterionScore(position=i, criterion_id=c, section_id="s", result=r, weight=1.0)
                   for i, (c, r) in enumerate(results.items())]
    db.session.add(ev)
    db.session.flush()
    return ev


def completed(rows, agent, trigger, assigned: int, done: int, due: int, quiz=()) -> Assignment:
    a = Assignment(agent_id=agent.id, course_id=rows["course"].id, evaluation_id=trigger.id if trigger else None,
                   status="completed", assigned_at=T0 + timedelta(days=assigned),
                   completed_at=T0 + timedelta(days=done), due_at=T0 + timedelta(days=due))
    a.attempts = [QuizAttempt(at=a.completed_at, score=s, passed=s >= 75, submitted_at=a.completed_at) for s in quiz]
    db.session.add(a)
    db.session.flush()
    return a


def test_the_figures_of_a_course_match_a_hand_worked_example(rows, make_user):
    ann, bob = make_user("ann", "agent"), make_user("bob", "agent")
    # ann: before 60 and 70 (empathy fails both), trigger = the 70 one; after 80 and 90 (empathy passes both)
    final(rows, ann, 1, 60, {"empathy": "fail", "greeting": "pass"})
    trigger = final(rows, ann, 2, 70, {"empathy": "fail", "greeting": "pass"})
    final(rows, ann, 20, 80, {"empathy": "pass", "greeting": "fail"})
    final(rows, ann, 21, 90, {"empathy": "pass", "greeting": "pass"})
    completed(rows, ann, trigger, assigned=3, done=10, due=17, quiz=[50, 90])
    # bob, assigned by hand (criteria: the course's topics empathy, complaints, escalation): before 50 with
    # empathy fail, escalation pass (rate 50); after 55 with empathy pass, escalation pass (rate 100); late
    for day, score, empathy in ((1, 40, "na"), (2, 50, "fail"), (30, 55, "pass"), (31, 65, "pass")):
        final(rows, bob, day, score, {"empathy": empathy, "escalation": "pass"})
    completed(rows, bob, None, assigned=5, done=25, due=19, quiz=[80])
    db.session.commit()
    effect = next(f.effect for f in effectiveness.course_effects("empathy-en"))
    pairs = {p.agent: p for p in effect.pairs}
    assert (pairs["ann"].score_before, pairs["ann"].score_after) == (pytest.approx(65.0), pytest.approx(85.0))
    assert (pairs["ann"].rate_before, pairs["ann"].rate_after) == (0.0, 100.0)  # empathy only: what failed
    assert (pairs["bob"].rate_before, pairs["bob"].rate_after) == (pytest.approx(200 / 3), 100.0)
    # score changes 20 and 15: mean 17.5, sd 3.5355, se 2.5, t(0.975, 1) = 12.7062: [-14.266, 49.266]
    assert effect.score.mean == pytest.approx(17.5)
    assert (effect.score.low, effect.score.high) == (pytest.approx(-14.266, abs=1e-3), pytest.approx(49.266, abs=1e-3))
    assert (effect.completed, effect.on_time, effect.waiting, effect.flagged) == (2, 1, 0, False)
    assert (effect.quiz.n, effect.quiz.median) == (3, 80)
    doc = effectiveness.document(next(iter(effectiveness.course_effects("empathy-en"))))
    assert doc["criteria_change"]["n"] == 2 and doc["agents"][0]["agent"] == "ann"


def test_an_agent_sees_before_and_after_for_each_completed_course(rows, make_user):
    ann = make_user("ann", "agent")
    trigger = final(rows, ann, 1, 60, {"empathy": "fail"})
    a = completed(rows, ann, trigger, assigned=2, done=4, due=10)
    db.session.commit()
    [(shown, pair)] = effectiveness.pairs_of(training.visible_assignments(ann))
    assert shown.id == a.id and pair is None  # one evaluation before and none after: not two each
