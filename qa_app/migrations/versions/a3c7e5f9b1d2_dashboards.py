"""dashboards: a team's time zone (local weekdays and shifts); indexes for the period scans

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
    # the dashboards scan a period's conversations by start (every grouped column in the index) and
    # count failed criteria of final evaluations (only failures indexed); bench/reports.py measures them
    op.create_index('ix_conversation_period_cover', 'conversation',
                    ['started_at', 'agent_id', 'channel', 'queue', 'language', 'csat'], unique=False)
    op.create_index('ix_evaluation_final_cover', 'evaluation', ['conversation_id', 'is_final', 'score', 'auto_fail'],
                    unique=False)
    op.create_index('ix_criterion_score_fail', 'criterion_score', ['evaluation_id', 'criterion_id', 'critical'], unique=False,
                    sqlite_where=sa.text("result = 'fail'"), postgresql_where=sa.text("result = 'fail'"))


def downgrade():
    op.drop_index('ix_criterion_score_fail', table_name='criterion_score')
    op.drop_index('ix_evaluation_final_cover', table_name='evaluation')
    op.drop_index('ix_conversation_period_cover', table_name='conversation')
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_column('timezone')
