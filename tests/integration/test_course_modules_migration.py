"""The course-modules migration: a one-page course becomes one module, attempts stay, and downgrade gives the body back."""
from __future__ import annotations

from flask_migrate import downgrade, upgrade

from qa_app import create_app
from qa_app.extensions import db, migration_config

BEFORE = "b5d2f8a1c9e3"  # the revision before course modules
MODULES = "c4e8a2f61d07"


def _sql(statement: str, **params):
    return db.session.execute(db.text(statement), params)


def _old_course_with_an_attempt() -> None:
    _sql("INSERT INTO user (id, login, name, role, active, created_at) VALUES (1, 'ann', 'Ann', 'agent', 1, '2026-01-01')")
    _sql("INSERT INTO course (id, code, title, language, summary, body, pass_mark, quiz) VALUES "
         "(1, 'old-en', 'Old course', 'en', 'S', '## Part\n\nRead me.', 80, "
         "'[{\"id\": \"q1\", \"prompt\": \"Why?\", \"options\": [\"a\", \"b\"], \"answer\": 1}]')")
    _sql("INSERT INTO assignment (id, agent_id, course_id, reason, status, assigned_at, due_at) VALUES "
         "(1, 1, 1, 'x', 'assigned', '2026-01-01 00:00:00', '2026-01-15 00:00:00')")
    _sql("INSERT INTO quiz_attempt (assignment_id, at, answers, score, passed) VALUES "
         "(1, '2026-01-02 10:00:00', '{\"q1\": 1}', 100.0, 1)")
    db.session.commit()


def test_an_old_course_becomes_one_module_and_comes_back_on_downgrade(tmp_path):
    app = create_app({"TESTING": True}, instance_path=str(tmp_path / "inst"))
    directory = migration_config(app).directory
    with app.app_context():
        upgrade(directory=directory, revision=BEFORE)
        _old_course_with_an_attempt()
        upgrade(directory=directory, revision=MODULES)
        assert _sql("SELECT course_id, position, title, body FROM course_module").all() == [
            (1, 1, "Old course", "## Part\n\nRead me.")]
        attempt = _sql("SELECT score, passed, submitted_at IS NOT NULL, late, asked FROM quiz_attempt").one()
        assert tuple(attempt) == (100.0, 1, 1, 0, None)
        assert _sql("SELECT quiz_shuffle, quiz_draw, max_attempts FROM course").one() == (1, None, None)
        assert _sql("PRAGMA foreign_key_check").all() == []

        # A second module, an open attempt and a late one: what the old schema cannot hold is reported.
        _sql("INSERT INTO course_module (course_id, position, title, body) VALUES (1, 2, 'More', 'Also this.')")
        _sql("INSERT INTO quiz_attempt (assignment_id, at, answers, passed, late) VALUES (1, '2026-01-03', '{}', 0, 0)")
        _sql("INSERT INTO quiz_attempt (assignment_id, at, answers, passed, late, submitted_at) "
             "VALUES (1, '2026-01-04', '{}', 0, 1, '2026-01-04 01:00:00')")
        db.session.commit()
        downgrade(directory=directory, revision=BEFORE)
        body = _sql("SELECT body FROM course").scalar()
        assert body == "## Old course\n\n## Part\n\nRead me.\n\n## More\n\nAlso this."
        assert _sql("SELECT score FROM quiz_attempt ORDER BY id").scalars().all() == [100.0, 0.0]
        upgrade(directory=directory)
        db.session.remove()
        db.engine.dispose()
