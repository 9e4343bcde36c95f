from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.clock import utcnow
from fieldapp.database import Base


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    # How single sign-on (fieldapp.accounts.oidc) finds an account an admin created; lower-case.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when an admin chooses the password: the user must pick their own before anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    # billing (issue 21), set by an admin (fieldapp.accounts.licensure): the clinician's credential as
    # written on a claim (LCSW, LMHC, MD, CPS ...), their NPI, and whether they are a licensed
    # behavioral-health professional or a peer worker (Social Security Act section 1947's team).
    credential: Mapped[str | None] = mapped_column(String(20))
    npi: Mapped[str | None] = mapped_column(String(10))
    bh_role: Mapped[str | None] = mapped_column(String(20))  # licensed | peer | NULL (neither)
    # The language the user chose on the account page (fieldapp.i18n.LOCALES); NULL: the browser's.
    locale: Mapped[str | None] = mapped_column(String(10))

    # Flask-Login keeps the login session's id, not the user's, so revoking the session
    # row (logout, deactivation, "sign out everywhere") ends it at once.
    login_session_token = None  # set per request by accounts.services, never stored
    login_session = None  # the LoginSession row of this request (its assurance, its lock)

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str | None:
        return self.login_session_token

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class LoginSession(Base):
    """A browser session or an API token. Only a hash of the secret is stored."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "web" | "api"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    # The session's own assurance: when it passed the second factor (None: password only). A session
    # made before the user enrolled stays short of it, whatever the user does later elsewhere.
    second_factor_at: Mapped[datetime | None]
    # Locked after SESSION_IDLE_MINUTES without the user's own requests (CJIS Security Policy 5.5.5);
    # the password (or another unlock method) opens it again (fieldapp.accounts.session_lock).
    locked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
