import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.accounts.models import User
from fieldapp.clock import utcnow
from fieldapp.database import Base
from fieldapp.directory.models import Service
from fieldapp.encounters.models import Encounter
from fieldapp.people.models import Person


class Referral(Base):
    """A person referred to a service from an encounter. The id is made by the device."""

    __tablename__ = "referrals"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    encounter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("encounters.id"), index=True)
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"), index=True)
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="made", index=True)
    consent_type: Mapped[str] = mapped_column(String(10))
    consent_given_by: Mapped[str] = mapped_column(String(120))
    consent_at: Mapped[datetime]
    part2_consent: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime] = mapped_column(index=True)
    closed_at: Mapped[datetime | None]
    recorded_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    request_hash: Mapped[str] = mapped_column(String(64))

    encounter: Mapped[Encounter] = relationship()
    person: Mapped[Person | None] = relationship()
    service: Mapped[Service] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship()
    history: Mapped[list["ReferralEvent"]] = relationship(
        back_populates="referral", order_by="ReferralEvent.received_at", lazy="selectin")


class ReferralEvent(Base):
    """An append-only step in a referral's life: who, when, and why where it is a failure."""

    __tablename__ = "referral_events"
    __append_only__ = True

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    referral_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("referrals.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(500))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A step made by a partner organization's integration (FHIR Task update), not by a user.
    partner: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    request_hash: Mapped[str | None] = mapped_column(String(64))

    referral: Mapped[Referral] = relationship(back_populates="history")
    user: Mapped[User | None] = relationship()
