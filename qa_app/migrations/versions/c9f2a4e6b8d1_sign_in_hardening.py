"""sign-in hardening: session versions and login throttling

Revision ID: c9f2a4e6b8d1
Revises: a3c7e5f9b1d2
Create Date: 2026-12-02 16:40:00

"""
from alembic import op
import sqlalchemy as sa
import qa_app.dbtypes


# revision identifiers, used by Alembic.
revision = 'c9f2a4e6b8d1'
down_revision = 'a3c7e5f9b1d2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_start', qa_app.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('locked_until', qa_app.dbtypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttle')),
    sa.UniqueConstraint('kind', 'key', name='uq_login_throttle_kind_key')
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_version')
    op.drop_table('login_throttle')
