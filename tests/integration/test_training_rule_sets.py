"""Training rules as versioned rule sets, run after scoring, nightly and as a dry run.

Final evaluations are written as rows (a conversation, its final evaluation and failed
criteria), so each test states exactly what the agent's record holds.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from qa_app.extensions import db
from qa_app.models import Assignment, AuditEntry, Conversation, CriterionScore, Evaluation, TrainingRuleSet, User
from qa_app.services import rule_runs, scorecards, training_rules
from training.rule_files import default_rules

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)

CSAT_RULE = """rules:
- id: csat
  name: Not satisfied
  kind: csat_below
  threshold: 4
  count: 2
  window: 3
  course_code: empathy-en
  due_days: 10
  cooldown_days: 5
"""


@pytest.fixture
def agent(make_user):
    return make_user("rule.agent", "agent", team="team-r")


def final(agent, n: int, *, score=90.0, csat=None, failed=(), at=NOW, started=None) -> int:
    """Store conversation n of `agent` with a final automatic evaluation; returns the conversation id."""
    version = scorecards.find_version("general-en")
    conv = Conversation(external_id=f"{agent.login}-{n}", agent_id=agent.id, language="en", csat=csat,
                        started_at=started or NOW - timedelta(days=30) + timedelta(hours=n), meta={})
    db.session.add(conv)
    db.session.flush()
    ev = Evaluation(conversation_id=conv.id, scorecard_version_id=version.id, kind="auto", score=score,
                    is_final=True, created_at=at, section_scores={})
    db.session.add(ev)
    db.session.flush()
    for i, criterion in enumerate(failed):
        db.session.add(CriterionScore(evaluation_id=ev.id, position=i, criterion_id=criterion, section_id="x",
                                      result="fail", weight=1.0))
    db.session.commit()
    return conv.id


def assignments(agent) -> list[Assignment]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Assignment).where(Assignment.agent_id == agent.id)
                                   .order_by(Assignment.id)))


def test_a_new_instance_has_the_shipped_rules_as_version_one(app):
    row = training_rules.current()
    assert row.version == 1 and row.note == "shipped rules"
    assert {r.id for r in training_rules.current_rules()} >= {"basics-en", "empathy-zh", "aftersales-zh"}


def test_saving_stores_the_next_version_in_force_and_audits_before_and_after(app):
    admin = db.session.scalar(db.select(User).filter_by(login="admin"))
    row = training_rules.save(CSAT_RULE, actor=admin, base_version=1, note="CSAT pilot")
    assert (row.version, row.note, row.created_by_id) == (2, "CSAT pilot", admin.id)
    assert [r.id for r in training_rules.current_rules()] == ["csat"]
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.entity == "training_rules")
                              .order_by(AuditEntry.id.desc()).limit(1))
    assert entry.entity_id == 2 and entry.before["version"] == 1 and entry.after["rules"][0]["id"] == "csat"
    assert len(training_rules.get_version(1).rules) == len(default_rules())  # the old version is kept unchanged


def test_saving_the_same_rules_again_stores_nothing(app):
    text = training_rules.export_yaml()
    assert training_rules.save(text, actor=None).version == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(TrainingRuleSet)) == 1


def test_a_save_from_an_older_version_is_refused_so_no_change_is_lost(app):
    training_rules.save(CSAT_RULE, actor=None, base_version=1)
    with pytest.raises(training_rules.StaleRules, match="now version 2"):
        training_rules.save(CSAT_RULE.replace("count: 2", "count: 3"), actor=None, base_version=1)
    assert training_rules.current().version == 2


@pytest.mark.parametrize(
    "change, message",
    [
        (("course_code: empathy-en", "course_code: no-such-course"),
         "rules.yaml: rules[0].course_code: no course 'no-such-course' in this instance"),
        (("kind: csat_below\n  threshold: 4", "kind: criterion_failed\n  criterion_id: smiling"),
         "rules.yaml: rules[0].criterion_id: no active scorecard has a criterion 'smiling'"),
        (("kind: csat_below\n  threshold: 4", "kind: section_below\n  section_id: nope\n  threshold: 4"),
         "rules.yaml: rules[0].section_id: no active scorecard has a section 'nope'"),
        (("due_days: 10", "due_days: 0"), "rules.yaml: rules[0].due_days: must be a whole number of days >= 1"),
    ],
)
def test_rules_naming_what_the_instance_lacks_are_refused_whole(app, change, message):
    with pytest.raises(training_rules.InvalidRules) as raised:
        training_rules.save(CSAT_RULE.replace(*change), actor=None)
    assert raised.value.errors[0].startswith(message)
    assert training_rules.current().version == 1


def test_a_windowed_rule_assigns_on_the_evaluation_that_completes_the_count_and_records_all_it_counted(app, agent):
    training_rules.save(CSAT_RULE, actor=None)
    first = final(agent, 1, csat=2)
    assert rule_runs.apply_rules([first], NOW) == []  # one unsatisfied rating of the two needed
    final(agent, 2, csat=5)
    third = final(agent, 3, csat=3)
    [made] = rule_runs.apply_rules([third], NOW)
    db.session.commit()
    ids = {c: db.session.scalar(db.select(Evaluation.id).where(Evaluation.conversation_id == c)) for c in (first, third)}
    [stored] = assignments(agent)
    assert stored.course.code == "empathy-en" and stored.rule_code == "csat"
    assert stored.trigger_evaluation_ids == [ids[third], ids[first]]
    assert "2 of the last 3 evaluations (rule.agent-3, rule.agent-1)" in stored.reason


def test_the_cooldown_and_an_answered_evaluation_keep_a_completed_course_from_coming_straight_back(app, agent):
    training_rules.save(CSAT_RULE.replace("count: 2\n  window: 3", "count: 1\n  window: 1"), actor=None)
    conv = final(agent, 1, csat=1)
    [a] = rule_runs.apply_rules([conv], NOW)
    a.status, a.completed_at = "completed", NOW + timedelta(days=1)
    db.session.commit()
    later = final(agent, 2, csat=1, at=NOW + timedelta(days=3))
    assert rule_runs.apply_rules([conv, later], NOW + timedelta(days=3)) == []  # answered; cooling down
    assert [x.course.code for x in rule_runs.apply_rules([later], NOW + timedelta(days=7))] == ["empathy-en"]


def test_the_nightly_run_applies_a_changed_rule_to_the_newest_evaluations_once(app, agent):
    for n in range(1, 3):
        final(agent, n, csat=2)
    assert rule_runs.apply_rules_nightly(NOW)["assigned"] == 0  # no shipped rule reads CSAT
    training_rules.save(CSAT_RULE, actor=None)
    preview = rule_runs.dry_run(training_rules.current_rules(), NOW)
    result = rule_runs.apply_rules_nightly(NOW)
    assert result["assigned"] == 1 and [w.agent for w in preview.assign] == ["rule.agent"]
    assert rule_runs.apply_rules_nightly(NOW + timedelta(days=1))["assigned"] == 0  # a second night: nothing new
    assert len(assignments(agent)) == 1


def test_a_dry_run_shows_what_a_change_would_assign_and_stores_nothing(app, agent):
    final(agent, 1, score=60.0, failed=("greeting",))
    final(agent, 2, score=95.0, failed=("greeting",))
    proposed = training_rules.check(CSAT_RULE.replace("kind: csat_below\n  threshold: 4",
                                                      "kind: criterion_failed\n  criterion_id: greeting"), "r.yaml")
    before = db.session.scalar(db.select(db.func.count()).select_from(Assignment))
    dry = rule_runs.dry_run(proposed, NOW)
    assert [(w.agent, w.course_code, w.rule_id) for w in dry.assign] == [("rule.agent", "empathy-en", "csat")]
    assert dry.gained == (("rule.agent", "empathy-en"),) and dry.fired == {"csat": 1}
    assert db.session.scalar(db.select(db.func.count()).select_from(Assignment)) == before
    assert training_rules.current().version == 1


def test_a_dry_run_counts_what_the_checks_hold_back(app, agent):
    conv = final(agent, 1, score=50.0)
    rule_runs.apply_rules([conv], NOW)  # the shipped basics rule assigns qa-basics-en
    db.session.commit()
    dry = rule_runs.dry_run(training_rules.current_rules(), NOW)
    assert dry.assign == () and dry.skipped == {"open": 1}
