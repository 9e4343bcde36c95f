"""metrics: month and week rows refreshed apart from the commit (dirty spans); roll-up rows by day

Revision ID: perf4_1
Revises: perf3_1
Create Date: 2026-11-28 19:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'perf4_1'
down_revision = 'perf3_1'
branch_labels = None
depends_on = None

TABLES = ("metrics_call_days", "metrics_duration_days", "metrics_encounter_days", "metrics_referral_days",
          "metrics_follow_up_days", "metrics_contact_days", "metrics_program_days")


def upgrade():
    # A commit re-rolls its days and marks their month and week here; a job makes those rows again
    # (a month's were summed from every day row of the month in the commit itself: seconds at scale).
    op.create_table(
        'metrics_dirty_spans',
        sa.Column('span', sa.String(length=5), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('generation', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('span', 'day', name=op.f('pk_metrics_dirty_spans')),
    )
    # A day's rows (and a month's or week's) found by their day, whatever their scope: (month, day, week),
    # not (day) alone, which the planner took for the figures' week rows over the scope index.
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f'ix_{table}_by_day', ['month', 'day', 'week'], unique=False)


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_by_day')
    op.drop_table('metrics_dirty_spans')
