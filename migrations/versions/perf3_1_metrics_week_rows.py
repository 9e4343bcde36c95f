"""metrics: week rows in every roll-up (a rebuild is due); durations by value

Revision ID: perf3_1
Revises: perf2_1
Create Date: 2026-11-28 16:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'perf3_1'
down_revision = 'perf2_1'
branch_labels = None
depends_on = None

TABLES = ("metrics_call_days", "metrics_duration_days", "metrics_encounter_days", "metrics_referral_days",
          "metrics_follow_up_days", "metrics_contact_days", "metrics_program_days")


def upgrade():
    # A week's rows (from Monday) beside the months': the parts of a period that are not whole months
    # read 7 times fewer rows. Until `flask metrics rebuild` makes them, the figures come from the
    # records (fieldapp.metrics.tracking.ready).
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('week', sa.Boolean(), nullable=False, server_default=sa.false()))
    state = sa.table("metrics_rollup_state", sa.column("stale", sa.Boolean))
    op.execute(state.update().values(stale=True))
    # A long period's percentile lookup reads a minute's durations in value order (no sort).
    with op.batch_alter_table('metrics_call_durations', schema=None) as batch_op:
        batch_op.create_index('ix_metrics_call_durations_by_value', ['kind', 'minute', 'value'], unique=False,
                              postgresql_include=['received_at'])


def downgrade():
    with op.batch_alter_table('metrics_call_durations', schema=None) as batch_op:
        batch_op.drop_index('ix_metrics_call_durations_by_value', postgresql_include=['received_at'])
    for table in TABLES:
        op.execute(f"DELETE FROM {table} WHERE week")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('week')
