"""Reviews override criteria with comments, become final, are audited, and re-run the training rules."""
from __future__ import annotations

import pytest

from qa_app.extensions import db
from qa_app.models import Assignment, AuditEntry
from qa_app.services import ServiceError, conversations, course_store, coursework, ingest, review, scoring, training
from tests.conftest import FIXTURES
from training.quiz import example_response


@pytest.fixture
def scored(app, fake_sentiment, make_user):
    ingest.ingest_paths([FIXTURES / "new_agent.ndjson"], ingest.IngestOptions(create_agents=True))
    scoring.score_pending()
    return make_user("rev", "reviewer")


def _conv(external_id):
    return conversations.by_external_id(external_id)


def test_the_review_queue_lists_auto_scored_conversations_worst_first(scored):
    queue = review.review_queue(scored)
    assert [c.external_id for c, _ in queue] == ["t-bad-1", "t-good-1"]


def test_an_override_without_a_comment_is_refused_and_nothing_is_stored(scored):
    conv = _conv("t-bad-1")
    with pytest.raises(ServiceError, match="greeting: a comment is required"):
        review.submit_review(scored, conv.id, {"greeting": {"result": "pass"}})
    assert len(conversations.evaluations_of(conv.id)) == 1


def test_a_review_becomes_final_and_is_audited(scored):
    conv = _conv("t-good-1")
    ev = review.submit_review(scored, conv.id, {"closing": {"result": "fail", "comment": "closing was rushed"}})
    assert ev.is_final and ev.kind == "human"
    finals = [e for e in conversations.evaluations_of(conv.id) if e.is_final]
    assert finals == [ev] and ev.score < 100
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "review")).one()
    assert entry.before["criteria"]["closing"] == "pass" and entry.after["criteria"]["closing"] == "fail"
    assert entry.user_id == scored.id


def test_clearing_the_critical_failure_cancels_the_compliance_course(scored):
    conv = _conv("t-bad-1")
    failed = [c.criterion_id for c in conversations.final_evaluation(conv.id).criteria if c.result != "pass"]
    overrides = {cid: {"result": "pass", "comment": "calibrated"} for cid in failed}
    ev = review.submit_review(scored, conv.id, overrides)
    # A late first reply keeps its partial credit (a pass below 1), so the score is just under 100.
    assert ev.score > 99 and not ev.auto_fail
    statuses = {a.course.code: a.status for a in db.session.scalars(db.select(Assignment))}
    assert statuses["compliance-en"] == "cancelled"


def test_unknown_criteria_and_bad_results_are_refused(scored):
    conv = _conv("t-good-1")
    with pytest.raises(ServiceError, match="unknown criterion: nope"):
        review.submit_review(scored, conv.id, {"nope": {"result": "pass", "comment": "x"}})
    with pytest.raises(ServiceError, match="must be pass, fail or na"):
        review.submit_review(scored, conv.id, {"closing": {"result": "maybe", "comment": "x"}})


def test_agents_cannot_review(scored, make_user):
    agent = make_user("another.agent", "agent")
    with pytest.raises(ServiceError):
        review.submit_review(agent, _conv("t-good-1").id, {})


def test_a_course_already_open_is_not_assigned_twice(scored):
    before = db.session.scalar(db.select(db.func.count(Assignment.id)))
    scoring.score_pending(rescore_all=True)
    after = db.session.scalar(db.select(db.func.count(Assignment.id)))
    assert before == after


def _answers(agent, a, right: bool) -> dict:
    """Right (or wrong) answers to the questions of the agent's open attempt, started here."""
    attempt = coursework.start_quiz(agent, a.id)
    return {q.id: example_response(q, right) for q in course_store.attempt_quiz(attempt, a.course).quiz.questions}


def test_passing_the_quiz_completes_the_assignment_and_failing_does_not(scored):
    from qa_app.services import users
    agent = users.get_user("sam.new")
    a = training.visible_assignments(agent)[0]
    _, result = coursework.submit_quiz(agent, a.id, _answers(agent, a, right=False))
    assert not result.passed and a.status == "assigned"
    right = _answers(agent, a, right=True)
    _, result = coursework.submit_quiz(agent, a.id, right)
    assert result.passed and a.status == "completed" and a.completed_at
    with pytest.raises(ServiceError, match="completed"):
        coursework.submit_quiz(agent, a.id, right)


def test_only_the_assigned_agent_takes_the_quiz(scored, make_user):
    from qa_app.services import NotFound, users
    a = training.visible_assignments(users.get_user("sam.new"))[0]
    with pytest.raises(NotFound):
        coursework.submit_quiz(make_user("other", "agent"), a.id, {})
    with pytest.raises(ServiceError, match="only the assigned agent"):
        coursework.submit_quiz(scored, a.id, {})


def test_rescoring_audits_the_change_of_final_score(scored):
    scoring.score_pending(rescore_all=True)
    entries = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "rescore")).all()
    assert len(entries) == 2
    assert all(e.before["evaluation"] != e.after["evaluation"] for e in entries)


def test_a_lead_sees_only_the_training_of_the_teams_they_cover(app, fake_sentiment, make_user):
    from qa_app.services import NotFound, users
    make_user("ann", "agent", team="London")
    make_user("bo", "agent", team="Shanghai")
    lead = make_user("lead.x", "lead", covers=("London",))
    admin = users.get_user("admin")
    a_ann = training.assign_course(admin, "ann", "qa-basics-en", 7)
    a_bo = training.assign_course(admin, "bo", "qa-basics-zh", 7)
    assert [a.id for a in training.visible_assignments(lead)] == [a_ann.id]
    with pytest.raises(NotFound):
        training.get_assignment_for(lead, a_bo.id)
    assert {a.id for a in training.visible_assignments(admin)} == {a_ann.id, a_bo.id}


def test_scoring_stores_turn_sentiment_and_the_conversations_start_end_and_lowest(scored):
    conv = _conv("t-bad-1")
    customer = [t.sentiment for t in conv.turns if t.speaker == "customer"]
    assert all(v is not None for v in customer)
    stored = conv.meta["sentiment"]
    assert (stored["start"], stored["min"]) == (customer[0], min(customer))
    assert stored["end"] < 0 and stored["label"] == "negative"  # "This is ridiculous, the worst service ever."
