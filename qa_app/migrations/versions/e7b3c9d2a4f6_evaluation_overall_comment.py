"""evaluation overall comment: the reviewer's comment on the whole conversation

Revision ID: e7b3c9d2a4f6
Revises: c9e2a7d4b6f1
Create Date: 2026-12-03 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7b3c9d2a4f6'
down_revision = 'c9e2a7d4b6f1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment', sa.Text(), server_default='', nullable=False))


def downgrade():
    # a plain ALTER TABLE DROP COLUMN (SQLite 3.35+, PostgreSQL): batch mode would copy and drop the
    # table, which SQLite refuses while criterion scores and disputes reference it (foreign_keys=ON)
    op.drop_column('evaluation', 'comment')
