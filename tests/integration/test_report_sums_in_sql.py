"""The appraisal report's evaluation and CSAT figures, summed per agent in SQL, are what the loaded
rows summed in Python give (the way they were computed before), on every engine the suite runs on."""
from __future__ import annotations

from qa_app.extensions import db
from qa_app.models import Conversation, Evaluation, User
from qa_app.services import reports
from tests.integration.test_trust_and_agent_scores import (ANGRY, DISAGREE_ON_SENTIMENT, HAPPY, REVIEWED, people,
                                                           record, review_all, seed)
from training import appraisal
from training.periods import parse_period

__all__ = ["people"]  # the fixture, used by name below
OTHERS = [record("b-fast", 10, HAPPY, agent="bob"), record("b-slow", 90, ANGRY, agent="bob"),
          record("b-none", None, ANGRY, agent="bob"), record("a-late", 45, HAPPY)]
CSAT = {"r1": 5, "r2": 2, "r3": 4, "b-fast": 3, "b-slow": 4, "b-none": 1}  # a-late and r4: no answer


def _python_records(period) -> tuple[dict, dict]:
    """agent id -> the final evaluations, and -> the CSAT answers, of the period's conversations, as
    the report loaded them row by row before it summed them in SQL."""
    in_period = (Conversation.started_at >= period.start) & (Conversation.started_at < period.end)
    evaluations, answers = {}, {}
    for agent_id, score, failed, at in db.session.execute(
            db.select(Conversation.agent_id, Evaluation.score, Evaluation.auto_fail, Conversation.started_at)
            .join(Evaluation, Evaluation.conversation_id == Conversation.id)
            .where(Evaluation.is_final.is_(True), in_period).order_by(Evaluation.id)):
        evaluations.setdefault(agent_id, []).append(appraisal.EvaluationRecord(score, failed, at))
    for agent_id, value in db.session.execute(db.select(Conversation.agent_id, Conversation.csat)
                                              .where(Conversation.csat.is_not(None), in_period)):
        answers.setdefault(agent_id, []).append(value)
    return evaluations, answers


def _seeded(people, make_user) -> None:
    make_user("bob", "agent")
    _, rev = people
    ids = seed(*REVIEWED, *OTHERS)
    review_all(rev, ids, DISAGREE_ON_SENTIMENT)
    for external_id, value in CSAT.items():
        db.session.execute(db.update(Conversation).where(Conversation.external_id == external_id).values(csat=value))
    # a critical failure, as a stricter card would give b-slow (the lab card has no critical criterion)
    db.session.execute(db.update(Evaluation).values(auto_fail=True, score=0.0).where(
        Evaluation.is_final.is_(True), Evaluation.conversation_id == ids["b-slow"]))
    db.session.commit()


def test_the_evaluation_and_csat_figures_summed_in_sql_are_the_python_sums_of_the_rows(app, people, make_user):
    _seeded(people, make_user)
    period = parse_period("2026-11")
    evaluations, answers = _python_records(period)
    assert reports._evaluations(period) == {a: appraisal.EvaluationTotals.of(e) for a, e in evaluations.items()}
    assert reports._csat(period) == {a: appraisal.CsatCounts.of(v) for a, v in answers.items()}
    assert len(evaluations) == 2 and sum(len(e) for e in evaluations.values()) == 8
    assert any(e.auto_fail for rows in evaluations.values() for e in rows)  # critical failures are counted too


def test_the_report_rows_from_the_sql_sums_are_the_rows_of_the_loaded_records(app, people, make_user):
    _seeded(people, make_user)
    period = parse_period("2026-11")
    evaluations, answers = _python_records(period)
    agents = {u.id: u.login for u in db.session.scalars(db.select(User).where(User.role == "agent"))}
    report = reports.appraisal_report("2026-11")
    scored = {r.agent: (r.qa_score, r.qa_n, r.qa_ci_low, r.qa_ci_high, r.reviews_needed) for r in report.rows}
    expected = appraisal.appraisal_rows([appraisal.AgentRecords(
        agent=login, evaluations=tuple(evaluations.get(a, ())), csat=tuple(answers.get(a, ())))
        for a, login in agents.items()], as_of=period.end)
    as_loaded = [(r.agent, r.qa_average, r.evaluations, r.critical_failures, r.csat_percent, r.rating) for r in expected]
    assert [(r.agent, r.qa_average, r.evaluations, r.critical_failures, r.csat_percent, r.rating)
            for r in report.rows] == as_loaded
    assert {login: r.csat_percent for login, r in zip(scored, report.rows)} == {"ann": 66.7, "bob": 33.3}
    assert scored["ann"][1] == 4 and report.rows[1].critical_failures == 1  # ann's reviews; bob's failure


def test_a_leads_report_reads_only_their_agents_and_gives_their_rows_of_the_whole_report(app, people, make_user):
    _seeded(people, make_user)
    make_user("cy", "agent", team="South")
    north = make_user("north", "agent", team="North")  # the lead's team: bob moves there
    db.session.execute(db.update(User).where(User.login == "bob").values(team_id=north.team_id))
    db.session.commit()
    lead = make_user("lee", "lead", covers=["North"])
    whole = {r.agent: r for r in reports.appraisal_report("2026-11").rows}
    scoped = reports.appraisal_report("2026-11", viewer=lead).rows
    assert [r.agent for r in scoped] == ["bob", "north", "ann"]  # North, then ann in no team; not cy (South)
    assert scoped == [whole[r.agent] for r in scoped]
    assert reports._scope(db.session.scalars(db.select(User).where(User.role == "agent")).all()) is None
