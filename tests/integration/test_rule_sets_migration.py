"""The rule-set migration: the old training_rule rows become version 1, and downgrade gives back what the old table can hold."""
from __future__ import annotations

from flask_migrate import downgrade, upgrade

from qa_app import create_app
from qa_app.extensions import db, migration_config

BEFORE = "a9c4e2f7b1d3"
RULE_SETS = "b7d2e9f4c1a6"


def _sql(statement: str, **params):
    return db.session.execute(db.text(statement), params)


def test_old_rules_become_version_one_with_their_due_days_and_come_back_on_downgrade(tmp_path):
    app = create_app({"TESTING": True}, instance_path=str(tmp_path / "inst"))
    directory = migration_config(app).directory
    with app.app_context():
        upgrade(directory=directory, revision=BEFORE)
        _sql("INSERT INTO training_rule (code, name, kind, threshold, criterion_id, language, course_code, due_days, "
             "active) VALUES ('low', 'Low', 'score_below', 65.0, NULL, 'en', 'qa-basics-en', 21, 1), "
             "('emp', 'Empathy', 'criterion_failed', NULL, 'empathy', NULL, 'empathy-en', 9, 0)")
        db.session.commit()
        upgrade(directory=directory, revision=RULE_SETS)
        from qa_app.services import training_rules
        row = training_rules.current()
        assert row.version == 1 and row.note == "rules before versioning"
        assert [(r.id, r.threshold, r.due_days, r.language, r.active, r.cooldown_days)
                for r in training_rules.rules_of(row)] == [
            ("low", 65.0, 21, "en", True, 0), ("emp", None, 9, None, False, 0)]
        # A windowed rule cannot live in the old table; downgrade keeps the others.
        _sql("UPDATE training_rule_set SET rules = :rules", rules=(
            '[{"id": "low", "name": "Low", "kind": "score_below", "threshold": 65, "course_code": "qa-basics-en", '
            '"due_days": 21}, {"id": "win", "name": "W", "kind": "csat_below", "threshold": 4, "count": 2, '
            '"window": 3, "course_code": "empathy-en", "due_days": 5}]'))
        db.session.commit()
        downgrade(directory=directory, revision=BEFORE)
        assert _sql("SELECT code, threshold, due_days, active FROM training_rule").all() == [("low", 65.0, 21, 1)]
        upgrade(directory=directory)
        db.session.remove()
        db.engine.dispose()
