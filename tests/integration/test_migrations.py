"""The Alembic migrations build the schema the models describe, and upgrade an old instance keeping its data."""
from __future__ import annotations

from flask_migrate import downgrade, upgrade

from qa_app import create_app
from qa_app.extensions import db, migration_config
from qa_app.services import ingest
from tests.conftest import FIXTURES


def test_the_migrations_at_head_match_the_models(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"render_as_batch": True}), db.metadata)
    assert diff == []


def test_an_instance_made_at_the_first_migration_upgrades_with_its_data(tmp_path):
    app = create_app({"TESTING": True}, instance_path=str(tmp_path / "old"))
    directory = migration_config(app).directory
    with app.app_context():
        upgrade(directory=directory)
        downgrade(directory=directory, revision="168a6d304ecb")  # back to the first schema
        db.session.execute(db.text(
            "INSERT INTO user (login, name, role, active, created_at) VALUES ('old.agent', 'Old', 'agent', 1, '2026-01-01')"))
        db.session.commit()
        upgrade(directory=directory)
        summary = ingest.ingest_paths([FIXTURES / "new_agent.ndjson"], ingest.IngestOptions(create_agents=True))
        assert summary.ingested == 2
        assert db.session.execute(db.text("SELECT login FROM user WHERE login = 'old.agent'")).scalar() == "old.agent"
        db.session.remove()
        db.engine.dispose()
