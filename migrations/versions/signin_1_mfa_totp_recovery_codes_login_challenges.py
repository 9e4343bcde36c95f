"""mfa totp, recovery codes, login challenges, known devices

Second factor at sign-in (issue 8): a TOTP secret per user, hashed one-time recovery codes, and
the short-lived server-side state between the password and the code on the login pages, and the
browsers known to have signed in with the second factor (their own failure count).

Revision ID: signin_1
Revises: audit_1
Create Date: 2026-11-28 08:27:26.679042

"""
from alembic import op
import sqlalchemy as sa

import fieldapp.database  # noqa: F401 - models use fieldapp.database.UTCDateTime


# revision identifiers, used by Alembic.
revision = 'signin_1'
down_revision = 'audit_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_challenges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', fieldapp.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', fieldapp.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', fieldapp.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_login_challenges_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_challenges')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_login_challenges_token_hash'))
    )
    with op.batch_alter_table('login_challenges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_challenges_user_id'), ['user_id'], unique=False)

    op.create_table('mfa_recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', fieldapp.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', fieldapp.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mfa_recovery_codes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mfa_recovery_codes'))
    )
    with op.batch_alter_table('mfa_recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mfa_recovery_codes_user_id'), ['user_id'], unique=False)

    op.create_table('mfa_totp',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=False),
    sa.Column('created_at', fieldapp.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', fieldapp.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_used_step', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mfa_totp_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_mfa_totp'))
    )
    op.create_table('known_devices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', fieldapp.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', fieldapp.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', fieldapp.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_known_devices_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_known_devices')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_known_devices_token_hash'))
    )
    with op.batch_alter_table('known_devices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_known_devices_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('known_devices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_known_devices_user_id'))

    op.drop_table('known_devices')
    op.drop_table('mfa_totp')
    with op.batch_alter_table('mfa_recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mfa_recovery_codes_user_id'))

    op.drop_table('mfa_recovery_codes')
    with op.batch_alter_table('login_challenges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_challenges_user_id'))

    op.drop_table('login_challenges')
