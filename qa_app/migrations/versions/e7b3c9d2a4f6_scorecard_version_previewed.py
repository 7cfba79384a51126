"""scorecard version previewed: when and by whom a draft was previewed (activation needs a preview)

Revision ID: e7b3c9d2a4f6
Revises: d4a8c2e6f1b3
Create Date: 2026-12-03 14:00:00

"""
from alembic import op
import sqlalchemy as sa
import qa_app.dbtypes


# revision identifiers, used by Alembic.
revision = 'e7b3c9d2a4f6'
down_revision = 'd4a8c2e6f1b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('scorecard_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previewed_at', qa_app.dbtypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('previewed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_scorecard_version_previewed_by_id_user', 'user',
                                    ['previewed_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('scorecard_version', schema=None) as batch_op:
        batch_op.drop_constraint('fk_scorecard_version_previewed_by_id_user', type_='foreignkey')
        batch_op.drop_column('previewed_by_id')
        batch_op.drop_column('previewed_at')
