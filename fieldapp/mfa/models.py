from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.clock import utcnow
from fieldapp.crypto import EncryptedText
from fieldapp.database import Base


class TotpCredential(Base):
    """A user's authenticator-app secret: pending until confirmed with a first code.

    ``last_used_step`` is the RFC 6238 time step of the last code accepted; a code of that step
    or an earlier one is refused, so each code works once. ``secret`` is stored encrypted
    (``fieldapp.crypto``: Fernet under ``FIELD_ENCRYPTION_KEY``)."""

    __tablename__ = "mfa_totp"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    secret: Mapped[str] = mapped_column(EncryptedText())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    last_used_step: Mapped[int | None] = mapped_column(BigInteger)


class RecoveryCode(Base):
    """A one-time recovery code; only its SHA-256 is kept (80 random bits, so no slow hash is needed)."""

    __tablename__ = "mfa_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]


class LoginChallenge(Base):
    """The half-signed-in state between a right password and the code (pages only).

    The browser session holds the only copy of the secret; the row says whose it is and until
    when it is good. It grants nothing but the code step."""

    __tablename__ = "login_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class KnownDevice(Base):
    """A browser that completed a sign-in with the second factor (OWASP "device cookies").

    When the account is locked, that browser may still try: its own attempts are counted here,
    5 failures lock the device, so a lock set off by someone else does not stop the owner, and a
    stolen device cookie still needs the password and a code."""

    __tablename__ = "known_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(default=utcnow)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
