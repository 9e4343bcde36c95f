"""Second-factor rules: enrolment, checking a code once, recovery codes, admin reset, the login-page
challenge. Every check that must hold under concurrency is one conditional ``UPDATE``.
"""

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

import pyotp
import segno
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Integer, Text, column, delete, or_, select, table, update

from fieldapp.audit import services as audit
from fieldapp.clock import utcnow
from fieldapp.crypto import field_cipher
from fieldapp.errors import Conflict, Invalid
from fieldapp.extensions import db
from fieldapp.mfa import passkeys
from fieldapp.mfa.models import KnownDevice, LoginChallenge, RecoveryCode, TotpCredential

TOTP_DIGITS = 6
VALID_WINDOW = 1  # a code of the step before or after is accepted too (clock drift, RFC 6238 5.2)
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/i/l
RECOVERY_LENGTH = 16  # 16 of 31 symbols: 79 random bits
WRONG_CODE = "The code is wrong or was already used."


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def totp_of(user) -> TotpCredential | None:
    return db.session.get(TotpCredential, user.id)


def has_totp(user) -> bool:
    return db.session.scalar(select(TotpCredential.confirmed_at).where(TotpCredential.user_id == user.id)) \
        is not None


def is_enrolled(user) -> bool:
    """The user has a second factor: a confirmed authenticator app or a passkey (one query: every
    request of a user without one asks, ``accounts.second_factor.session_assured``)."""
    totp = select(TotpCredential.user_id).where(TotpCredential.user_id == user.id,
                                                TotpCredential.confirmed_at.is_not(None))
    return bool(db.session.scalar(select(totp.exists() | passkeys.of_user(user).exists())))


def must_enrol(user) -> bool:
    """A user whose role must use a second factor and who has not set one up yet."""
    return user.role in current_app.config["MFA_REQUIRED_ROLES"] and not is_enrolled(user)


def provisioning_uri(user, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username,
                                               issuer_name=current_app.config["MFA_ISSUER"])


def qr_data_uri(uri: str) -> str:
    """The otpauth URI as a QR code in an SVG data URI (allowed by the CSP's img-src data:)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=3, dark="#000", light="#fff")


def begin_enrolment(user) -> TotpCredential:
    """A new pending secret (a second call replaces the pending one). Refused once enrolled."""
    credential = totp_of(user)
    if credential is not None and credential.confirmed_at is not None:
        raise Conflict(_("A second factor is already set up. An admin can reset it if the device is lost."),
                       code="mfa_already_enrolled")
    if credential is None:
        credential = TotpCredential(user_id=user.id, secret="")
        db.session.add(credential)
    credential.secret = pyotp.random_base32()
    credential.created_at = utcnow()
    credential.last_used_step = None
    audit.record("mfa.enrol_start", object_type="users", object_id=user.id, user=user)
    db.session.commit()
    return credential


def confirm_enrolment(user, otp: str, *, also=None) -> list[str]:
    """Confirm the pending secret with a first code; answers the recovery codes (shown once).
    ``also()`` runs in the same unit of work once the code is right (accounts ends other sessions)."""
    credential = totp_of(user)
    if credential is None or credential.confirmed_at is not None:
        raise Conflict(_("Start the set-up first.") if credential is None else
                       "A second factor is already set up.", code="mfa_not_pending")
    step = _matching_step(credential.secret, otp)
    if step is None:
        audit.record("mfa.enrol_confirm", outcome="failure", object_type="users", object_id=user.id, user=user)
        db.session.commit()
        raise Invalid(WRONG_CODE, fields={"otp": [WRONG_CODE]}, code="mfa_invalid")
    credential.confirmed_at = utcnow()
    credential.last_used_step = step
    codes = _new_recovery_codes(user)
    if also is not None:
        also()
    audit.record("mfa.enrol_confirm", object_type="users", object_id=user.id, user=user,
                 details={"recovery_codes": len(codes)})
    db.session.commit()
    return codes


def _new_recovery_codes(user) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _code in range(current_app.config["MFA_RECOVERY_CODES"]):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _letter in range(RECOVERY_LENGTH))
        codes.append("-".join(raw[i:i + 4] for i in range(0, RECOVERY_LENGTH, 4)))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_sha256(raw)))
    return codes


def _matching_step(secret: str, otp: str) -> int | None:
    """The RFC 6238 time step whose code is ``otp`` (within the window), or None."""
    otp = re.sub(r"\s", "", otp or "")
    if not re.fullmatch(rf"\d{{{TOTP_DIGITS}}}", otp):
        return None
    totp = pyotp.TOTP(secret, digits=TOTP_DIGITS)
    now_step = totp.timecode(utcnow())
    match = None
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), otp):
            match = step
    return match


def check_second_factor(user, code: str) -> bool:
    """Accept a current TOTP code or an unused recovery code, each once, however requests race.

    Audits a recovery code's use; the caller audits the sign-in and counts a failure."""
    code = (code or "").strip()
    credential = totp_of(user)
    if credential is None or credential.confirmed_at is None:
        return False
    step = _matching_step(credential.secret, code)
    if step is not None:
        result = db.session.execute(
            update(TotpCredential)
            .where(TotpCredential.user_id == user.id, TotpCredential.confirmed_at.is_not(None),
                   or_(TotpCredential.last_used_step.is_(None), TotpCredential.last_used_step < step))
            .values(last_used_step=step).execution_options(synchronize_session=False))
        db.session.commit()
        return result.rowcount == 1
    raw = re.sub(r"[\s-]", "", code).lower()
    if len(raw) != RECOVERY_LENGTH:
        return False
    result = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _sha256(raw),
               RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        return False
    left = db.session.scalar(select(db.func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))
    audit.record("mfa.recovery_code_use", object_type="users", object_id=user.id, user=user,
                 details={"recovery_codes_left": left})
    db.session.commit()
    return True


