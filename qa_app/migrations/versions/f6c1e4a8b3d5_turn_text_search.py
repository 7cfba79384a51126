"""full-text search over turns: an FTS5 index on SQLite, a text-search index on PostgreSQL

Revision ID: f6c1e4a8b3d5
Revises: c9f2a4e6b8d1
Create Date: 2026-12-03 10:45:00

SQLite: `turn_fts`, an FTS5 table with the trigram tokenizer (case-insensitive substrings in any
script, Chinese included) over turn.text as external content, kept in step by triggers on `turn`
so every write (ingest, erasure, redaction, deletion) updates it in the same transaction.
A later batch_alter_table on `turn` recreates the table and drops these triggers: such a migration
must create them again (TRIGGERS below) and rebuild the index.

PostgreSQL: a GIN index on to_tsvector('simple', text), which the database keeps in step itself.
Full-text search is by nature engine-specific, so each engine gets its own statements here.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f6c1e4a8b3d5'
down_revision = 'c9f2a4e6b8d1'
branch_labels = None
depends_on = None

TRIGGERS = (
    "CREATE TRIGGER turn_fts_insert AFTER INSERT ON turn BEGIN "
    "INSERT INTO turn_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER turn_fts_delete AFTER DELETE ON turn BEGIN "
    "INSERT INTO turn_fts(turn_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER turn_fts_update AFTER UPDATE OF text ON turn BEGIN "
    "INSERT INTO turn_fts(turn_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO turn_fts(rowid, text) VALUES (new.id, new.text); END",
)


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("CREATE VIRTUAL TABLE turn_fts USING fts5(text, content='turn', content_rowid='id', "
                   "tokenize='trigram')")
        for statement in TRIGGERS:
            op.execute(statement)
        op.execute("INSERT INTO turn_fts(turn_fts) VALUES ('rebuild')")  # the turns stored so far
    elif dialect == "postgresql":
        op.execute("CREATE INDEX ix_turn_text_search ON turn USING gin (to_tsvector('simple', text))")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("turn_fts_insert", "turn_fts_delete", "turn_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS turn_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_turn_text_search")
