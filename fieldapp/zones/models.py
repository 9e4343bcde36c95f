from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.clock import utcnow
from fieldapp.database import Base


class Zone(Base):
    """One of the agency's zones: a GeoJSON Polygon or MultiPolygon (lon/lat, WGS 84), with its bounding
    box so a point is tested only against the zones whose box holds it."""

    __tablename__ = "zones"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    geometry: Mapped[dict] = mapped_column(JSON)
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    targets: Mapped[list["ResponseTarget"]] = relationship(
        back_populates="zone", cascade="all, delete-orphan", order_by="ResponseTarget.priority", lazy="selectin")

    def __repr__(self) -> str:
        return f"<Zone {self.name}>"


class ResponseTarget(Base):
    """The response-time standard of a zone for a priority: received -> first unit on scene within
    ``minutes``."""

    __tablename__ = "response_targets"
    __table_args__ = (UniqueConstraint("zone_id", "priority", name="uq_response_targets_zone_priority"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id", ondelete="CASCADE"), index=True)
    priority: Mapped[int]
    minutes: Mapped[int]

    zone: Mapped[Zone] = relationship(back_populates="targets")


class GeocodeResult(Base):
    """What the geocoder answered for a normalized address (``calls.services.address_key``), until
    ``expires_at``; ``lat``/``lon`` NULL: the geocoder found nothing."""

    __tablename__ = "geocode_cache"

    address_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(20))  # nominatim | pelias
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
