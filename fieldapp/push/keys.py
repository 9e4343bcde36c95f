"""VAPID keys (RFC 8292): the settings, the public key browsers subscribe with, and ``push keygen``.

``VAPID_PRIVATE_KEY`` is the raw 32-byte P-256 private key, base64url without padding (the form
pywebpush and py_vapid take); ``VAPID_SUBJECT`` is the ``mailto:`` or ``https:`` contact push
services may use to reach the operator. Without a key, push is off and nothing else changes. The
embedded demo (``FIELDAPP_ENV=development``) makes its own key in ``instance/vapid.env``.
"""

import base64
import logging
import os
import re
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

log = logging.getLogger(__name__)
DEMO_KEY_FILE = "vapid.env"
DEMO_SUBJECT = "mailto:fieldapp-demo@example.org"
# What py_vapid accepts as a ``sub`` claim, said simply: a mail address or an https origin.
_SUBJECT = re.compile(r"^(mailto:[^@\s]+@[\w.-]+|https://[\w.-]+(:\d+)?/?)$", re.IGNORECASE)


class VapidSettingError(ValueError):
    """A VAPID setting that cannot be used."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def private_key(raw: str) -> ec.EllipticCurvePrivateKey:
    """The P-256 key of a ``VAPID_PRIVATE_KEY`` value; ``VapidSettingError`` saying what is wrong."""
    try:
        secret = b64url_decode(raw.strip())
    except ValueError:
        raise VapidSettingError("VAPID_PRIVATE_KEY is not base64url text.") from None
    if len(secret) != 32:
        raise VapidSettingError("VAPID_PRIVATE_KEY must be the raw 32-byte P-256 private key, base64url without "
                        "padding (run: flask --app fieldapp push keygen).")
    try:
        return ec.derive_private_key(int.from_bytes(secret, "big"), ec.SECP256R1())
    except ValueError:
        raise VapidSettingError("VAPID_PRIVATE_KEY is not a valid P-256 private key.") from None


def public_key(raw_private: str) -> str:
    """The application server key browsers subscribe with: the uncompressed point, base64url."""
    point = private_key(raw_private).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64url(point)


def generate() -> tuple[str, str]:
    """A new (private, public) pair in the settings' form."""
    key = ec.generate_private_key(ec.SECP256R1())
    raw = b64url(key.private_numbers().private_value.to_bytes(32, "big"))
    return raw, public_key(raw)


def check_subject(subject: str) -> str:
    subject = subject.strip()
    if not _SUBJECT.match(subject):
        raise VapidSettingError("VAPID_SUBJECT must be a contact for the push services: mailto:ops@agency.example "
                        "or https://agency.example.")
    return subject


def _demo_key(instance_path: str) -> str:
    """The demo's own key, made once and kept under ``instance/`` like the demo's secret key."""
    path = Path(instance_path) / DEMO_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        private, public = generate()
        path.write_text(f"VAPID_PRIVATE_KEY={private}\nVAPID_PUBLIC_KEY={public}\n")
        path.chmod(0o600)
    for line in path.read_text().splitlines():
        name, _, value = line.partition("=")
        if name.strip() == "VAPID_PRIVATE_KEY":
            return value.strip()
    raise VapidSettingError(f"{path} has no VAPID_PRIVATE_KEY line; delete it to make a new key.")


def settings(instance_path: str, *, development: bool) -> dict:
    """The push settings from the environment; ``VapidSettingError`` for a value that cannot work."""
    raw = os.environ.get("VAPID_PRIVATE_KEY", "").strip()
    subject = os.environ.get("VAPID_SUBJECT", "").strip()
    if not raw and development:
        raw, subject = _demo_key(instance_path), subject or DEMO_SUBJECT
    if raw:
        private_key(raw)
        if not subject:
            raise VapidSettingError("VAPID_SUBJECT is not set: push services need a contact (mailto: or https:).")
        subject = check_subject(subject)
    return {"VAPID_PRIVATE_KEY": raw or None, "VAPID_SUBJECT": subject or None}


def enabled(config) -> bool:
    return bool(config.get("VAPID_PRIVATE_KEY"))


def announce(app) -> None:
    """Say at start whether push is on (an operator reads this in the process log)."""
    if enabled(app.config):
        app.logger.info("Web Push is on (VAPID subject %s).", app.config.get("VAPID_SUBJECT"))
    else:
        app.logger.warning("Web Push is off: VAPID_PRIVATE_KEY is not set (flask --app fieldapp push keygen "
                           "makes one). Assignments reach phones only while the app is open.")
