import uuid
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.clock import utcnow
from fieldapp.database import Base


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (Index("ix_people_names", "family_name", "given_name"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    unidentified: Mapped[bool] = mapped_column(default=False)
    given_name: Mapped[str | None] = mapped_column(String(80))
    family_name: Mapped[str | None] = mapped_column(String(80))
    dob: Mapped[date | None] = mapped_column(Date)
    approx_age: Mapped[int | None]
    gender: Mapped[str] = mapped_column(String(20), default="not_recorded")
    race_ethnicity: Mapped[list] = mapped_column(JSON, default=lambda: ["not_recorded"])
    preferred_language: Mapped[str | None] = mapped_column(String(40))  # BCP 47 (fieldapp.languages)
    interpreter_needed: Mapped[bool | None]  # issue 23; NULL: not known
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def display_name(self):
        """The person's name; for someone not identified a lazy label ("Unidentified person, about 40"),
        in the language of whoever reads it: pages and the API's display_name (which the pages show)."""
        if self.unidentified or not (self.given_name or self.family_name):
            if self.approx_age:
                return _l("Unidentified person, about %(age)s", age=self.approx_age)
            return _l("Unidentified person")
        return " ".join(part for part in (self.given_name, self.family_name) if part)

    def age_on(self, day: date) -> int | None:
        if self.dob:
            return day.year - self.dob.year - ((day.month, day.day) < (self.dob.month, self.dob.day))
        return self.approx_age
