"""the person's language (issue 23): a call's preferred language and interpreter needed; a person's
interpreter needed (people.preferred_language exists: from now on a BCP 47 tag)

Revision ID: i23b_1
Revises: i23a_1 (was i21b_1; chained after i23a's, merged in, so there is one head)
Create Date: 2026-12-07 19:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'i23b_1'
down_revision = 'i23a_1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preferred_language', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('interpreter_needed', sa.Boolean(), nullable=True))
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('interpreter_needed', sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('interpreter_needed')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('interpreter_needed')
        batch_op.drop_column('preferred_language')
