"""At most one open dispute per evaluation, enforced by the database (uq_dispute_one_open); an
instance that the old double-submit race left with two open disputes upgrades keeping the oldest."""
from __future__ import annotations

import json

import pytest
from sqlalchemy.exc import IntegrityError

from qa_app.extensions import db, migration_config
from qa_app.models import Dispute
from qa_app.services import ServiceError, conversations, disputes, ingest, scoring
from tests.conftest import PASSWORD
from tests.functional.test_web_access import record

COLUMNS = "evaluation_id, conversation_id, agent_id, criteria, comment, status, outcome_reason, created_at"


def _opened(make_user):
    agent = make_user("agent1", "agent", team="team-a")
    summary = ingest.ingest_text(json.dumps(record("c-1", "agent1")), "c-1.json")
    scoring.score_pending(conversation_ids=summary.conversation_ids)
    ev = conversations.final_evaluation(summary.conversation_ids[0])
    return agent, ev.id, disputes.open_dispute(agent, ev.id, "not fair").id


def _copy_open_dispute(dispute_id: int) -> None:
    db.session.execute(db.text(f"INSERT INTO dispute ({COLUMNS}) SELECT {COLUMNS} FROM dispute WHERE id = :id"),
                       {"id": dispute_id})


def test_the_database_refuses_a_second_open_dispute_of_an_evaluation(app, make_user, fake_sentiment):
    _agent, _ev, first = _opened(make_user)
    with pytest.raises(IntegrityError, match="dispute.evaluation_id|uq_dispute_one_open"):
        _copy_open_dispute(first)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Dispute)) == 1


def test_a_second_dispute_on_a_resolved_one_may_be_opened_again(app, make_user, fake_sentiment):
    """The index covers open disputes only: a closed dispute leaves the evaluation free to contest
    again (while it is final and in the window)."""
    agent, ev, first = _opened(make_user)
    with pytest.raises(ServiceError, match="already has an open dispute"):
        disputes.open_dispute(agent, ev, "again")
    db.session.execute(db.update(Dispute).where(Dispute.id == first).values(status="rejected"))
    db.session.commit()
    assert disputes.open_dispute(agent, ev, "again").status == "open"


def test_upgrading_an_instance_with_two_open_disputes_keeps_the_oldest_open(tmp_path, fake_sentiment):
    from flask_migrate import downgrade, upgrade
    from qa_app import create_app
    from qa_app.services import instance, users
    app = create_app({"TESTING": True}, instance_path=str(tmp_path / "old"))
    directory = migration_config(app).directory
    with app.app_context():
        instance.init_instance(admin_password=PASSWORD)
        _agent, ev, first = _opened(lambda login, role, team: users.add_user(
            login, role, team=team, password=PASSWORD)[0])
        downgrade(directory=directory, revision="d4a8c2e6f1b3")  # before the unique index
        _copy_open_dispute(first)
        db.session.commit()
        upgrade(directory=directory)
        rows = db.session.scalars(db.select(Dispute).where(Dispute.evaluation_id == ev).order_by(Dispute.id)).all()
        assert [(d.id, d.status) for d in rows] == [(first, "open"), (first + 1, "rejected")]
        assert rows[1].outcome_reason == f"duplicate of dispute {first} (sent twice)"
        db.session.remove()
        db.engine.dispose()
