"""one open dispute per evaluation

A unique partial index: at most one open dispute per evaluation, so a double submit (two requests
that both found no open dispute) can never open two; the second insert is refused and answered
"this evaluation already has an open dispute". Before the index is made, an evaluation left with
several open disputes by the old race keeps the oldest open; each later one is closed as rejected
with a reason naming the one kept (it was the same agent's same complaint, sent twice), and logged.

Revision ID: c9e2a7d4b6f1
Revises: d4a8c2e6f1b3
Create Date: 2026-12-03 14:00:00

"""
import logging

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c9e2a7d4b6f1'
down_revision = 'd4a8c2e6f1b3'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
INDEX = "uq_dispute_one_open"
OPEN = sa.text("status = 'open'")


def upgrade():
    _close_doubled_open_disputes()
    with op.batch_alter_table('dispute', schema=None) as batch_op:
        batch_op.create_index(INDEX, ['evaluation_id'], unique=True, sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade():
    with op.batch_alter_table('dispute', schema=None) as batch_op:
        batch_op.drop_index(INDEX, sqlite_where=OPEN, postgresql_where=OPEN)


def _close_doubled_open_disputes():
    conn = op.get_bind()
    doubled = conn.execute(sa.text(
        "SELECT evaluation_id, MIN(id) FROM dispute WHERE status = 'open' "
        "GROUP BY evaluation_id HAVING COUNT(*) > 1")).all()
    for evaluation_id, kept in doubled:
        conn.execute(sa.text(
            "UPDATE dispute SET status = 'rejected', resolved_at = created_at, outcome_reason = :reason "
            "WHERE evaluation_id = :e AND status = 'open' AND id <> :kept"),
            {"reason": f"duplicate of dispute {kept} (sent twice)", "e": evaluation_id, "kept": kept})
        log.warning("evaluation %s had several open disputes; dispute %s stays open, the others are closed",
                    evaluation_id, kept)
