"""Secrets stored encrypted at rest (TOTP secrets): Fernet (AES-128-CBC with HMAC-SHA256, from the
``cryptography`` library) under the keys of ``FIELD_ENCRYPTION_KEY``.

``FIELD_ENCRYPTION_KEY`` is one or more Fernet keys (``flask --app fieldapp mfa new-key`` makes one),
separated by commas: the first encrypts, every one decrypts (``MultiFernet``). To rotate, put a new
key first, keep the old one after it, run ``flask --app fieldapp mfa rotate-key`` (every secret
re-encrypted under the new key), then remove the old key. Production refuses to start without the
setting (``fieldapp.config``); the demo and the tests, which give none, use a key derived from
``SECRET_KEY`` (HKDF-SHA256), so their data is encrypted all the same.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

__all__ = ["EncryptedText", "InvalidToken", "field_cipher", "is_encrypted", "parse_keys"]
FERNET_PREFIX = "gAAAAA"  # every Fernet token starts with its version byte 0x80 and a timestamp


def parse_keys(value: str) -> list[Fernet]:
    """The keys of a ``FIELD_ENCRYPTION_KEY`` value; ValueError naming a key that is not a Fernet key."""
    keys = []
    for position, key in enumerate((part.strip() for part in value.split(",")), start=1):
        if not key:
            continue
        try:
            keys.append(Fernet(key))
        except (ValueError, TypeError):
            raise ValueError(f"FIELD_ENCRYPTION_KEY: key {position} is not a Fernet key (32 url-safe "
                             "base64-encoded bytes; `flask --app fieldapp mfa new-key` makes one).") from None
    if not keys:
        raise ValueError("FIELD_ENCRYPTION_KEY holds no key.")
    return keys


def _derived_key(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"fieldapp field encryption").derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def field_cipher(app=None) -> MultiFernet:
    """The app's cipher (made once per app and setting)."""
    app = app or current_app
    setting = app.config.get("FIELD_ENCRYPTION_KEY") or ""
    cached = app.extensions.get("fieldapp_cipher")
    if cached is None or cached[0] != setting:
        keys = parse_keys(setting) if setting else [_derived_key(app.config["SECRET_KEY"])]
        cached = (setting, MultiFernet(keys))
        app.extensions["fieldapp_cipher"] = cached
    return cached[1]


def is_encrypted(value: str | None) -> bool:
    return bool(value) and value.startswith(FERNET_PREFIX)


class EncryptedText(TypeDecorator):
    """A text column stored as a Fernet token; Python sees the clear text. It cannot be searched."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else field_cipher().encrypt(value.encode()).decode()

    def process_result_value(self, value, dialect):
        return None if value is None else field_cipher().decrypt(value.encode()).decode()
