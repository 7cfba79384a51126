"""indexes at volume: the trust page's pairing and the agent score's trusted sums read indexes only; a reviewer's latest reviews

Revision ID: e7b3d9f1a2c4
Revises: e7b3f1a9c5d2
Create Date: 2026-12-03 14:15:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e7b3d9f1a2c4'
down_revision = 'e7b3f1a9c5d2'
branch_labels = None
depends_on = None


def upgrade():
    # services.trust: the reviewed conversations of a scorecard version (human final evaluations),
    # each one's latest automatic evaluation, and the criterion rows of both, from indexes alone
    # (bench/scale.py measures /trust/ and /reports/appraisal)
    op.create_index('ix_evaluation_version_kind_final', 'evaluation',
                    ['scorecard_version_id', 'kind', 'is_final', 'conversation_id'], unique=False)
    op.create_index('ix_evaluation_conversation_version', 'evaluation',
                    ['conversation_id', 'scorecard_version_id', 'kind'], unique=False)
    op.create_index('ix_criterion_score_cover', 'criterion_score',
                    ['evaluation_id', 'criterion_id', 'result', 'weight', 'score', 'critical'], unique=False)
    # a reviewer's latest reviews on their home page (services.review.reviewed_by)
    op.create_index('ix_evaluation_reviewer', 'evaluation', ['reviewer_id', 'kind', 'created_at'], unique=False)


def downgrade():
    op.drop_index('ix_evaluation_reviewer', table_name='evaluation')
    op.drop_index('ix_criterion_score_cover', table_name='criterion_score')
    op.drop_index('ix_evaluation_conversation_version', table_name='evaluation')
    op.drop_index('ix_evaluation_version_kind_final', table_name='evaluation')