def recovery_codes_left(user) -> int:
    return db.session.scalar(select(db.func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def forget(user) -> bool:
    """Remove every second factor of ``user`` (``accounts.services.reset_second_factor`` ends their
    sessions and audits it); True when they had one. The caller commits."""
    had = totp_of(user) is not None or passkeys.has_passkey(user)
    passkeys.forget(user)
    db.session.execute(delete(TotpCredential).where(TotpCredential.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(LoginChallenge).where(LoginChallenge.user_id == user.id))
    db.session.execute(delete(KnownDevice).where(KnownDevice.user_id == user.id))
    return had


# mfa_totp as stored: the tokens themselves, not decrypted (the model's column type would decrypt them)
_STORED_SECRETS = table("mfa_totp", column("user_id", Integer), column("secret", Text))


def rotate_secrets(*, by) -> int:
    """Re-encrypt every TOTP secret under the first key of FIELD_ENCRYPTION_KEY (``MultiFernet.rotate``:
    any listed key decrypts). Works on the stored tokens, never on clear text in Python objects."""
    table, cipher = _STORED_SECRETS, field_cipher()
    rows = db.session.execute(select(table.c.user_id, table.c.secret)).all()
    for user_id, token in rows:
        db.session.execute(update(table).where(table.c.user_id == user_id)
                           .values(secret=cipher.rotate(token.encode()).decode())
                           .execution_options(synchronize_session=False))
    audit.record("mfa.key_rotate", user=by, details={"secrets": len(rows)})
    db.session.commit()
    return len(rows)


# The login page's code step ------------------------------------------------------------------------

def start_challenge(user) -> str:
    """After a right password: a short-lived secret the browser session keeps for the code step."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(LoginChallenge(user_id=user.id, token_hash=_sha256(token), created_at=now,
                                  expires_at=now + timedelta(minutes=current_app.config["MFA_CHALLENGE_MINUTES"])))
    db.session.commit()
    return token


def challenge_user_id(token: str | None) -> int | None:
    """Whose code step this is, while it is open; None when unknown, used or expired."""
    if not token:
        return None
    row = db.session.scalar(select(LoginChallenge).where(LoginChallenge.token_hash == _sha256(token)))
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    return row.user_id


def end_challenge(token: str) -> None:
    db.session.execute(update(LoginChallenge).where(LoginChallenge.token_hash == _sha256(token))
                       .values(used_at=utcnow()))
    db.session.execute(delete(LoginChallenge).where(LoginChallenge.expires_at < utcnow() - timedelta(days=1)))
    db.session.commit()


# Browsers that signed in with the second factor ---------------------------------------------------

DEVICE_COOKIE = "fieldapp_device"


def known_device(token: str | None, user) -> KnownDevice | None:
    """The known device behind ``token`` if it is ``user``'s, recent, and the user still has a
    second factor (a device only ever stands in for the lock, never for the password or the code)."""
    if not token or len(token) > 100:
        return None
    since = utcnow() - timedelta(days=current_app.config["KNOWN_DEVICE_DAYS"])
    device = db.session.scalar(select(KnownDevice).where(KnownDevice.token_hash == _sha256(token),
                                                         KnownDevice.user_id == user.id,
                                                         KnownDevice.last_used_at > since))
    return device if device is not None and is_enrolled(user) else None


def remember_device(user, token: str | None) -> str:
    """After a sign-in with the second factor: the browser's device token (kept if it has one)."""
    now = utcnow()
    device = known_device(token, user)
    if device is None:
        token = secrets.token_urlsafe(32)
        device = KnownDevice(user_id=user.id, token_hash=_sha256(token), created_at=now)
        db.session.add(device)
        stale = now - timedelta(days=current_app.config["KNOWN_DEVICE_DAYS"])
        db.session.execute(delete(KnownDevice).where(KnownDevice.user_id == user.id,
                                                     KnownDevice.last_used_at <= stale))
    device.last_used_at = now
    db.session.commit()
    return token
