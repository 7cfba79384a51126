"""The schema revision this code needs: the newest Alembic migration's (qa_app/migrations/versions).

One constant, read at start-up without importing Alembic (about a second every command would pay):
tests/unit/test_schema_head.py fails when a migration is added and this is not moved to it."""

HEAD = "c4d8a2e6f1b3"
