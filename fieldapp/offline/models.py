from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.clock import utcnow
from fieldapp.database import Base


class DeviceStorageKey(Base):
    """The key a user's devices encrypt their offline copies and outbox with (AES-256-GCM in the
    browser, static/js/vault.js). The server keeps it, so nothing on a phone can be read once its
    user has signed out, and what was waiting is readable again when the same user signs back in."""

    __tablename__ = "device_storage_keys"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
