from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.clock import utcnow
from fieldapp.database import Base


class EidoIncident(Base):
    """Which call an EIDO incident became, and the newest ``lastUpdateTimeStamp`` applied to it:
    a document that is not newer is a replay and changes nothing."""

    __tablename__ = "eido_incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[str] = mapped_column(String(64), unique=True)  # = the call's external_id
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), unique=True)
    integration_id: Mapped[int | None] = mapped_column(ForeignKey("integration_accounts.id"), index=True)
    last_update_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
