"""Which period things count in (docs/reports.md): everything counts in the period of the
conversation it is about, whenever the scoring, the review or the dispute happened."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from qa_app.services import conversations, disputes, ingest, reports, review, scoring, training

NOV_28 = datetime(2026, 11, 28, 16, 0, tzinfo=timezone.utc)
DEC_3 = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)
RUDE = [("customer", "Where is my parcel? This is ridiculous."), ("agent", "Calm down, that's not my problem."),
        ("customer", "Unacceptable.")]


def _ingest(external_id: str, agent: str, start: datetime) -> int:
    record = {"id": external_id, "agent": agent, "language": "en", "started_at": start.isoformat(),
              "turns": [{"speaker": s, "text": t, "at": (start + timedelta(seconds=20 * i)).isoformat()}
                        for i, (s, t) in enumerate(RUDE)]}
    return ingest.ingest_text(json.dumps(record), f"{external_id}.json").conversation_ids[0]


@pytest.fixture
def late_scored(app, fake_sentiment, make_user, frozen_clock):
    """A rude November 28 conversation of ann's, first scored on December 3 (a backlog)."""
    make_user("ann", "agent", team="team-a")
    make_user("rae", "reviewer", covers=["team-a"])
    make_user("lee", "lead", covers=["team-a"])
    frozen_clock.move_to(DEC_3)
    conv_id = _ingest("late-1", "ann", NOV_28)
    scoring.score_pending(conversation_ids=[conv_id])
    return conv_id


def _row(period: str, login: str = "ann"):
    return next(r for r in reports.appraisal_report(period).rows if r.agent == login)


def test_training_caused_by_a_november_conversation_counts_in_november_though_assigned_in_december(late_scored):
    from qa_app.extensions import db
    from qa_app.models import Assignment
    assigned = db.session.scalars(db.select(Assignment)).all()
    assert assigned and all(a.assigned_at.date() == DEC_3.date() for a in assigned)
    assert _row("2026-11").courses_assigned == len(assigned) and _row("2026-11").evaluations == 1
    assert _row("2026-12").courses_assigned == 0 and _row("2026-12").evaluations == 0


def test_a_december_review_of_a_november_conversation_changes_novembers_figures(late_scored):
    from qa_app.services import users
    before = _row("2026-11").qa_average
    failed = [c.criterion_id for c in conversations.final_evaluation(late_scored).criteria if c.result == "fail"]
    review.submit_review(users.get_user("rae"), late_scored,
                         {c: {"result": "pass", "comment": "calibrated"} for c in failed})
    assert before == 0.0 and _row("2026-11").qa_average == 100.0
    assert _row("2026-12").evaluations == 0


def test_a_dispute_about_a_november_conversation_counts_in_novembers_statistics(late_scored):
    from qa_app.services import users
    ev = conversations.final_evaluation(late_scored)
    disputes.open_dispute(users.get_user("ann"), ev.id, "I was polite", [ev.criteria[0].criterion_id])
    assert disputes.stats("2026-11")[1].volume == 1
    assert disputes.stats("2026-12")[1].volume == 0


def test_a_course_assigned_by_hand_counts_when_it_was_assigned(app, make_user, frozen_clock):
    make_user("ann", "agent", team="team-a")
    frozen_clock.move_to(DEC_3)
    from qa_app.services import users
    training.assign_course(users.get_user("admin"), "ann", "compliance-en")
    assert _row("2026-12").courses_assigned == 1 and _row("2026-11").courses_assigned == 0
