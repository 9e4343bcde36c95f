"""988 hand-offs: crisis_handoffs, and the call's warm hand-off note

Revision ID: i21a_1
Revises: i22a_1
Create Date: 2026-12-07 16:30:00

"""
from alembic import op
import sqlalchemy as sa

import fieldapp.database  # noqa: F401 - models use fieldapp.database.UTCDateTime


# revision identifiers, used by Alembic.
revision = 'i21a_1'
down_revision = 'i22a_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('crisis_handoffs',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('integration_id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('via', sa.String(length=10), nullable=False),
    sa.Column('request_key', sa.String(length=300), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('identifier', sa.String(length=300), nullable=True),
    sa.Column('resource', sa.JSON(), nullable=True),
    sa.Column('created_at', fieldapp.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_crisis_handoffs_call_id_calls')),
    sa.ForeignKeyConstraint(['integration_id'], ['integration_accounts.id'],
                            name=op.f('fk_crisis_handoffs_integration_id_integration_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crisis_handoffs')),
    sa.UniqueConstraint('call_id', name=op.f('uq_crisis_handoffs_call_id')),
    sa.UniqueConstraint('integration_id', 'request_key', name='uq_crisis_handoffs_request')
    )
    with op.batch_alter_table('crisis_handoffs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crisis_handoffs_integration_id'), ['integration_id'], unique=False)
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handoff_note', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('handoff_note')
    with op.batch_alter_table('crisis_handoffs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crisis_handoffs_integration_id'))
    op.drop_table('crisis_handoffs')
