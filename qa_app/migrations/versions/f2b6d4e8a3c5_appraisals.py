"""appraisal template versions and appraisals

Only adds two tables, which refer to no table but user (and each other), so down_revision can be
re-chained onto whatever head it lands after without other change.

Revision ID: f2b6d4e8a3c5
Revises: e1a5c3f7d2b4
Create Date: 2026-12-02 16:05:55.729239

"""
from alembic import op
import sqlalchemy as sa
import qa_app.dbtypes


# revision identifiers, used by Alembic.
revision = 'f2b6d4e8a3c5'
down_revision = 'e1a5c3f7d2b4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('appraisal_template_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', qa_app.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_appraisal_template_version_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appraisal_template_version')),
    sa.UniqueConstraint('code', 'version', name='uq_appraisal_template_code_version')
    )
    with op.batch_alter_table('appraisal_template_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appraisal_template_version_code'), ['code'], unique=False)

    op.create_table('appraisal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('template_version_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('drafted_at', qa_app.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('self_assessment', sa.Text(), nullable=False),
    sa.Column('lead_comment', sa.Text(), nullable=False),
    sa.Column('proposed_rating', sa.String(length=40), nullable=True),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('final_rating', sa.String(length=40), nullable=True),
    sa.Column('finalised_at', qa_app.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('finalised_by_id', sa.Integer(), nullable=True),
    sa.Column('acknowledged_at', qa_app.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('agent_comment', sa.Text(), nullable=True),
    sa.Column('contested', sa.Boolean(), nullable=False),
    sa.Column('contest_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['user.id'], name=op.f('fk_appraisal_agent_id_user')),
    sa.ForeignKeyConstraint(['finalised_by_id'], ['user.id'], name=op.f('fk_appraisal_finalised_by_id_user')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['user.id'], name=op.f('fk_appraisal_proposed_by_id_user')),
    sa.ForeignKeyConstraint(['template_version_id'], ['appraisal_template_version.id'], name=op.f('fk_appraisal_template_version_id_appraisal_template_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appraisal')),
    sa.UniqueConstraint('agent_id', 'period', name='uq_appraisal_agent_period')
    )
    with op.batch_alter_table('appraisal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appraisal_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appraisal_period'), ['period'], unique=False)
        batch_op.create_index(batch_op.f('ix_appraisal_state'), ['state'], unique=False)



def downgrade():
    with op.batch_alter_table('appraisal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appraisal_state'))
        batch_op.drop_index(batch_op.f('ix_appraisal_period'))
        batch_op.drop_index(batch_op.f('ix_appraisal_agent_id'))

    op.drop_table('appraisal')
    with op.batch_alter_table('appraisal_template_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appraisal_template_version_code'))

    op.drop_table('appraisal_template_version')
