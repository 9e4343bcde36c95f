from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.clock import utcnow
from fieldapp.database import Base


class LiveEvent(Base):
    __tablename__ = "live_events"
    __append_only__ = True

    # BIGINT on PostgreSQL; SQLite needs INTEGER for an autoincrementing rowid.
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"))
    # None: for dispatch only. A unit id: for that unit's crew (and dispatch).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
