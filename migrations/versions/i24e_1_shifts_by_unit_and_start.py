"""shifts by unit and start (issue 24): the shift on a unit at a moment is one index probe (the latest
started at or before it), so the dashboard's section 1947 figures do not read every shift of the unit
for each call

Revision ID: i24e_1
Revises: i23b_1
Create Date: 2026-12-08 02:40:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'i24e_1'
down_revision = 'i23b_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_shifts_unit_id_started_at', 'shifts', ['unit_id', 'started_at'])


def downgrade():
    op.drop_index('ix_shifts_unit_id_started_at', table_name='shifts')
