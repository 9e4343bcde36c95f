import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.accounts.models import User
from fieldapp.calls.models import Call
from fieldapp.clock import utcnow
from fieldapp.database import Base
from fieldapp.people.models import Person


class Encounter(Base):
    """One person contacted on one call. The id is made by the device."""

    __tablename__ = "encounters"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(20), index=True)
    hospitalization_type: Mapped[str | None] = mapped_column(String(20))
    concerns: Mapped[list] = mapped_column(JSON, default=list)
    probable_cause: Mapped[bool] = mapped_column(default=False)
    diverted: Mapped[bool] = mapped_column(default=False)
    use_of_force: Mapped[bool] = mapped_column(default=False)
    force_type: Mapped[str | None] = mapped_column(String(30))
    enforcement_action: Mapped[bool] = mapped_column(default=False)
    transport: Mapped[str] = mapped_column(String(20), default="none")
    narrative: Mapped[str] = mapped_column(Text, default="")
    # fields (issue 11): the record programs publish (docs/metrics.md, "On scene, in detail").
    primary_concern: Mapped[str | None] = mapped_column(String(30))  # one of ``concerns``
    contact_mode: Mapped[str | None] = mapped_column(String(30))
    transport_destination: Mapped[str | None] = mapped_column(String(30))
    declined_services: Mapped[bool] = mapped_column(default=False, server_default=false())
    officer_engaged: Mapped[bool | None]  # the officer engaged with the person (not only scene safety)
    backup_requested: Mapped[bool] = mapped_column(default=False, server_default=false())
    backup_requested_at: Mapped[datetime | None]
    backup_arrived_at: Mapped[datetime | None]
    backup_reason: Mapped[str | None] = mapped_column(String(30))
    # Why an encounter with the outcome "referred" has no referral (refused, no service fits, ...).
    no_referral_reason: Mapped[str | None] = mapped_column(String(500))
    apco_code: Mapped[str] = mapped_column(String(2))
    # billing (issue 21; docs/billing.md): the CMS place-of-service code, and what only a clinician
    # records and sees (fieldapp/visibility.py): the person's Medicaid id and an ICD-10-CM diagnosis.
    place_of_service: Mapped[str | None] = mapped_column(String(2))
    medicaid_id: Mapped[str | None] = mapped_column(String(20))
    diagnosis_code: Mapped[str | None] = mapped_column(String(8))
    recorded_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    request_hash: Mapped[str] = mapped_column(String(64))

    call: Mapped[Call] = relationship()
    person: Mapped[Person | None] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship()
