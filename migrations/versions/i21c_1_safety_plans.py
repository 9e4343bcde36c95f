"""safety plans (Stanley-Brown), each signed as a note of the same id

Revision ID: i21c_1
Revises: i22d_1
Create Date: 2026-12-07 17:00:00

"""
from alembic import op
import sqlalchemy as sa

import fieldapp.database  # noqa: F401 - models use fieldapp.database.UTCDateTime

# revision identifiers, used by Alembic.
revision = 'i21c_1'
down_revision = 'i22d_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'safety_plans',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('note_id', sa.Uuid(), nullable=False),
        sa.Column('encounter_id', sa.Uuid(), nullable=False),
        sa.Column('person_id', sa.Uuid(), nullable=True),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('steps', sa.JSON(), nullable=False),
        sa.Column('recorded_at', fieldapp.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('signed_at', fieldapp.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_safety_plans_author_id_users')),
        sa.ForeignKeyConstraint(['encounter_id'], ['encounters.id'], name=op.f('fk_safety_plans_encounter_id_encounters')),
        sa.ForeignKeyConstraint(['note_id'], ['notes.id'], name=op.f('fk_safety_plans_note_id_notes')),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_safety_plans_person_id_people')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_safety_plans')),
        sa.UniqueConstraint('note_id', name=op.f('uq_safety_plans_note_id')),
    )
    with op.batch_alter_table('safety_plans') as batch_op:
        batch_op.create_index(batch_op.f('ix_safety_plans_encounter_id'), ['encounter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_safety_plans_person_id'), ['person_id'], unique=False)
    # signed: never changed, in the database too (as notes are)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE TRIGGER safety_plans_append_only BEFORE UPDATE ON safety_plans "
                   "FOR EACH ROW EXECUTE FUNCTION fieldapp_refuse_update()")
    else:
        op.execute("CREATE TRIGGER safety_plans_append_only BEFORE UPDATE ON safety_plans "
                   "BEGIN SELECT RAISE(ABORT, 'safety_plans is append-only'); END")


def downgrade():
    op.drop_table('safety_plans')
