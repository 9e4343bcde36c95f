import uuid
from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from fieldapp.accounts.models import User
from fieldapp.clock import utcnow
from fieldapp.database import Base
from fieldapp.units.models import Unit
from fieldapp.zones.models import Zone


class Call(Base):
    __tablename__ = "calls"
    __table_args__ = (Index("ix_calls_status_received", "status", "received_at"),
                      Index("ix_calls_received_at", "received_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    # active_history: a change loads the old value first, so the metrics' roll-ups re-roll the day (and
    # the address's later calls) it leaves as well as the one it enters (fieldapp.metrics.tracking).
    received_at: Mapped[datetime] = mapped_column(default=utcnow, active_history=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    call_type: Mapped[str] = mapped_column(String(20), index=True)
    priority: Mapped[int]
    address: Mapped[str] = mapped_column(String(200))
    # The address normalized for matching earlier calls at the same place (calls.services.address_key).
    address_key: Mapped[str] = mapped_column(String(200), index=True, default="", server_default="",
                                             active_history=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    # issue 20: where lat/lon came from (fieldapp.calls.location: cad < geocoder < pin; a pin wins), the
    # zone they lie in, and when the call's response clock passed its target (alerted once).
    location_source: Mapped[str | None] = mapped_column(String(10))
    # No foreign key (the migration says why): zones.services.upload places every call again in the same
    # unit of work, so a removed zone leaves no call pointing at it.
    zone_id: Mapped[int | None] = mapped_column(index=True)
    breach_alerted_at: Mapped[datetime | None]
    narrative: Mapped[str] = mapped_column(Text, default="")
    cautions: Mapped[list] = mapped_column(JSON, default=list)
    callback: Mapped[str | None] = mapped_column(String(40))
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    request_hash: Mapped[str | None] = mapped_column(String(64))
    # Current state, written only by calls.services together with the timeline entry.
    status: Mapped[str] = mapped_column(String(20), default="pending")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    disposition: Mapped[str | None] = mapped_column(String(30))
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    closed_at: Mapped[datetime | None]
    # The CAD milestones of docs/metrics.md, copied from the timeline by calls.services.note_milestone
    # in the same transaction as the entry. The timeline stays the record; these spare the metrics a
    # scan of it. All four are the entry's ``recorded_at``.
    first_assigned_at: Mapped[datetime | None]  # the first entry of kind 'assigned' (not 'reassigned')
    first_en_route_at: Mapped[datetime | None]  # the earliest status 'en_route' (device time)
    first_on_scene_at: Mapped[datetime | None]  # the earliest status 'on_scene' (device time)
    cleared_at: Mapped[datetime | None]  # the status 'cleared' (device time; closed_at is the server's)
    # fields (issue 11): what the program's reports need (docs/metrics.md, "Eligibility and source").
    # ``call_type`` stays the initial type (from the call taker or CAD); ``final_call_type`` is the type
    # found on scene or at clearing (NULL: unchanged / not given).
    source: Mapped[str | None] = mapped_column(String(20))
    eligible: Mapped[bool | None]  # for the co-responder team; NULL: not assessed
    ineligible_reason: Mapped[str | None] = mapped_column(String(30))
    final_call_type: Mapped[str | None] = mapped_column(String(20))
    district: Mapped[str | None] = mapped_column(String(40), index=True)  # one of the DISTRICTS setting
    # issue 21: what the 988 counselor said at the warm hand-off, shown on its own on the call page.
    handoff_note: Mapped[str | None] = mapped_column(Text)

    unit: Mapped[Unit | None] = relationship()
    zone: Mapped[Zone | None] = relationship(primaryjoin=lambda: foreign(Call.zone_id) == Zone.id, viewonly=True)
    created_by: Mapped[User | None] = relationship()
    timeline: Mapped[list["CallEvent"]] = relationship(
        back_populates="call", order_by="CallEvent.received_at", lazy="selectin")

    def __repr__(self) -> str:
        return f"<Call {self.id} {self.call_type} {self.status}>"


class CallEvent(Base):
    """An append-only entry in a call's timeline.

    ``recorded_at`` is the device's clock when the change happened (it may have been offline);
    ``received_at`` is the server's clock when the change arrived. Status changes from the
    field carry the id the device made, which makes a replay idempotent.
    """

    __tablename__ = "call_events"
    __append_only__ = True

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # created | assigned | reassigned | status | cancelled
    status: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    disposition: Mapped[str | None] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(String(500))
    request_hash: Mapped[str | None] = mapped_column(String(64))

    call: Mapped[Call] = relationship(back_populates="timeline")
    unit: Mapped[Unit | None] = relationship()
    user: Mapped[User | None] = relationship()
