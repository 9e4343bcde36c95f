"""users must change a password an admin set

Revision ID: passwords_1
Revises: 038d05668ff9
Create Date: 2026-11-28 08:26:11.376908

"""
from alembic import op
import sqlalchemy as sa

import fieldapp.database  # noqa: F401 - models use fieldapp.database.UTCDateTime


# revision identifiers, used by Alembic.
revision = 'passwords_1'
down_revision = '038d05668ff9'
branch_labels = None
depends_on = None


def upgrade():
    # Existing users chose their own passwords (or were created with one): nobody is forced.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
