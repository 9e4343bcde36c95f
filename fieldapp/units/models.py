from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.accounts.models import User
from fieldapp.clock import utcnow
from fieldapp.database import Base


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sign: Mapped[str] = mapped_column(String(20), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Unit {self.call_sign}>"


class Shift(Base):
    """A clinician and an officer on a unit. The unit is on duty while a shift is open."""

    __tablename__ = "shifts"
    __table_args__ = (
        # At most one open shift per unit, enforced by the database too.
        Index("uq_shifts_open_unit", "unit_id", unique=True,
              postgresql_where=text("ended_at IS NULL"), sqlite_where=text("ended_at IS NULL")),
        # The shift on a unit at a moment: the latest started at or before it (fieldapp.units.crews).
        Index("ix_shifts_unit_id_started_at", "unit_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    clinician_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    unit: Mapped[Unit] = relationship()
    clinician: Mapped[User] = relationship(foreign_keys=[clinician_id])
    officer: Mapped[User] = relationship(foreign_keys=[officer_id])
