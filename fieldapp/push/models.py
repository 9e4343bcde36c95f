from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.clock import utcnow
from fieldapp.database import Base

PENDING, SENT, FAILED, EXPIRED = "pending", "sent", "failed", "expired"


class PushSubscription(Base):
    """One browser's push subscription (``PushSubscription.toJSON()``), for the user who made it.

    ``session_id`` is the sign-in it was made in: signing out of that session ends it. Deactivation,
    a role change, a password change and "sign out everywhere" end every subscription of the user.
    An endpoint belongs to one browser, so it is held by one user at a time.
    """

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("login_sessions.id"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(100))
    auth: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sent_at: Mapped[datetime | None]


class PushMessage(Base):
    """One notification owed to one subscription: written with the call's change, in the same
    transaction, then sent by the job worker. Retried with backoff while the push service fails,
    until it is delivered or its TTL has passed (then the push service would drop it anyway)."""

    __tablename__ = "push_messages"
    __table_args__ = (Index("ix_push_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("push_subscriptions.id", ondelete="CASCADE"),
                                                 index=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"))
    kind: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict] = mapped_column(JSON)
    ttl_seconds: Mapped[int]
    urgency: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(500))

    subscription: Mapped[PushSubscription] = relationship()
