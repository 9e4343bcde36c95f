import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.accounts.models import User
from fieldapp.clock import utcnow
from fieldapp.database import Base
from fieldapp.people.models import Person


class Note(Base):
    """A signed clinical note on an encounter or a person. Never changed: corrections are addenda."""

    __tablename__ = "notes"
    __append_only__ = True

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    encounter_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("encounters.id"), index=True)
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"), index=True)
    addendum_to_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("notes.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    request_hash: Mapped[str] = mapped_column(String(64))

    author: Mapped[User] = relationship(lazy="joined")
    person: Mapped[Person | None] = relationship()
    addenda: Mapped[list["Note"]] = relationship(order_by="Note.signed_at", lazy="selectin")


class FollowUp(Base):
    """A task a note creates, such as a 72-hour check-in."""

    __tablename__ = "follow_ups"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    note_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notes.id"), unique=True)
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"), index=True)
    encounter_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("encounters.id"), index=True)
    assignee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    due_at: Mapped[datetime] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str | None] = mapped_column(Text)

    note: Mapped[Note] = relationship(lazy="joined")
    assignee: Mapped[User] = relationship(foreign_keys=[assignee_id])
