"""Web Push rules: who is subscribed, what a unit's phones are told, and sending it.

``call_changed`` is the one line the calls services call: it writes a ``PushMessage`` per
subscribed device of the crew on shift for the unit, in the same unit of work as the change, and
enqueues a job per message after the commit (``fieldapp.jobs``). The job sends it; a push service
answering 404/410 ends the subscription; any other failure is retried with backoff (2 s, 4 s, 8 s,
... by the worker's sweep) until ``WEB_PUSH_MAX_ATTEMPTS`` or the message's TTL has passed.
"""

import re
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, or_, select, update

from fieldapp import uow
from fieldapp.accounts.models import User
from fieldapp.audit import services as audit
from fieldapp.calls import constants as c
from fieldapp.clock import utcnow
from fieldapp.errors import Invalid, ServiceError
from fieldapp.extensions import db
from fieldapp.i18n import speaking
from fieldapp.jobs import queue as jobs
from fieldapp.push import keys, sender
from fieldapp.push.models import EXPIRED, FAILED, PENDING, SENT, PushMessage, PushSubscription
from fieldapp.roles import ADMIN, DISPATCHER
from fieldapp.units import services as units
from fieldapp.units.models import Shift

JOB = "fieldapp.push.jobs.deliver"
LEASE = timedelta(minutes=1)
KEEP_DONE = timedelta(days=1)
# kind -> (TTL seconds, Urgency). Every kind may send a crew somewhere (or stop them going), so all
# wake a sleeping phone; after 10 minutes the dispatcher has radioed or re-dispatched, and a late
# alert is noise (RFC 8030 5.2 TTL, 5.3 Urgency).
KINDS = {"assigned": (600, "high"), "reassigned": (600, "high"), "cancelled": (600, "high"),
         # issue 20: a call passed its response target; told to the supervisors (SUPERVISORS), not the crew.
         "breach": (600, "high")}
SUPERVISORS = (DISPATCHER, ADMIN)
GONE = (404, 410)  # RFC 8030 7.3: the subscription has expired or was removed


class PushOff(ServiceError):
    status, code = 404, "push_off"  # nothing to find here: not a server failure (a 5xx would page someone)


def require_on() -> None:
    if not keys.enabled(current_app.config):
        raise PushOff("Call alerts are off on this server (no VAPID key is set).")


def public_key() -> str:
    require_on()
    return keys.public_key(current_app.config["VAPID_PRIVATE_KEY"])


# --- subscriptions -------------------------------------------------------------------------

def subscribe(user, data: dict, *, session_id: int | None) -> tuple[PushSubscription, bool]:
    """Keep the browser's subscription for ``user``. Returns (subscription, created); the same
    endpoint again updates its keys (200, no second row). An endpoint held by another user (a
    shared phone) moves to this one."""
    require_on()
    problem = sender.check_endpoint(data["endpoint"])
    if problem:
        raise Invalid(problem, fields={"endpoint": [problem]})
    keys_ = data["keys"]
    row = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == data["endpoint"]))
    created = row is None or row.user_id != user.id
    if row is not None and created:
        _forget([row.id])  # with any message still owed to the other user
    if created:
        row = PushSubscription(user_id=user.id, endpoint=data["endpoint"])
        db.session.add(row)
    row.p256dh, row.auth, row.session_id = keys_["p256dh"], keys_["auth"], session_id
    db.session.flush()
    if created:
        audit.record("push.subscribe", obj=row, user=user)
    db.session.commit()
    return row, created


def unsubscribe(user, endpoint: str) -> bool:
    """Forget ``user``'s subscription with ``endpoint``; True when there was one."""
    row = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint,
                                                           PushSubscription.user_id == user.id))
    if row is None:
        return False
    _forget([row.id])
    audit.record("push.unsubscribe", object_type="push_subscriptions", object_id=row.id, user=user)
    db.session.commit()
    return True


def _forget(subscription_ids) -> None:
    if subscription_ids:
        db.session.execute(delete(PushMessage).where(PushMessage.subscription_id.in_(subscription_ids)))
        db.session.execute(delete(PushSubscription).where(PushSubscription.id.in_(subscription_ids)))


def end_subscriptions(*, user_id: int | None = None, session_id: int | None = None) -> None:
    """End the subscriptions of a user, or of one sign-in (the caller commits)."""
    column, value = (PushSubscription.user_id, user_id) if user_id is not None \
        else (PushSubscription.session_id, session_id)
    if value is not None:
        _forget(db.session.scalars(select(PushSubscription.id).where(column == value)).all())


def subscriptions_of(user) -> list[PushSubscription]:
    return db.session.scalars(select(PushSubscription).where(PushSubscription.user_id == user.id)
                              .order_by(PushSubscription.id)).all()


# --- what a crew is told -------------------------------------------------------------------

_SUITE = re.compile(r"\s*(\b(apt|apartment|unit|suite|ste|fl|floor|rm|room|bldg)\b\.?|#).*$", re.IGNORECASE)


def short_address(address: str) -> str:
    """Street level: the first part of the address, without apartment or floor, at most 60 characters."""
    first = (address or "").split(",")[0]
    return _SUITE.sub("", first).strip()[:60]


