"""issue 20: the agency's zones and response targets, the geocoder's cache; a call's location source,
zone and breach alert

Revision ID: i20b_1
Revises: i21b_1
Create Date: 2026-12-07 19:45:00

"""
from alembic import op
import sqlalchemy as sa

import fieldapp.database

# revision identifiers, used by Alembic.
revision = 'i20b_1'
down_revision = 'i21b_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'zones',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('geometry', sa.JSON(), nullable=False),
        sa.Column('min_lon', sa.Float(), nullable=False),
        sa.Column('min_lat', sa.Float(), nullable=False),
        sa.Column('max_lon', sa.Float(), nullable=False),
        sa.Column('max_lat', sa.Float(), nullable=False),
        sa.Column('updated_at', fieldapp.database.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_zones')),
        sa.UniqueConstraint('name', name=op.f('uq_zones_name')),
    )
    op.create_table(
        'response_targets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('zone_id', sa.Integer(), nullable=False),
        sa.Column('priority', sa.Integer(), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['zone_id'], ['zones.id'], name=op.f('fk_response_targets_zone_id_zones'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_response_targets')),
        sa.UniqueConstraint('zone_id', 'priority', name='uq_response_targets_zone_priority'),
    )
    with op.batch_alter_table('response_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_targets_zone_id'), ['zone_id'], unique=False)
    op.create_table(
        'geocode_cache',
        sa.Column('address_key', sa.String(length=200), nullable=False),
        sa.Column('lat', sa.Float(), nullable=True),
        sa.Column('lon', sa.Float(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('fetched_at', fieldapp.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', fieldapp.database.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('address_key', name=op.f('pk_geocode_cache')),
    )
    with op.batch_alter_table('geocode_cache', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_geocode_cache_expires_at'), ['expires_at'], unique=False)
    # calls.zone_id has no foreign key: SQLite would copy the whole calls table to add one, which the rows
    # already pointing at calls refuse; fieldapp.zones.services.upload finds every call's zone again instead.
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location_source', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('zone_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('breach_alerted_at', fieldapp.database.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_calls_zone_id'), ['zone_id'], unique=False)
    # Calls that came with coordinates came with them from the CAD (or the call taker).
    op.execute("UPDATE calls SET location_source = 'cad' WHERE lat IS NOT NULL AND lon IS NOT NULL")


def downgrade():
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calls_zone_id'))
        batch_op.drop_column('breach_alerted_at')
        batch_op.drop_column('zone_id')
        batch_op.drop_column('location_source')
    with op.batch_alter_table('geocode_cache', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_geocode_cache_expires_at'))
    op.drop_table('geocode_cache')
    with op.batch_alter_table('response_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_targets_zone_id'))
    op.drop_table('response_targets')
    op.drop_table('zones')
