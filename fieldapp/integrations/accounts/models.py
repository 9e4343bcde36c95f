import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.clock import utcnow
from fieldapp.database import Base


class IntegrationAccount(Base):
    """A system, not a person: a CAD client, a partner organization or a 988 crisis line center.

    The API key is ``fa_int_<key_id>_<secret>``: ``key_id`` finds the row, and only the SHA-256 of
    the secret is kept (the secret is 256 random bits, so a slow password hash adds nothing). The
    webhook secret signs what fieldapp sends to a CAD or a 988 center, so it is kept as given.
    """

    __tablename__ = "integration_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # cad | partner | crisis_line
    actions: Mapped[list] = mapped_column(JSON, default=list)
    organization_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("organizations.id"), index=True)
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    webhook_secret: Mapped[str | None] = mapped_column(String(100))
    key_id: Mapped[str] = mapped_column(String(24), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    key_rotated_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def audit_name(self) -> str:
        return f"integration:{self.name}"

    def __repr__(self) -> str:
        return f"<IntegrationAccount {self.id} {self.kind} {self.name}>"
