"""job claim lease: a distributed worker's claim lasts until lease_until, renewed while it runs

Revision ID: d4a8c2e6f1b3
Revises: f6c1e4a8b3d5
Create Date: 2026-12-03 07:40:00

"""
from alembic import op
import sqlalchemy as sa
import qa_app.dbtypes


# revision identifiers, used by Alembic.
revision = 'd4a8c2e6f1b3'
down_revision = 'f6c1e4a8b3d5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_until', qa_app.dbtypes.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_column('lease_until')
