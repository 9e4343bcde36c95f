import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.calls.models import Call
from fieldapp.clock import utcnow
from fieldapp.database import Base
from fieldapp.integrations.accounts.models import IntegrationAccount


class CrisisHandoff(Base):
    """A 988 center's hand-off and the call it became. Its id is the ServiceRequest's and the Task's.

    ``request_key`` says when a request is the same one again: the center's ``identifier``
    (system|value) when it sends one, else the SHA-256 of the body; ``request_hash`` is the body's,
    so the same key with another body is a conflict. ``resource`` is the ServiceRequest as received
    (none for an EIDO hand-off)."""

    __tablename__ = "crisis_handoffs"
    __table_args__ = (UniqueConstraint("integration_id", "request_key", name="uq_crisis_handoffs_request"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    integration_id: Mapped[int] = mapped_column(ForeignKey("integration_accounts.id"), index=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), unique=True)
    via: Mapped[str] = mapped_column(String(10))  # fhir | eido
    request_key: Mapped[str] = mapped_column(String(300))
    request_hash: Mapped[str] = mapped_column(String(64))
    identifier: Mapped[str | None] = mapped_column(String(300))
    resource: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    call: Mapped[Call] = relationship()
    integration: Mapped[IntegrationAccount] = relationship()

    @property
    def integration_name(self) -> str | None:
        return self.integration.name if self.integration else None
