from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.clock import utcnow
from fieldapp.database import Base


class UnitPosition(Base):
    """One position a crew's phone sent: the history, kept POSITION_RETENTION_DAYS (``retention``).
    A device sends each of its positions once: the same device and time again is a replay."""

    __tablename__ = "unit_positions"
    __table_args__ = (
        UniqueConstraint("unit_id", "device_id", "recorded_at", name="uq_unit_positions_device_time"),
        Index("ix_unit_positions_unit_recorded", "unit_id", "recorded_at"),
    )

    # BIGINT on PostgreSQL; SQLite needs INTEGER for an autoincrementing rowid.
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    device_id: Mapped[str] = mapped_column(String(64))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    recorded_at: Mapped[datetime]  # the device's time of the fix
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class LatestPosition(Base):
    """The newest position of each unit (one row a unit), so the board and the map never scan the
    history. Written only by ``services.record`` with an upsert that keeps the newer of the two."""

    __tablename__ = "unit_latest_positions"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"))
    device_id: Mapped[str] = mapped_column(String(64))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    recorded_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
