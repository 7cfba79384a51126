"""conversation agent recency index: each window of an agent's final evaluations read from an index

Revision ID: e7b3f1a9c5d2
Revises: b2d6f8a4c1e3
Create Date: 2026-12-03 14:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7b3f1a9c5d2'
down_revision = 'b2d6f8a4c1e3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_conversation_agent_recency', 'conversation',
                    ['agent_id', sa.text('coalesce(started_at, ingested_at)'), 'id'], unique=False)


def downgrade():
    op.drop_index('ix_conversation_agent_recency', table_name='conversation')
