import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.accounts.models import User
from fieldapp.clock import utcnow
from fieldapp.database import Base
from fieldapp.encounters.models import Encounter
from fieldapp.people.models import Person


class FollowUpContact(Base):
    """One attempt to reach a person after a call: when, how, whether they were reached, what came of it.

    On an encounter (and so on its call: counted in the metrics) or on a person only. The id is made
    by the device. Not a task (``notes.FollowUp`` is the task a note creates): an event that happened.
    """

    __tablename__ = "follow_up_contacts"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    encounter_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("encounters.id"), index=True)
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"), index=True)
    contacted_at: Mapped[datetime]
    mode: Mapped[str] = mapped_column(String(20))
    reached: Mapped[bool]
    result: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    request_hash: Mapped[str] = mapped_column(String(64))

    encounter: Mapped[Encounter | None] = relationship()
    person: Mapped[Person | None] = relationship()
    created_by: Mapped[User | None] = relationship()
