"""login sessions: the second factor each passed, and the idle lock

Revision ID: i22a_1
Revises: i22c_1
Create Date: 2026-12-07 16:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'i22a_1'
down_revision = 'i22c_1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('second_factor_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('locked_at', sa.DateTime(timezone=True), nullable=True))
    # Sessions opened while their user had a confirmed second factor passed it (sign-in asked for
    # the code); the others were password only and stay so.
    op.execute(
        "UPDATE login_sessions SET second_factor_at = created_at WHERE EXISTS ("
        "SELECT 1 FROM mfa_totp WHERE mfa_totp.user_id = login_sessions.user_id "
        "AND mfa_totp.confirmed_at IS NOT NULL AND mfa_totp.confirmed_at <= login_sessions.created_at)")


def downgrade():
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_column('locked_at')
        batch_op.drop_column('second_factor_at')
