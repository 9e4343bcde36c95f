"""mfa: TOTP secrets encrypted at rest (Fernet under FIELD_ENCRYPTION_KEY, fieldapp.crypto)

Revision ID: i22b_1
Revises: i21c_1
Create Date: 2026-12-07 16:30:00

The column grows to hold a Fernet token, and every secret stored in clear is encrypted under the
current key (the first of FIELD_ENCRYPTION_KEY). Run it with the app's settings (`flask db upgrade`).
"""
from alembic import op
import sqlalchemy as sa
from flask import current_app

from fieldapp.crypto import field_cipher, is_encrypted

# revision identifiers, used by Alembic.
revision = 'i22b_1'
down_revision = 'i21c_1'
branch_labels = None
depends_on = None

TOTP = sa.table("mfa_totp", sa.column("user_id", sa.Integer), sa.column("secret", sa.Text))


def _rewrite(change):
    bind = op.get_bind()
    for user_id, secret in bind.execute(sa.select(TOTP.c.user_id, TOTP.c.secret)).all():
        new = change(secret)
        if new != secret:
            bind.execute(TOTP.update().where(TOTP.c.user_id == user_id).values(secret=new))


def upgrade():
    with op.batch_alter_table('mfa_totp', schema=None) as batch_op:
        batch_op.alter_column('secret', existing_type=sa.String(length=64), type_=sa.Text(), existing_nullable=False)
    cipher = field_cipher(current_app)
    _rewrite(lambda secret: secret if is_encrypted(secret) else cipher.encrypt(secret.encode()).decode())


def downgrade():
    cipher = field_cipher(current_app)
    _rewrite(lambda secret: cipher.decrypt(secret.encode()).decode() if is_encrypted(secret) else secret)
    with op.batch_alter_table('mfa_totp', schema=None) as batch_op:
        batch_op.alter_column('secret', existing_type=sa.Text(), type_=sa.String(length=64), existing_nullable=False)
