"""The key each user's devices seal their offline data with (see DeviceStorageKey)."""

import secrets

from sqlalchemy.exc import IntegrityError

from fieldapp.extensions import db
from fieldapp.offline.models import DeviceStorageKey

KEY_BYTES = 32  # AES-256-GCM


def storage_key_of(user) -> bytes:
    """The user's device storage key, made on first asking. Two first asks at once (two tabs
    signing in) make one key: the second insert fails on the primary key and reads the first's."""
    for _ in range(2):
        row = db.session.get(DeviceStorageKey, user.id)
        if row is not None:
            return row.key
        db.session.add(DeviceStorageKey(user_id=user.id, key=secrets.token_bytes(KEY_BYTES)))
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
    return db.session.get(DeviceStorageKey, user.id).key
