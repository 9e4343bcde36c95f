"""device storage keys: what each user's phones seal the outbox and offline pages with

Revision ID: i22d_1
Revises: perf4_1
Create Date: 2026-12-07 16:50:00

"""
from alembic import op
import sqlalchemy as sa

import fieldapp.database  # noqa: F401 - models use fieldapp.database.UTCDateTime

# revision identifiers, used by Alembic.
revision = 'i22d_1'
down_revision = 'perf4_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'device_storage_keys',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.LargeBinary(length=32), nullable=False),
        sa.Column('created_at', fieldapp.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_device_storage_keys_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_device_storage_keys')),
    )


def downgrade():
    op.drop_table('device_storage_keys')
