"""dashboards: a team's time zone (local weekdays and shifts)

Revision ID: a3c7e5f9b1d2
Revises: f2b6d4e8a3c5
Create Date: 2026-12-02 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3c7e5f9b1d2'
down_revision = 'f2b6d4e8a3c5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_column('timezone')
