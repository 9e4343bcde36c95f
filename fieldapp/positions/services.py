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
from fieldapp.errors import Conflict, Forbidden, Invalid
from fieldapp.extensions import db
from fieldapp.hooks import Hook
from fieldapp.positions.models import LatestPosition, UnitPosition
from fieldapp.units import services as units
from fieldapp.units.models import Unit

# A unit's latest position changed: dispatch's map follows it (``fieldapp.wiring``: the live stream).
position_recorded = Hook("positions.position_recorded", "A unit's latest position changed: called with the "
                         "unit and its new latest position (a row of LatestPosition's columns), before the "
                         "unit of work commits.")

STALE_AFTER = timedelta(minutes=2)  # the map greys a unit, the assign sheet marks it
MAX_BATCH = 100  # positions in one request (the outbox sends one a record)
HISTORY_LIMIT = 5000
# The calls' statuses while the crew is on its way or busy with it: the phone shares its position.
SHARING_STATUSES = ("en_route", "on_scene", "transporting")


@dataclass
class Recorded:
    stored: int
    replayed: int
    latest: object | None  # the unit's latest position after this batch (a row of LatestPosition's columns)


_LATEST_COLUMNS = tuple(LatestPosition.__table__.columns)
_COMPARED = ("lat", "lon", "accuracy_m")  # what a device's position at one time says: a replay says the same


def _upsert(session):
    return pg_insert if dialect_of(session) == "postgresql" else sqlite_insert


def _current_call_id(unit_id: int) -> int | None:
    """The call the unit is busy with (the most advanced of its active calls), if any."""
    order = {"assigned": 1, "acknowledged": 1, "en_route": 2, "on_scene": 3, "transporting": 4}
    active = units.active_calls(unit_id, timeline=False)
    return max(active, key=lambda call: (order.get(call.status, 0), call.id)).id if active else None


def crew_unit(user, unit_id) -> Unit:
    """The unit ``unit_id`` when ``user`` crews it on an open shift; a 404 for no such unit, a 403 else."""
    shift = units.shift_of_user(user)  # with its unit: the crew's own request costs one query
    if shift is not None and shift.unit_id == unit_id:
        return shift.unit
    units.get_unit(unit_id)  # 404 when there is no such unit
    raise Forbidden(_("Only the crew on shift with this unit may send its position."))


def _id_conflict(index: int) -> Conflict:
    """The same device and time as a stored position, with another place or accuracy (``idempotency``'s
    rule for a client-made id: a replay says the same, else 409 naming the field)."""
    return Conflict(_("A different position was already saved with this device and time."),
                    fields={f"positions.{index}.recorded_at": [
                        _("This device already sent a different position at this time.")]}, code="id_conflict")


def _distinct_times(positions: list[dict]) -> dict:
    """recorded_at -> the position (a batch may repeat a position; the same time twice with another
    body is refused)."""
    by_time = {}
    for index, position in enumerate(positions):
        first = by_time.setdefault(position["recorded_at"], position)
        if any(first.get(name) != position.get(name) for name in _COMPARED):
            raise _id_conflict(index)
    return by_time


def _check_replays(unit_id, device_id, rows, inserted, positions) -> None:
    """The rows the insert skipped were stored before: each must say what the stored one says."""
    skipped = {row["recorded_at"]: row for row in rows if row["recorded_at"] not in inserted}
    if not skipped:
        return
    stored = db.session.execute(select(UnitPosition.recorded_at, *(getattr(UnitPosition, n) for n in _COMPARED))
                                .where(UnitPosition.unit_id == unit_id, UnitPosition.device_id == device_id,
                                       UnitPosition.recorded_at.in_(list(skipped)))).all()
    for row in stored:
        offered = skipped[row.recorded_at]
        if any(getattr(row, name) != offered[name] for name in _COMPARED):
            db.session.rollback()
            index = next(i for i, p in enumerate(positions) if p["recorded_at"] == row.recorded_at)
            raise _id_conflict(index)


def record(unit_id, positions: list[dict], *, device_id: str, by) -> Recorded:
    """Store a batch of positions of the crew's own unit (each {lat, lon, accuracy_m, recorded_at},
    already checked by the schema) and move the unit's latest position forward where one is newer.

    A few statements whatever the batch's size: the crew's shift with its unit, the unit's active
    calls, one insert of the history rows, one upsert of the latest (returning it when it moved; read
    back only when it did not), and the live event as the unit of work commits. A replay reads the
    stored positions it repeats, to refuse one that says something else (409)."""
    unit = crew_unit(by, unit_id)
    if not positions:
        raise Invalid(_("Send at least one position."), fields={"positions": [_("Send at least one position.")]})
    if len(positions) > MAX_BATCH:
        raise Invalid(_("At most %(max)s positions a request.", max=MAX_BATCH),
                      fields={"positions": [_("At most %(max)s items.", max=MAX_BATCH)]})
    by_time = _distinct_times(positions)
    now, call_id = utcnow(), _current_call_id(unit.id)
    rows = [{"unit_id": unit.id, "call_id": call_id, "user_id": by.id, "device_id": device_id,
             "lat": p["lat"], "lon": p["lon"], "accuracy_m": p.get("accuracy_m"), "recorded_at": at,
             "received_at": now} for at, p in sorted(by_time.items())]
    session = db.session
    insert = _upsert(session)
    inserted = set(session.scalars(insert(UnitPosition).values(rows).on_conflict_do_nothing(
        index_elements=["unit_id", "device_id", "recorded_at"]).returning(UnitPosition.recorded_at)).all())
    _check_replays(unit.id, device_id, rows, inserted, positions)
    newest = rows[-1]
    offered = insert(LatestPosition).values(**{key: value for key, value in newest.items() if key != "user_id"})
    excluded = offered.excluded  # built anew at each access: once
    latest = session.execute(offered.on_conflict_do_update(
        index_elements=["unit_id"],
        set_={name: excluded[name] for name in
              ("call_id", "device_id", "lat", "lon", "accuracy_m", "recorded_at", "received_at")},
        where=LatestPosition.recorded_at < excluded.recorded_at).returning(*_LATEST_COLUMNS)).first()
    if latest is not None:  # moved forward: dispatch's map follows
        position_recorded(unit, latest)
    else:  # a late position: the stored latest stays, and is the answer
        latest = session.execute(select(*_LATEST_COLUMNS).where(LatestPosition.unit_id == unit.id)).first()
    session.commit()
    return Recorded(stored=len(inserted), replayed=len(positions) - len(inserted), latest=latest)


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
    busy = any(call.status in SHARING_STATUSES for call in units.active_calls(shift.unit_id, timeline=False))
    if busy:
        return {"share": True, "unit_id": shift.unit_id, "reason": "call"}
    if current_app.config["SHARE_POSITION_WHEN_AVAILABLE"]:
        return {"share": True, "unit_id": shift.unit_id, "reason": "on_shift"}
    return {"share": False, "unit_id": shift.unit_id, "reason": "no_call"}

