"""Publishing live events with a change, and reading them back for a user's stream."""

from flask import current_app
from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.accounts.roles import ADMIN, DISPATCHER, UNIT_ROLES
from fieldapp.calls import constants as c
from fieldapp.extensions import db
from fieldapp.integrations import webhooks
from fieldapp.live.models import LiveEvent
from fieldapp.units import services as units

_PENDING = "fieldapp_live_pending"


def publish(kind: str, call, *, unit_id=None) -> LiveEvent:
    """Add an event to the current unit of work; streams wake when it commits."""
    row = LiveEvent(kind=kind, call_id=call.id, unit_id=unit_id, payload={
        "type": kind, "call_id": call.id, "unit_id": unit_id, "status": call.status,
        "status_label": c.STATUS_LABELS[call.status], "call_type": c.CALL_TYPES.get(call.call_type, call.call_type),
        "priority": call.priority, "address": call.address})
    db.session.add(row)
    db.session.info[_PENDING] = True
    webhooks.enqueue_for_call(kind, call)  # status back to CAD (fieldapp.integrations.webhooks)
    return row


@sa_event.listens_for(Session, "after_commit")
def _wake_streams(session):
    if session.info.pop(_PENDING, False):
        broker = current_app.extensions.get("fieldapp_live")
        if broker is not None:
            broker.publish()


@sa_event.listens_for(Session, "after_rollback")
def _forget(session):
    session.info.pop(_PENDING, None)


def audience(user):
    """Which events a user's stream carries: dispatch sees all; a crew its unit's; others none."""
    if user.role in (DISPATCHER, ADMIN):
        return "all"
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
    if who != "all":
        query = query.where(LiveEvent.unit_id == who)
    return db.session.scalars(query).all()
