from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.accounts.models import User
from fieldapp.clock import utcnow
from fieldapp.database import Base


class OidcIdentity(Base):
    """A user's account at the OpenID provider (issuer + subject), linked at their first single sign-on.

    Holds the provider's latest refresh and access tokens so the periodic check
    (``fieldapp.accounts.oidc_checks``) can ask the provider whether the account is still enabled."""

    __tablename__ = "oidc_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_oidc_identities_issuer_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    refresh_token: Mapped[str | None] = mapped_column(Text)
    access_token: Mapped[str | None] = mapped_column(Text)
    last_sign_in_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class OidcLoginSession(Base):
    """A fieldapp session opened by single sign-on, and whether the provider's token showed a second
    factor (its ``amr``), which then stands for fieldapp's own."""

    __tablename__ = "oidc_login_sessions"

    login_session_id: Mapped[int] = mapped_column(ForeignKey("login_sessions.id"), primary_key=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("oidc_identities.id"), index=True)
    sid: Mapped[str | None] = mapped_column(String(255), index=True)
    second_factor: Mapped[bool] = mapped_column(default=False)
    amr: Mapped[str] = mapped_column(String(200), default="")
