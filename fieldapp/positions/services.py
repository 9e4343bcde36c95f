"""Unit positions: a crew's phone sends where the unit is; dispatch reads the latest of each unit and,
audited, a unit's or a call's history.

The history keeps every position once (a device's position is named by its device id and time: a
resend is a replay). The latest per unit sits in its own small table, written by one upsert that keeps
the newer of the stored and the offered position, so an older position arriving late (an offline
phone's outbox) never overwrites a newer one, however the writes interleave (PostgreSQL's
``ON CONFLICT ... DO UPDATE ... WHERE`` takes the row lock; SQLite has one writer).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from fieldapp.audit import services as audit
from fieldapp.clock import utcnow
from fieldapp.database import dialect_of
from fieldapp.errors import Forbidden, Invalid
from fieldapp.extensions import db
from fieldapp.hooks import Hook
from fieldapp.positions.models import LatestPosition, UnitPosition
from fieldapp.units import services as units
from fieldapp.units.models import Unit

# A unit's latest position changed: dispatch's map follows it (``fieldapp.wiring``: the live stream).
position_recorded = Hook("positions.position_recorded", "A unit's latest position changed: called with the "
                         "unit and the LatestPosition row, before the unit of work commits.")

STALE_AFTER = timedelta(minutes=2)  # the map greys a unit, the assign sheet marks it
MAX_BATCH = 100  # positions in one request (the outbox sends one a record)
HISTORY_LIMIT = 5000
# The calls' statuses while the crew is on its way or busy with it: the phone shares its position.
SHARING_STATUSES = ("en_route", "on_scene", "transporting")


@dataclass
class Recorded:
    stored: int
    replayed: int
    latest: LatestPosition | None  # the unit's latest position after this batch


def _upsert(session):
    return pg_insert if dialect_of(session) == "postgresql" else sqlite_insert


def _current_call_id(unit_id: int) -> int | None:
    """The call the unit is busy with (the most advanced of its active calls), if any."""
    order = {"assigned": 1, "acknowledged": 1, "en_route": 2, "on_scene": 3, "transporting": 4}
    active = units.active_calls(unit_id)
    return max(active, key=lambda call: (order.get(call.status, 0), call.id)).id if active else None


def crew_unit(user, unit_id) -> Unit:
    """The unit ``unit_id`` when ``user`` crews it on an open shift; a 404 for no such unit, a 403 else."""
    unit = units.get_unit(unit_id)
    shift = units.shift_of_user(user)
    if shift is None or shift.unit_id != unit.id:
        raise Forbidden(_("Only the crew on shift with this unit may send its position."))
    return unit


def record(unit_id, positions: list[dict], *, device_id: str, by) -> Recorded:
    """Store a batch of positions of the crew's own unit (each {lat, lon, accuracy_m, recorded_at},
    already checked by the schema) and move the unit's latest position forward where one is newer."""
    unit = crew_unit(by, unit_id)
    if not positions:
        raise Invalid(_("Send at least one position."), fields={"positions": [_("Send at least one position.")]})
    if len(positions) > MAX_BATCH:
        raise Invalid(_("At most %(max)s positions a request.", max=MAX_BATCH),
                      fields={"positions": [_("At most %(max)s items.", max=MAX_BATCH)]})
    now, call_id = utcnow(), _current_call_id(unit.id)
    by_time = {}
    for position in positions:  # one row per device time (a batch repeating a time keeps the first)
        by_time.setdefault(position["recorded_at"], position)
    rows = [{"unit_id": unit.id, "call_id": call_id, "user_id": by.id, "device_id": device_id,
             "lat": p["lat"], "lon": p["lon"], "accuracy_m": p.get("accuracy_m"), "recorded_at": at,
             "received_at": now} for at, p in sorted(by_time.items())]
    session = db.session
    insert = _upsert(session)
    stored = len(session.execute(insert(UnitPosition).values(rows).on_conflict_do_nothing(
        index_elements=["unit_id", "device_id", "recorded_at"]).returning(UnitPosition.id)).all())
    newest = rows[-1]
    offered = insert(LatestPosition).values(**{key: value for key, value in newest.items() if key != "user_id"})
    moved = session.execute(offered.on_conflict_do_update(
        index_elements=["unit_id"],
        set_={name: offered.excluded[name] for name in
              ("call_id", "device_id", "lat", "lon", "accuracy_m", "recorded_at", "received_at")},
        where=LatestPosition.recorded_at < offered.excluded.recorded_at).returning(LatestPosition.unit_id)).first()
    latest = session.get(LatestPosition, unit.id, populate_existing=True)
    if moved is not None:
        position_recorded(unit, latest)
    session.commit()
    return Recorded(stored=stored, replayed=len(positions) - stored, latest=latest)


@dataclass
class Latest:
    unit: Unit
    position: LatestPosition

    @property
    def age_seconds(self) -> int:
        return max(0, int((utcnow() - self.position.recorded_at).total_seconds()))

    @property
    def stale(self) -> bool:
        return utcnow() - self.position.recorded_at > STALE_AFTER


def latest_by_unit() -> dict[int, LatestPosition]:
    """unit id -> its latest position (one small table, one query)."""
    return {row.unit_id: row for row in db.session.scalars(select(LatestPosition))}


def latest_positions() -> list[Latest]:
    rows = db.session.execute(select(Unit, LatestPosition).join(LatestPosition, LatestPosition.unit_id == Unit.id)
                              .where(Unit.active).order_by(Unit.call_sign)).all()
    return [Latest(unit, position) for unit, position in rows]


def history(unit_id, *, by, call_id: int | None = None, since: datetime | None = None,
            until: datetime | None = None) -> list[UnitPosition]:
    """A unit's positions (on one call, or between two times), oldest first. Every read is audited."""
    unit = units.get_unit(unit_id)
    query = select(UnitPosition).where(UnitPosition.unit_id == unit.id)
    if call_id is not None:
        query = query.where(UnitPosition.call_id == call_id)
    if since is not None:
        query = query.where(UnitPosition.recorded_at >= since)
    if until is not None:
        query = query.where(UnitPosition.recorded_at <= until)
    found = db.session.scalars(query.order_by(UnitPosition.recorded_at, UnitPosition.id).limit(HISTORY_LIMIT)).all()
    audit.record_read("position.history", object_type="units", object_id=unit.id, user=by, details={
        "call_id": call_id, "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None, "count": len(found)})
    return list(found)


def sharing(user) -> dict:
    """Whether ``user``'s phone should send its position now, and for which unit: while one of the
    unit's calls is en route, on scene or transporting; with SHARE_POSITION_WHEN_AVAILABLE, all shift."""
    shift = units.shift_of_user(user)
    if shift is None:
        return {"share": False, "unit_id": None, "reason": "off_shift"}
    busy = any(call.status in SHARING_STATUSES for call in units.active_calls(shift.unit_id))
    if busy:
        return {"share": True, "unit_id": shift.unit_id, "reason": "call"}
    if current_app.config["SHARE_POSITION_WHEN_AVAILABLE"]:
        return {"share": True, "unit_id": shift.unit_id, "reason": "on_shift"}
    return {"share": False, "unit_id": shift.unit_id, "reason": "no_call"}

