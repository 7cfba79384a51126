"""course versions: a course keeps its topics, a version that each stored change raises, where it
comes from (shipped, or edited in this instance) and when it was last changed

Existing courses are shipped ones at version 1; `qadesk init` fills in their topics.

Revision ID: f3a8c1d5e7b9
Revises: e1b4c7d9a2f3
Create Date: 2026-12-02 08:00:00

"""
from alembic import op
import sqlalchemy as sa

import qa_app.dbtypes


# revision identifiers, used by Alembic.
revision = 'f3a8c1d5e7b9'
down_revision = 'e1b4c7d9a2f3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topics', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('source', sa.String(length=16), server_default='shipped', nullable=False))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('updated_at', qa_app.dbtypes.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
        batch_op.drop_column('version')
        batch_op.drop_column('source')
        batch_op.drop_column('topics')
