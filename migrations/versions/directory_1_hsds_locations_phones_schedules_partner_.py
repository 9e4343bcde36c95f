"""HSDS locations, phones, schedules; partner steps on referrals

Revision ID: directory_1
Revises: integrations_1
Create Date: 2026-11-28 08:27:03.805628

"""
from alembic import op
import sqlalchemy as sa

import fieldapp.database  # noqa: F401 - models use fieldapp.database.UTCDateTime


# revision identifiers, used by Alembic.
revision = 'directory_1'
down_revision = 'integrations_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('directory_locations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('location_type', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('address_id', sa.Uuid(), nullable=True),
    sa.Column('address_1', sa.String(length=200), nullable=True),
    sa.Column('address_2', sa.String(length=200), nullable=True),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('state_province', sa.String(length=100), nullable=True),
    sa.Column('postal_code', sa.String(length=20), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('address_type', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_directory_locations_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_locations'))
    )
    with op.batch_alter_table('directory_locations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_locations_organization_id'), ['organization_id'], unique=False)

    op.create_table('directory_phones',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('service_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('extension', sa.Integer(), nullable=True),
    sa.Column('type', sa.String(length=20), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_directory_phones_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_phones'))
    )
    with op.batch_alter_table('directory_phones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_phones_service_id'), ['service_id'], unique=False)

    op.create_table('directory_schedules',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('service_id', sa.Uuid(), nullable=False),
    sa.Column('freq', sa.String(length=10), nullable=True),
    sa.Column('interval', sa.Integer(), nullable=True),
    sa.Column('byday', sa.String(length=40), nullable=True),
    sa.Column('opens_at', sa.String(length=8), nullable=True),
    sa.Column('closes_at', sa.String(length=8), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_directory_schedules_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_schedules'))
    )
    with op.batch_alter_table('directory_schedules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_schedules_service_id'), ['service_id'], unique=False)

    op.create_table('directory_service_at_locations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('service_id', sa.Uuid(), nullable=False),
    sa.Column('location_id', sa.Uuid(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['directory_locations.id'], name=op.f('fk_directory_service_at_locations_location_id_directory_locations')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_directory_service_at_locations_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_service_at_locations'))
    )
    with op.batch_alter_table('directory_service_at_locations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_service_at_locations_location_id'), ['location_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_directory_service_at_locations_service_id'), ['service_id'], unique=False)

    # A plain ADD COLUMN (SQLite has it): recreating the table would drop its append-only trigger.
    op.add_column('referral_events', sa.Column('partner', sa.String(length=200), nullable=True))



def downgrade():
    with op.batch_alter_table('referral_events', schema=None) as batch_op:
        batch_op.drop_column('partner')
    _restore_append_only_trigger()

    with op.batch_alter_table('directory_service_at_locations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_service_at_locations_service_id'))
        batch_op.drop_index(batch_op.f('ix_directory_service_at_locations_location_id'))

    op.drop_table('directory_service_at_locations')
    with op.batch_alter_table('directory_schedules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_schedules_service_id'))

    op.drop_table('directory_schedules')
    with op.batch_alter_table('directory_phones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_phones_service_id'))

    op.drop_table('directory_phones')
    with op.batch_alter_table('directory_locations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_locations_organization_id'))

    op.drop_table('directory_locations')


def _restore_append_only_trigger():
    """SQLite's batch drop_column recreates the table, which loses the trigger (PostgreSQL keeps it)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS referral_events_append_only")
        op.execute("CREATE TRIGGER referral_events_append_only BEFORE UPDATE ON referral_events "
                   "BEGIN SELECT RAISE(ABORT, 'referral_events is append-only'); END")
