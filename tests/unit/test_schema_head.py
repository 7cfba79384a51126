"""qa_app.schema_head.HEAD is the newest migration's revision: the start-up check compares the
database with it, so a migration added without moving it would stop every command on a new instance."""
from __future__ import annotations

from alembic.script import ScriptDirectory

from qa_app.extensions import MIGRATIONS
from qa_app.schema_head import HEAD
from qa_app.services.schema import known_revisions


def test_the_schema_head_constant_is_the_newest_migration_files_revision():
    script = ScriptDirectory(str(MIGRATIONS))
    assert script.get_heads() == [HEAD]


def test_the_revisions_read_from_the_migration_files_are_alembics():
    script = ScriptDirectory(str(MIGRATIONS))
    assert known_revisions() == {rev.revision for rev in script.walk_revisions()}
