"""scorecard version previewed: when a draft was last previewed (activation needs a preview; who: the audit log)

Revision ID: b2d6f8a4c1e3
Revises: e7b3c9d2a4f6
Create Date: 2026-12-03 14:00:00

"""
from alembic import op
import sqlalchemy as sa
import qa_app.dbtypes


# revision identifiers, used by Alembic.
revision = 'b2d6f8a4c1e3'
down_revision = 'e7b3c9d2a4f6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('scorecard_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previewed_at', qa_app.dbtypes.UTCDateTime(), nullable=True))


def downgrade():
    # a plain ALTER TABLE DROP COLUMN (SQLite 3.35+, PostgreSQL): batch mode would copy and drop the
    # table, which SQLite refuses while evaluations reference it (foreign_keys=ON)
    op.drop_column('scorecard_version', 'previewed_at')
