"""Publishing live events with a change, and reading them back for a user's stream.

An event row is written in the same transaction as the change, just before it commits, under a
transaction-scoped lock (PostgreSQL advisory lock ``fieldapp.locks.LIVE_EVENTS``; SQLite has one
writer anyway). So event ids are handed out in commit order: once a reader sees id N, every smaller
id is committed or never will be, and a client resuming after ``Last-Event-ID`` cannot skip an
event that committed late.
"""

from flask import current_app
from sqlalchemy import event as sa_event
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from fieldapp import locks
from fieldapp.calls import constants as c
from fieldapp.database import dialect_of
from fieldapp.extensions import db
from fieldapp.i18n import english
from fieldapp.live.events import ALL, Event
from fieldapp.live.models import LiveEvent
from fieldapp.roles import ADMIN, DISPATCHER, UNIT_ROLES
from fieldapp.units import services as units

_PENDING = "fieldapp_live_pending"
POSITION = "unit.position"  # a unit's latest position (fieldapp.positions), for dispatch's map
_WRITTEN = "fieldapp_live_written"


def publish(kind: str, call, *, unit_id=None, encounter=None) -> None:
    """Add an event about a call's change to the current unit of work; it is written as the unit
    commits. A channel of ``calls.fanout``: it carries every ``call.*`` change (not an encounter's)."""
    if not kind.startswith("call."):
        return
    with db.session.no_autoflush:  # loading the unit must not flush the change early (commit_or_replay does)
        call_sign = call.unit.call_sign if call.unit else None
    payload = {"type": kind, "call_id": call.id, "unit_id": unit_id, "status": call.status,
               "status_label": english(c.STATUS_LABELS[call.status]),
               "call_type": english(c.CALL_TYPES.get(call.call_type, call.call_type)),
               "priority": call.priority, "address": call.address,
               # what an open call page says when the call leaves the unit: "Reassigned to CR-2",
               # "Cancelled: <reason>" (static/js/live.js)
               "unit_call_sign": call_sign,
               "reason": call.cancel_reason if call.status == c.CANCELLED else None}
    db.session.info.setdefault(_PENDING, []).append(
        LiveEvent(kind=kind, call_id=call.id, unit_id=unit_id, payload=payload))


def publish_position(unit, latest) -> None:
    """Add an event about a unit's new latest position (``positions.position_recorded``): for dispatch
    only (no unit id on the row, so no crew's stream carries it); the map moves the unit's marker."""
    payload = {"type": POSITION, "unit": unit.id, "call_sign": unit.call_sign, "call_id": None,
               "position_call_id": latest.call_id, "lat": latest.lat, "lon": latest.lon,
               "accuracy_m": latest.accuracy_m, "recorded_at": latest.recorded_at.isoformat()}
    db.session.info.setdefault(_PENDING, []).append(LiveEvent(kind=POSITION, unit_id=None, payload=payload))


def write_pending(session):
    """Write this commit's live events under the ordering lock (``fieldapp.commit_order`` calls it)."""
    rows = session.info.pop(_PENDING, None)
    if not rows:
        return
    session.flush()  # the change itself first: its row locks are taken before the ordering lock
    locks.xact_lock(session, locks.LIVE_EVENTS)
    if dialect_of(session) == "sqlite" and len(rows) > 1:  # one event (a position, a tap): a plain insert
        _number(session, rows)
    session.add_all(rows)
    session.flush()
    session.info[_WRITTEN] = [Event.of_row(row) for row in rows]


def _number(session, rows) -> None:
    """SQLite: the ids its INTEGER PRIMARY KEY would choose (the last + 1, + 2, ...), given here, so a
    batch's events are written in one statement (SQLite cannot return the ids of many inserted rows
    in their order, and each row would be its own INSERT)."""
    session.execute(text("UPDATE live_events SET id = id WHERE 0"))  # the write lock: no writer between
    last = session.scalar(select(func.max(LiveEvent.id))) or 0
    for number, row in enumerate(rows, start=last + 1):
        row.id = number


@sa_event.listens_for(Session, "after_commit")
def _deliver(session):
    events = session.info.pop(_WRITTEN, None)
    if events:
        hub = current_app.extensions.get("fieldapp_live")
        if hub is not None:
            hub.publish(events)


@sa_event.listens_for(Session, "after_rollback")
def _forget(session):
    session.info.pop(_PENDING, None)
    session.info.pop(_WRITTEN, None)


def audience(user):
    """Which events a user's stream carries: dispatch sees all; a crew its unit's; others none."""
    if user.role in (DISPATCHER, ADMIN):
        return ALL
    if user.role in UNIT_ROLES:
        shift = units.shift_of_user(user)
        return shift.unit_id if shift else None
    return None


def latest_id() -> int:
    return db.session.scalar(select(LiveEvent.id).order_by(LiveEvent.id.desc()).limit(1)) or 0


def events_after(last_id: int, who, *, limit=100) -> list[LiveEvent]:
    if who is None:
        return []
    query = select(LiveEvent).where(LiveEvent.id > last_id).order_by(LiveEvent.id).limit(limit)
    if who != ALL:
        query = query.where(LiveEvent.unit_id == who)
    return db.session.scalars(query).all()


def backlog(last_id: int, who, *, page=500) -> list[Event]:
    """Every event for ``who`` after ``last_id``, for a stream that resumes."""
    found = []
    while True:
        rows = events_after(last_id, who, limit=page)
        found.extend(Event.of_row(row) for row in rows)
        if len(rows) < page:
            return found
        last_id = rows[-1].id