def payload(kind: str, call) -> dict:
    """What the lock screen may show: ids, type, priority, a street-level address. Never names,
    narrative, callback numbers, cautions or clinical text (push services relay it)."""
    label = c.CALL_TYPES.get(call.call_type, call.call_type)
    titles = {"assigned": _("New call: %(label)s (P%(priority)s)", label=label, priority=call.priority),
              "reassigned": _("Call %(id)s reassigned to another unit", id=call.id),
              "cancelled": _("Call %(id)s cancelled", id=call.id),
              "breach": _("Call %(id)s (P%(priority)s) is past its response target", id=call.id,
                          priority=call.priority)}
    return {"kind": kind, "call_id": call.id, "call_type": call.call_type, "priority": call.priority,
            "address": short_address(call.address), "title": titles[kind],
            "url": {"reassigned": "/my/calls", "breach": "/board"}.get(kind, f"/calls/{call.id}")}


def crew_subscriptions(unit_id: int) -> list[PushSubscription]:
    """Every subscribed device of the crew on shift for ``unit_id`` (read once per batch of outbox
    records, again after a shift opens or closes in it; devices subscribe outside batches)."""
    return uow.memo((units.SHIFTS, "push_subscriptions", unit_id), lambda: _crew_subscriptions(unit_id))


def _crew_subscriptions(unit_id: int) -> list[PushSubscription]:
    shift = db.session.scalar(select(Shift).where(Shift.unit_id == unit_id, Shift.ended_at.is_(None)))
    if shift is None:
        return []
    return db.session.scalars(select(PushSubscription).where(
        PushSubscription.user_id.in_((shift.clinician_id, shift.officer_id))).order_by(PushSubscription.id)).all()


def supervisor_subscriptions() -> list[PushSubscription]:
    """Every subscribed device of a dispatcher or admin (the supervisors told of a breached target)."""
    return db.session.scalars(select(PushSubscription).join(User, User.id == PushSubscription.user_id)
                              .where(User.role.in_(SUPERVISORS), User.active.is_(True))
                              .order_by(PushSubscription.id)).all()


def call_changed(kind: str, call, *, unit_id: int | None = None, encounter=None) -> None:
    """Owe each device of ``unit_id``'s crew a notification about ``call`` (a channel of
    ``calls.fanout``: ``call.assigned``, ``call.reassigned`` away from the unit, ``call.cancelled``),
    and each supervisor's device one about ``call.breach``."""
    kind = kind.removeprefix("call.")
    if kind not in KINDS or (unit_id is None and kind != "breach") or not keys.enabled(current_app.config):
        return
    ttl, urgency = KINDS[kind]
    for subscription in (supervisor_subscriptions() if kind == "breach" else crew_subscriptions(unit_id)):
        with speaking(db.session.get(User, subscription.user_id).locale):  # the recipient's language
            body = payload(kind, call)
        message = PushMessage(subscription_id=subscription.id, call_id=call.id, kind=kind, payload=body,
                              ttl_seconds=ttl, urgency=urgency)
        db.session.add(message)
        db.session.flush()
        jobs.enqueue_after_commit(JOB, message.id, dedupe=f"push:{message.id}")


# --- sending -------------------------------------------------------------------------------

def _claim(message_id) -> PushMessage | None:
    now = utcnow()
    claimed = db.session.execute(update(PushMessage).where(
        PushMessage.id == message_id, PushMessage.status == PENDING, PushMessage.next_attempt_at <= now,
        or_(PushMessage.locked_until.is_(None), PushMessage.locked_until < now),
    ).values(locked_until=now + LEASE)).rowcount
    db.session.commit()
    return db.session.get(PushMessage, message_id) if claimed == 1 else None


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(300, 2 ** attempts))


def deliver(message_id: int) -> str | None:
    """Send one message if it is due and nobody else is sending it; returns its new status."""
    message = _claim(message_id)
    if message is None:
        return None
    now = utcnow()
    if now >= message.created_at + timedelta(seconds=message.ttl_seconds) or not keys.enabled(current_app.config):
        message.status, message.locked_until = EXPIRED, None
        db.session.commit()
        return EXPIRED
    subscription = message.subscription
    if subscription is None:  # ended (sign-out) while this message was claimed: its row goes with it
        return None
    result = sender.send(subscription, {**message.payload, "sent_at": now.isoformat()}, ttl=message.ttl_seconds,
                         urgency=message.urgency, topic=f"call-{message.call_id}")
    if result.status_code in GONE:
        _forget([subscription.id])  # the browser unsubscribed or the push service dropped it
        db.session.commit()
        return "gone"
    message.attempts += 1
    message.last_status_code, message.locked_until = result.status_code, None
    if result.ok:
        message.status, message.sent_at, message.last_error = SENT, now, None
        subscription.last_sent_at = now
    else:
        message.last_error = result.error
        refused = (result.error or "").startswith("refused:")
        if refused or message.attempts >= current_app.config["WEB_PUSH_MAX_ATTEMPTS"]:
            message.status = FAILED
        else:
            message.next_attempt_at = now + _backoff(message.attempts)
    db.session.commit()
    return message.status


def due_messages(limit: int = 500) -> list[int]:
    now = utcnow()
    return db.session.scalars(select(PushMessage.id).where(
        PushMessage.status == PENDING, PushMessage.next_attempt_at <= now,
        or_(PushMessage.locked_until.is_(None), PushMessage.locked_until < now),
    ).order_by(PushMessage.id).limit(limit)).all()


def prune() -> int:
    """Forget messages finished more than a day ago (they hold no names, but need not stay)."""
    deleted = db.session.execute(delete(PushMessage).where(PushMessage.status != PENDING,
                                                           PushMessage.created_at < utcnow() - KEEP_DONE)).rowcount
    db.session.commit()
    return deleted
