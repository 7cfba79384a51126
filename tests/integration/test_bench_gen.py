"""bench/gen.py fills an instance the app opens, with the counts asked for and the rows the app itself stores."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa_app.demo import DEMO_PASSWORD
from qa_app.extensions import db
from qa_app.models import AuditEntry, Conversation, CriterionScore, Evaluation, Turn, User

ROOT = Path(__file__).resolve().parents[2]
DASHBOARDS = {"agent": ["/dashboards/me"], "hr": ["/dashboards/qa"]}


@pytest.fixture
def generated(instance_dir):
    """A tiny generated instance: 3 agents, 50 conversations, 10 of them reviewed."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, str(ROOT / "bench" / "gen.py"), "--instance", str(instance_dir), "--agents", "3",
                    "--conversations", "50", "--evaluations", "10", "--seed", "5"],
                   env=env, check=True, capture_output=True, cwd=ROOT, timeout=600)
    return instance_dir


@pytest.fixture
def app(generated):
    from qa_app import create_app
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False}, instance_path=str(generated))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _count(model, *where) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def test_the_generated_instance_holds_the_agents_conversations_and_reviews_asked_for(app):
    assert _count(User, User.role == "agent") == 3
    assert _count(Conversation) == 50
    assert _count(Evaluation, Evaluation.kind == "auto") == 50
    assert _count(Evaluation, Evaluation.kind == "human", Evaluation.source == "review") == 10
    assert _count(Evaluation, Evaluation.is_final.is_(True)) == 50
    assert _count(Evaluation, Evaluation.is_final.is_(True), Evaluation.kind == "human") == 10
    assert _count(Turn) > 50 * 7 and _count(Turn, Turn.sentiment.is_not(None)) > 0
    assert _count(CriterionScore, CriterionScore.evaluation_id.not_in(db.select(Evaluation.id))) == 0
    assert {lang for (lang,) in db.session.execute(db.select(Conversation.language).distinct())} <= {"en", "zh"}


def test_the_generated_instance_has_its_dashboards_rollup_summed_from_every_final_evaluation(app):
    from qa_app.models import DailyRollup
    assert db.session.scalar(db.select(db.func.sum(DailyRollup.n))) == 50
    assert db.session.scalar(db.select(db.func.sum(DailyRollup.score_sum))) == pytest.approx(
        db.session.scalar(db.select(db.func.sum(Evaluation.score)).where(Evaluation.is_final.is_(True))))


def test_each_review_is_based_on_the_automatic_evaluation_and_is_in_the_sealed_audit_log(app):
    from qa_app.services import audit
    reviews = list(db.session.scalars(db.select(Evaluation).where(Evaluation.kind == "human")))
    for review in reviews:
        base = db.session.get(Evaluation, review.based_on_id)
        assert base.kind == "auto" and base.conversation_id == review.conversation_id and not base.is_final
        assert review.reviewer.role == "reviewer" and len(review.criteria) == len(base.criteria)
    entries = list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "review")))
    assert sorted(e.entity_id for e in entries) == sorted(r.conversation_id for r in reviews)
    assert audit.verify().ok and audit.verify().unsealed == 0


def test_scoring_a_generated_conversation_again_gives_the_stored_automatic_result(app):
    from qa_app.services import scoring
    firsts = {ev.conversation_id: ev for ev in db.session.scalars(
        db.select(Evaluation).where(Evaluation.kind == "auto").order_by(Evaluation.id).limit(8))}
    sentiment = {t.id: t.sentiment for t in db.session.scalars(db.select(Turn).where(Turn.conversation_id.in_(firsts)))}
    meta = {c.id: c.meta for c in db.session.scalars(db.select(Conversation).where(Conversation.id.in_(firsts)))}
    scoring.score_pending(conversation_ids=list(firsts), rescore_all=True)
    db.session.expire_all()
    for cid, first in firsts.items():
        again = db.session.scalars(db.select(Evaluation).where(Evaluation.conversation_id == cid,
                                                             Evaluation.kind == "auto").order_by(Evaluation.id)).all()[-1]
        assert again.id != first.id
        assert (again.score, again.auto_fail, again.fail_reasons, again.section_scores) == \
            (first.score, first.auto_fail, first.fail_reasons, first.section_scores)
        assert [(c.criterion_id, c.result, c.score, c.evidence, c.explanation) for c in again.criteria] == \
            [(c.criterion_id, c.result, c.score, c.evidence, c.explanation) for c in first.criteria]
        assert db.session.get(Conversation, cid).meta == meta[cid]
    assert {t.id: t.sentiment for t in db.session.scalars(
        db.select(Turn).where(Turn.conversation_id.in_(firsts)))} == sentiment


def test_the_generated_users_sign_in_and_the_pages_open(app, client):
    from tests.conftest import PASSWORD, AuthActions  # the test instance's admin keeps its password
    auth = AuthActions(client)
    review = db.session.scalar(db.select(Evaluation).where(Evaluation.kind == "human").limit(1))
    reviewed, reviewer = review.conversation_id, review.reviewer.login
    agent = db.session.get(Conversation, reviewed).agent.login
    for login, pages in ((reviewer, ["/review/", "/conversations/", f"/conversations/{reviewed}"]),
                         (agent, ["/", "/conversations/", f"/conversations/{reviewed}", *DASHBOARDS["agent"]]),
                         ("hr.1", ["/reports/appraisal", *DASHBOARDS["hr"]]),
                         ("admin", ["/admin/users", "/admin/audit", "/conversations/"])):
        assert auth.login(login, PASSWORD if login == "admin" else DEMO_PASSWORD).status_code == 302, login
        for page in pages:
            assert client.get(page).status_code == 200, (login, page)
        auth.logout()
