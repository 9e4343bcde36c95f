import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.accounts.models import User
from fieldapp.clock import utcnow
from fieldapp.database import Base
from fieldapp.notes.models import Note


class SafetyPlan(Base):
    """A safety plan as made with the person. Signed as a note of the same id (the note carries the
    signature, the clinician-only rule, the audit and the follow-up); never changed afterwards: a new
    plan is made instead."""

    __tablename__ = "safety_plans"
    __append_only__ = True

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    note_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notes.id"), unique=True)
    encounter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("encounters.id"), index=True)
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # step key (constants.STEPS) -> list of lines; "services" -> [{"id", "name", "phone"}] from the directory
    steps: Mapped[dict] = mapped_column(JSON)
    recorded_at: Mapped[datetime]
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship(lazy="joined")
    note: Mapped[Note] = relationship(lazy="joined")
