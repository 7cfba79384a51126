"""one final evaluation per conversation

A unique partial index: at most one evaluation of a conversation is final. With it two saves
that race can never both become final (the second is refused and answered as a conflict).
Before the index is made, a conversation left with several final evaluations by the old race
keeps the newest one final (the latest decision counts, as before); each repaired conversation
is logged.

Revision ID: b5d2f8a1c9e3
Revises: a7c3e9d41b20
Create Date: 2026-12-01 22:00:00

"""
import logging

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b5d2f8a1c9e3'
down_revision = 'a7c3e9d41b20'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
INDEX = "uq_evaluation_one_final"


def upgrade():
    _keep_only_the_newest_final()
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.create_index(INDEX, ['conversation_id'], unique=True,
                              sqlite_where=sa.text('is_final'), postgresql_where=sa.text('is_final'))


def downgrade():
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.drop_index(INDEX, sqlite_where=sa.text('is_final'), postgresql_where=sa.text('is_final'))


def _keep_only_the_newest_final():
    conn = op.get_bind()
    doubled = conn.execute(sa.text(
        "SELECT conversation_id, MAX(id) FROM evaluation WHERE is_final "
        "GROUP BY conversation_id HAVING COUNT(*) > 1")).all()
    for conversation_id, newest in doubled:
        conn.execute(sa.text("UPDATE evaluation SET is_final = :no WHERE conversation_id = :c AND id <> :newest"),
                     {"no": False, "c": conversation_id, "newest": newest})
        log.warning("conversation %s had several final evaluations; evaluation %s stays final",
                    conversation_id, newest)
