from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.clock import utcnow
from fieldapp.database import Base
from fieldapp.integrations.accounts.models import IntegrationAccount

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


class WebhookDelivery(Base):
    """One message owed to one CAD integration about one call: written with the change, in the same
    transaction, then sent by the job worker until the receiver answers 2xx.

    The deliveries of one (integration, call) go out in ``id`` order: a later one waits while an
    earlier one is not delivered. ``locked_until`` is the lease of the worker sending it.
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_stream", "integration_id", "call_id", "id"),
                      Index("ix_webhook_deliveries_due", "status", "next_attempt_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("integration_accounts.id"))
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"))
    event: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    last_status_code: Mapped[int | None]
    delivered_at: Mapped[datetime | None]

    integration: Mapped[IntegrationAccount] = relationship()
