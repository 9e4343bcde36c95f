"""HSDS 3.0 shaped tables. Ids are UUIDs, as HSDS requires.

HSDS keeps address, phone and schedule in tables of their own (location, service_at_location,
address, phone, schedule); a city's co-responder directory needs one place per service, so those
are columns here and the export to HSDS (if a program needs one) maps them back.
"""

import uuid
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.clock import utcnow
from fieldapp.database import Base

SERVICE_STATUSES = ("active", "inactive", "defunct", "temporarily closed")  # HSDS service.status
STATUS_LABELS = {"active": _l("Active"), "inactive": _l("Inactive"), "defunct": _l("Defunct"),
                 "temporarily closed": _l("Temporarily closed")}

# Taxonomy terms used to group services (and to report referrals by category).
CATEGORIES = {
    "crisis": _l("Crisis stabilization"),
    "mental_health": _l("Mental health treatment"),
    "substance_use": _l("Substance use treatment"),
    "housing": _l("Housing and shelter"),
    "food": _l("Food"),
    "medical": _l("Medical care"),
    "case_management": _l("Case management"),
    "peer_support": _l("Peer support"),
    "youth": _l("Youth and family"),
    "domestic_violence": _l("Domestic violence services"),
    "legal": _l("Legal aid"),
    "benefits": _l("Income and benefits"),
    "other": _l("Other"),
}


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    services: Mapped[list["Service"]] = relationship(back_populates="organization")


class Service(Base):
    __tablename__ = "services"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    organization_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    eligibility_description: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str | None] = mapped_column(String(40))
    hours: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    # A federally assisted substance-use disorder program: its records fall under 42 CFR Part 2,
    # so referrals to it need Part 2 consent and are shown to clinicians only.
    part2_program: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization] = relationship(back_populates="services", lazy="joined")
