from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.clock import utcnow
from fieldapp.database import Base


class AuditEvent(Base):
    """One audited action. Rows are only ever inserted (``__append_only__``).

    Each row carries ``hash``, a SHA-256 over its own content and ``prev_hash``, the hash of the row
    before it (``prev_id``): the rows form one chain, so a row changed or deleted in the database
    shows in ``flask --app fieldapp audit verify`` (``fieldapp.audit.chain``). ``prev_id`` is unique:
    two rows can never claim the same predecessor, so the chain cannot fork.
    """

    __tablename__ = "audit_events"
    __append_only__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    username: Mapped[str | None] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20), default="success")
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_id: Mapped[int | None] = mapped_column(unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
