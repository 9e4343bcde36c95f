"""calls: first en route milestone; metrics: every program figure rolled up (record durations, a rebuild is due)

Revision ID: perf2_1
Revises: perf_1
Create Date: 2026-11-28 15:00:00

"""
from alembic import op
import sqlalchemy as sa

import fieldapp.database  # noqa: F401 - models use fieldapp.database.UTCDateTime

# revision identifiers, used by Alembic.
revision = 'perf2_1'
down_revision = 'perf_1'
branch_labels = None
depends_on = None

# Frozen copies of the tables as they are at this revision, and of calls.services.note_milestone's
# rule for this milestone (the earliest status 'en_route' by its recorded_at).
_calls = sa.table("calls", sa.column("id", sa.Integer), sa.column("first_en_route_at", sa.DateTime))
_call_events = sa.table("call_events", sa.column("call_id", sa.Integer), sa.column("kind", sa.String),
                        sa.column("status", sa.String), sa.column("recorded_at", sa.DateTime))


def backfill_en_route(bind):
    """Every call's first 'en route' time from its timeline, in one statement (``UPDATE ... FROM``)."""
    e = _call_events
    first = (sa.select(e.c.call_id, sa.func.min(e.c.recorded_at).label("at"))
             .where(e.c.kind == "status", e.c.status == "en_route").group_by(e.c.call_id).subquery("first"))
    bind.execute(_calls.update().where(_calls.c.id == first.c.call_id).values(first_en_route_at=first.c.at))


def _durations_table(with_record: bool):
    columns = [sa.Column('call_id', sa.Integer(), autoincrement=False, nullable=False),
               sa.Column('kind', sa.String(length=10), nullable=False)]
    if with_record:
        columns.append(sa.Column('record_id', sa.Uuid(), nullable=False))
    op.create_table('metrics_call_durations', *columns,
                    sa.Column('minute', sa.Integer(), nullable=False),
                    sa.Column('value', sa.Float(), nullable=False),
                    sa.Column('received_at', fieldapp.database.UTCDateTime(timezone=True), nullable=False),
                    sa.Column('unit_id', sa.Integer(), nullable=True),
                    sa.Column('call_type', sa.String(length=20), nullable=False),
                    sa.PrimaryKeyConstraint('call_id', 'kind', *(['record_id'] if with_record else []),
                                            name=op.f('pk_metrics_call_durations')))
    with op.batch_alter_table('metrics_call_durations', schema=None) as batch_op:
        batch_op.create_index('ix_metrics_call_durations_lookup', ['kind', 'minute', 'received_at'], unique=False,
                              postgresql_include=['value'])
        batch_op.create_index('ix_metrics_call_durations_received_at', ['received_at'], unique=False)


def _mark_stale():
    # The durations table is made again empty (a derived table: its rows come back with the rebuild), and
    # the repeat-address and unit-time counts are new: until `flask metrics rebuild`, the figures come
    # from the records (fieldapp.metrics.tracking.ready).
    state = sa.table("metrics_rollup_state", sa.column("stale", sa.Boolean))
    op.execute(state.update().values(stale=True))


def upgrade():
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_en_route_at', fieldapp.database.UTCDateTime(timezone=True),
                                      nullable=True))
    backfill_en_route(op.get_bind())
    # A duration may now be of one of a call's records (an encounter's police backup, a referral's
    # times): ``record_id`` (the record's uuid) joins the key, the nil uuid for the call's own durations.
    op.drop_table('metrics_call_durations')
    _durations_table(with_record=True)
    _mark_stale()


def downgrade():
    op.drop_table('metrics_call_durations')
    _durations_table(with_record=False)
    _mark_stale()
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('first_en_route_at')
