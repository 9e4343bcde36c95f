"""audit hash chain: each audit row carries its predecessor's id and hash and its own hash

Existing rows are chained in id order (the append-only trigger is lifted for the backfill and
put back; migrations run as the database owner).

Revision ID: audit_1
Revises: directory_1
Create Date: 2026-11-28 08:28:01.949884

"""
from types import SimpleNamespace

from alembic import op
import sqlalchemy as sa

import fieldapp.database
from fieldapp.audit.chain import GENESIS, digest


# revision identifiers, used by Alembic.
revision = 'audit_1'
down_revision = 'directory_1'
branch_labels = None
depends_on = None

audit_events = sa.table(
    "audit_events", sa.column("id", sa.Integer), sa.column("at", fieldapp.database.UTCDateTime()),
    sa.column("user_id", sa.Integer), sa.column("username", sa.String), sa.column("action", sa.String),
    sa.column("object_type", sa.String), sa.column("object_id", sa.String), sa.column("outcome", sa.String),
    sa.column("ip", sa.String), sa.column("user_agent", sa.String), sa.column("details", sa.JSON),
    sa.column("prev_id", sa.Integer), sa.column("prev_hash", sa.String), sa.column("hash", sa.String))


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    _drop_trigger()
    bind = op.get_bind()
    prev_id, prev_hash = None, GENESIS
    for row in bind.execute(sa.select(audit_events).order_by(audit_events.c.id)).mappings().all():
        row = SimpleNamespace(**{**row, "prev_id": prev_id, "prev_hash": prev_hash})
        row.hash = digest(row)
        bind.execute(audit_events.update().where(audit_events.c.id == row.id)
                     .values(prev_id=prev_id, prev_hash=prev_hash, hash=row.hash))
        prev_id, prev_hash = row.id, row.hash
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_events_prev_id'), ['prev_id'])
    _drop_trigger()  # SQLite's batch mode rebuilt the table without it
    _refuse_updates()


def downgrade():
    _drop_trigger()
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_events_prev_id'), type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('prev_id')
    _drop_trigger()
    _refuse_updates()


def _drop_trigger():
    on = " ON audit_events" if op.get_bind().dialect.name == "postgresql" else ""
    op.execute("DROP TRIGGER IF EXISTS audit_events_append_only" + on)


def _refuse_updates():
    """As in ae5ca606b22e: audit rows are append-only in the database too."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events "
                   "FOR EACH ROW EXECUTE FUNCTION fieldapp_refuse_update()")
    else:
        op.execute("CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events "
                   "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END")
