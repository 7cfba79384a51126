"""forced password change: a user whose password an admin reset must choose their own at next sign-in

Revision ID: b8e2f6a4c1d7
Revises: e7b3d9f1a2c4
Create Date: 2026-12-04 03:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8e2f6a4c1d7'
down_revision = 'e7b3d9f1a2c4'
branch_labels = None
depends_on = None


def upgrade():
    # existing users keep signing in as before: nobody is asked to change a password they chose.
    # The default is the literal '0' (false for SQLite and PostgreSQL alike), not sa.false(): an
    # expression default makes SQLite's batch mode rebuild `user`, which rows of other tables reference.
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default='0', nullable=False))


def downgrade():
    # a plain ALTER TABLE DROP COLUMN (SQLite 3.35+, PostgreSQL): batch mode would copy and drop the
    # table, which SQLite refuses while other tables reference users (foreign_keys=ON)
    op.drop_column('user', 'must_change_password')
