from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.accounts.models import User
from fieldapp.clock import utcnow
from fieldapp.database import Base


class NotSentCount(Base):
    """How many eligible calls of one local day were never sent to the team, for one reason and source.

    Recorded by hand (dispatchers, program managers) or through the API. One row per (day, reason,
    source): recording it again sets the count, so a correction or a replay never adds twice.
    ``reason`` and ``source`` are '' when not given (a unique index cannot hold NULLs as equal).
    """

    __tablename__ = "not_sent_counts"
    __table_args__ = (Index("uq_not_sent_counts_day_reason_source", "day", "reason", "source", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    count: Mapped[int]
    reason: Mapped[str] = mapped_column(String(30), default="", server_default="")
    source: Mapped[str] = mapped_column(String(20), default="", server_default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    recorded_by: Mapped[User | None] = relationship()
