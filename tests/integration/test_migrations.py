"""The Alembic migrations build the schema the models describe, and upgrade an old instance keeping its data."""
from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from qa_app import create_app
from qa_app.extensions import db, described_by_models, migration_config
from qa_app.demo import DEMO_PASSWORD
from qa_app.services import audit, ingest
from tests import release_data
from tests.conftest import FIXTURES

FIRST = "168a6d304ecb"
#: one demo instance per release, dumped at that release's head (python -m tests.release_data)
RELEASES = FIXTURES / "releases"


def test_the_migrations_at_head_match_the_models(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"render_as_batch": True, "include_name": described_by_models})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def _migrated_app(folder, revision: str = "head"):
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False}, instance_path=str(folder))
    with app.app_context():
        upgrade(directory=migration_config(app).directory, revision=revision)
    return app


def _table(name: str) -> sa.Table:
    return sa.Table(name, sa.MetaData(), autoload_with=db.engine)


def test_an_instance_made_at_the_first_migration_upgrades_with_its_data(empty_instance):
    app = _migrated_app(empty_instance, FIRST)
    with app.app_context():
        db.session.execute(_table("user").insert().values(
            login="old.agent", name="Old", role="agent", active=True, created_at=datetime(2026, 1, 1)))
        db.session.commit()
        upgrade(directory=migration_config(app).directory)
        summary = ingest.ingest_paths([FIXTURES / "new_agent.ndjson"], ingest.IngestOptions(create_agents=True))
        assert summary.ingested == 2
        users = _table("user")
        assert db.session.execute(sa.select(users.c.name).where(users.c.login == "old.agent")).scalar() == "Old"
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("fixture", sorted(RELEASES.glob("*.json.gz")), ids=lambda p: p.name.split(".")[0])
def test_the_previous_releases_demo_instance_upgrades_to_head_with_every_row_and_still_works(empty_instance, fixture):
    data = release_data.read(fixture)
    app = _migrated_app(empty_instance, data["revision"])
    with app.app_context():
        loaded = release_data.load(db.engine, data)
        assert loaded["conversation"] > 50 and loaded["evaluation"] > 50 and loaded["audit_entry"] > 0
        db.engine.dispose()
        upgrade(directory=migration_config(app).directory)
        for name, count in loaded.items():  # no migration since drops rows
            assert db.session.scalar(sa.select(sa.func.count()).select_from(_table(name))) == count, name
        assert audit.verify().ok  # the sealed chain of the old entries still checks out
        summary = ingest.ingest_paths([FIXTURES / "new_agent.ndjson"], ingest.IngestOptions(create_agents=True))
        assert summary.ingested == 2  # new rows take new ids after the loaded ones
        db.session.remove()
    client = app.test_client()
    assert client.post("/login", data={"login": "qa.chen", "password": DEMO_PASSWORD}).status_code == 302
    for page in ("/", "/conversations/", "/review/"):
        assert client.get(page).status_code == 200, page
    with app.app_context():
        db.engine.dispose()
