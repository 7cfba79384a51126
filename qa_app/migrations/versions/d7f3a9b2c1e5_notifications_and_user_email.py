"""notifications (the bell and their e-mail copies) and users' e-mail addresses

A notification is one message to one user (a new assignment, a reminder stage, an escalation,
a lead's reminder), stored once by its unique key; `email` says where its e-mail copy stands.
Users gain an optional e-mail address for those copies.

Revision ID: d7f3a9b2c1e5
Revises: c4e8a2f61d07
Create Date: 2026-12-02 04:10:00

"""
from alembic import op
import sqlalchemy as sa

import qa_app.dbtypes


# revision identifiers, used by Alembic.
revision = 'd7f3a9b2c1e5'
down_revision = 'c4e8a2f61d07'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('created_at', qa_app.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('shown', sa.Boolean(), nullable=False),
    sa.Column('read_at', qa_app.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('email', sa.String(length=16), nullable=False),
    sa.Column('email_attempts', sa.Integer(), nullable=False),
    sa.Column('email_error', sa.Text(), nullable=True),
    sa.Column('emailed_at', qa_app.dbtypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_notification_assignment_id_assignment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('key', name=op.f('uq_notification_key'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('email')

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_user_id'))
        batch_op.drop_index(batch_op.f('ix_notification_email'))
        batch_op.drop_index(batch_op.f('ix_notification_assignment_id'))

    op.drop_table('notification')
