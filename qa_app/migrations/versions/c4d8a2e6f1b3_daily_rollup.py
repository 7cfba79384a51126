"""dashboards: the daily rollup of final evaluations (services.rollups), filled from the raw rows

Revision ID: c4d8a2e6f1b3
Revises: b8e2f6a4c1d7
Create Date: 2026-12-04 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d8a2e6f1b3'
down_revision = 'b8e2f6a4c1d7'
branch_labels = None
depends_on = None



def _group():
    """The grouping columns and keys both tables share (fresh objects for each table)."""
    return [sa.Column('id', sa.Integer(), nullable=False), sa.Column('day', sa.Date(), nullable=False),
            sa.Column('agent_id', sa.Integer(), nullable=False),
            sa.Column('scorecard_version_id', sa.Integer(), nullable=False),
            sa.Column('channel', sa.String(length=16), nullable=False),
            sa.Column('queue', sa.String(length=80), nullable=True),
            sa.Column('language', sa.String(length=8), nullable=True)]


def _keys():
    return [sa.ForeignKeyConstraint(['agent_id'], ['user.id'], ondelete='CASCADE'),
            sa.ForeignKeyConstraint(['scorecard_version_id'], ['scorecard_version.id'], ondelete='CASCADE'),
            sa.PrimaryKeyConstraint('id')]


def _sums(prefix=''):
    return [sa.Column(prefix + name, sa.Float() if name == 'score_sum' else sa.Integer(), nullable=False)
            for name in ('n', 'score_sum', 'critical', 'csat_n', 'csat_sum', 'csat_good')]


def upgrade():
    moods = [c for mood in ('positive', 'neutral', 'negative', 'unknown') for c in _sums(mood + '_')]
    op.create_table('daily_rollup', *_group(),
                    sa.Column('weekday', sa.Integer(), nullable=False), sa.Column('shift', sa.String(length=8), nullable=False),
                    *_sums(), *moods, *[sa.Column(f'bin_{k}', sa.Integer(), nullable=False) for k in range(10)],
                    *_keys())
    op.create_index('ix_daily_rollup_day', 'daily_rollup', ['day', 'agent_id'], unique=False)
    op.create_index('ix_daily_rollup_agent', 'daily_rollup', ['agent_id', 'day'], unique=False)
    op.create_table('daily_rollup_failure', *_group(),
                    sa.Column('criterion_id', sa.String(length=120), nullable=False),
                    sa.Column('critical', sa.Boolean(), nullable=False), sa.Column('failures', sa.Integer(), nullable=False),
                    *_keys())
    op.create_index('ix_daily_rollup_failure_day', 'daily_rollup_failure', ['day', 'agent_id'], unique=False)
    op.create_index('ix_daily_rollup_failure_agent', 'daily_rollup_failure', ['agent_id', 'day'], unique=False)
    op.create_index('ix_conversation_agent_start', 'conversation', ['agent_id', 'started_at'], unique=False)
    # filled from the raw rows by services.rollups.rebuild, not here (a migration never uses the models):
    # `qadesk init` does it when the rollup is empty and final evaluations exist, or `qadesk rollups rebuild`


def downgrade():
    op.drop_index('ix_conversation_agent_start', table_name='conversation')
    op.drop_index('ix_daily_rollup_failure_agent', table_name='daily_rollup_failure')
    op.drop_index('ix_daily_rollup_failure_day', table_name='daily_rollup_failure')
    op.drop_table('daily_rollup_failure')
    op.drop_index('ix_daily_rollup_agent', table_name='daily_rollup')
    op.drop_index('ix_daily_rollup_day', table_name='daily_rollup')
    op.drop_table('daily_rollup')
