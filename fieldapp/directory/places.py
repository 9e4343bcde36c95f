"""HSDS 3.0 tables behind a service, kept by their HSDS ids so an import can update them in place.

A service's own ``phone``, ``hours``, ``address`` and coordinates (``models.Service``) stay the one
place the field pages read; an HSDS import fills them from these rows, and the HSDS export writes
these rows back (or, for a service typed in by hand, rows derived from those columns).
"""

import uuid
from datetime import date

from sqlalchemy import Float, ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.database import Base
from fieldapp.directory.models import Service

LOCATION_TYPES = ("physical", "postal", "virtual")  # HSDS location.location_type


class Location(Base):
    """HSDS location with its (first) address."""

    __tablename__ = "directory_locations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    organization_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    location_type: Mapped[str] = mapped_column(String(20), default="physical")
    description: Mapped[str] = mapped_column(Text, default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    address_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    address_1: Mapped[str | None] = mapped_column(String(200))
    address_2: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    state_province: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    address_type: Mapped[str | None] = mapped_column(String(20))


class ServiceAtLocation(Base):
    __tablename__ = "directory_service_at_locations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"), index=True)
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("directory_locations.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")

    location: Mapped[Location] = relationship(lazy="joined")
    service: Mapped[Service] = relationship()


class Phone(Base):
    """HSDS phone of a service (the ones fieldapp keeps; organization and contact phones are not)."""

    __tablename__ = "directory_phones"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"), index=True)
    number: Mapped[str] = mapped_column(String(40))
    extension: Mapped[int | None]
    type: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")


class Schedule(Base):
    """HSDS schedule of a service: the RFC 5545 recurrence parts fieldapp shows, and the description."""

    __tablename__ = "directory_schedules"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"), index=True)
    freq: Mapped[str | None] = mapped_column(String(10))
    interval: Mapped[int | None]
    byday: Mapped[str | None] = mapped_column(String(40))
    opens_at: Mapped[str | None] = mapped_column(String(8))
    closes_at: Mapped[str | None] = mapped_column(String(8))
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    description: Mapped[str] = mapped_column(Text, default="")
