"""metrics: the program's call durations join the roll-ups (a rebuild is due)

Revision ID: perf_1
Revises: encounter_1
Create Date: 2026-11-28 13:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'perf_1'
down_revision = 'encounter_1'
branch_labels = None
depends_on = None


def upgrade():
    # metrics_call_durations now also keeps en route to clear and response by priority
    # (fieldapp.metrics.program_times.ROLLED_UP): until `flask metrics rebuild` adds them for the
    # records already there, the figures come from the records (fieldapp.metrics.tracking.ready).
    state = sa.table("metrics_rollup_state", sa.column("stale", sa.Boolean))
    op.execute(state.update().values(stale=True))


def downgrade():
    op.execute("DELETE FROM metrics_call_durations WHERE kind = 'to_clear' OR kind LIKE 'prio_%'")
    op.execute("DELETE FROM metrics_duration_days WHERE kind = 'to_clear' OR kind LIKE 'prio_%'")
