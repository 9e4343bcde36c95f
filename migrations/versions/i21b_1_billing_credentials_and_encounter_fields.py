"""billing (issue 21): clinicians' credential, NPI and behavioral-health role; an encounter's place of
service, Medicaid id and diagnosis code

Revision ID: i21b_1
Revises: i21a_1
Create Date: 2026-12-07 16:20:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'i21b_1'
down_revision = 'i21a_1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credential', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('npi', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('bh_role', sa.String(length=20), nullable=True))
    with op.batch_alter_table('encounters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('place_of_service', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('medicaid_id', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('diagnosis_code', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('encounters', schema=None) as batch_op:
        batch_op.drop_column('diagnosis_code')
        batch_op.drop_column('medicaid_id')
        batch_op.drop_column('place_of_service')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('bh_role')
        batch_op.drop_column('npi')
        batch_op.drop_column('credential')
