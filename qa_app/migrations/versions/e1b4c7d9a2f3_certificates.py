"""certificates: issued when a course's quiz is passed, with a verification code and an expiry

A course gains `certificate_months` (certificates of that course expire that many calendar
months after issue; empty: never). A certificate belongs to the passed assignment (one each),
carries a unique code that /verify/CODE checks, and records the assignment that renews it.

Revision ID: e1b4c7d9a2f3
Revises: d7f3a9b2c1e5
Create Date: 2026-12-02 04:30:00

"""
from alembic import op
import sqlalchemy as sa

import qa_app.dbtypes


# revision identifiers, used by Alembic.
revision = 'e1b4c7d9a2f3'
down_revision = 'd7f3a9b2c1e5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('issued_at', qa_app.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', qa_app.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', qa_app.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('renewal_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['user.id'], name=op.f('fk_certificate_agent_id_user')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_certificate_assignment_id_assignment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_certificate_course_id_course')),
    sa.ForeignKeyConstraint(['renewal_id'], ['assignment.id'], name=op.f('fk_certificate_renewal_id_assignment'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate')),
    sa.UniqueConstraint('assignment_id', name=op.f('uq_certificate_assignment_id')),
    sa.UniqueConstraint('code', name=op.f('uq_certificate_code'))
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_agent_id'), ['agent_id'], unique=False)

    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('certificate_months', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_column('certificate_months')

    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_agent_id'))

    op.drop_table('certificate')
