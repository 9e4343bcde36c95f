"""The unit's one-tap status changes of a call (acknowledged, en route, on scene, ... cleared).

Intake, dispatch and reads are in ``fieldapp.calls.services``; a change here takes the same row lock
and writes its timeline entry the same way (``services.lock_call``, ``services.record_event``).
"""

import uuid
from datetime import datetime, timedelta

from flask_babel import gettext as _

from fieldapp import uow
from fieldapp.audit import services as audit
from fieldapp.calls import constants as c
from fieldapp.calls import fanout, taken
from fieldapp.calls.models import Call, CallEvent
from fieldapp.calls.services import get_call, is_crew, lock_call, record_event
from fieldapp.clock import utcnow
from fieldapp.errors import Conflict, Forbidden, Invalid
from fieldapp.idempotency import answered_ahead, commit_or_replay, fingerprint, replay_of, saved_meanwhile

MAX_CLOCK_SKEW = timedelta(hours=1)


def next_statuses(call: Call) -> tuple[str, ...]:
    return c.UNIT_TRANSITIONS.get(call.status, ())


def change_status(call_id, *, event_id: uuid.UUID, status: str, recorded_at: datetime | None,
                  disposition: str | None, by, final_call_type: str | None = None) -> tuple[CallEvent, bool]:
    """Record a unit's status change. Returns (timeline entry, created).

    Idempotent on ``event_id``, the id the device made when the user tapped. ``final_call_type``
    (on scene, transporting or cleared) records the type found on scene.
    """
    body_hash = fingerprint({"call_id": call_id, "status": status, "disposition": disposition,
                             "recorded_at": recorded_at.isoformat() if recorded_at else None,
                             **({"final_call_type": final_call_type} if final_call_type else {})})
    held = uow.holds_lock((Call, call_id))  # in a batch, locked by an earlier record: a read now is final
    rules = {"reveal": lambda found: get_call(by, found.call_id, audit_read=False),
             "parent": lambda found: found.call_id == call_id}
    existing = replay_of(CallEvent, event_id, body_hash, what="status change", **rules)
    if existing is not None:
        return existing, False
    get_call(by, call_id, audit_read=False)
    call = lock_call(call_id)
    final = held and not answered_ahead(CallEvent, event_id)  # the look-up ahead was read before the lock
    replay = None if final else saved_meanwhile(CallEvent, event_id, body_hash, what="status change", **rules)
    if replay is not None:
        return replay, False
    if not is_crew(by, call) or call.status == c.CANCELLED:
        gone = taken.taken_away(by, call_id)
        if gone:
            raise Conflict(gone, code="call_taken_away")
    if not is_crew(by, call):
        raise Forbidden(_("Only the crew of the assigned unit can change this call's status."))
    if status not in next_statuses(call):
        allowed = ", ".join(str(c.STATUS_LABELS[s]).lower() for s in next_statuses(call)) or _("nothing")
        raise Conflict(_("A call that is %(status)s cannot become %(target)s; it can become: %(options)s.",
                         status=str(c.STATUS_LABELS[call.status]).lower(),
                         target=str(c.STATUS_LABELS[status]).lower(), options=allowed),
                       fields={"status": [_("Not allowed from %(code)s.", code=call.status)]},
                       code="invalid_transition")
    if status == c.CLEARED and not disposition:
        raise Invalid(_("Choose how the call ended before clearing it."),
                      fields={"disposition": [_("Required when clearing a call.")]})
    if status != c.CLEARED and disposition:
        raise Invalid(_("A disposition is only given when clearing."),
                      fields={"disposition": [_("Only allowed with status cleared.")]})
    if final_call_type and status not in (c.ON_SCENE, c.TRANSPORTING, c.CLEARED):
        raise Invalid(_("The final call type is given on scene or when clearing."),
                      fields={"final_call_type": [_("Only with status on_scene, transporting or cleared.")]})
    now = utcnow()
    if recorded_at and recorded_at > now + MAX_CLOCK_SKEW:
        raise Invalid(_("The device time is in the future; check the phone's clock."),
                      fields={"recorded_at": [_("More than an hour ahead of the server.")]})
    from_status = call.status
    call.status = status
    if final_call_type:
        call.final_call_type = final_call_type
    if status == c.CLEARED:
        call.disposition = disposition
        call.closed_at = now
    entry = record_event(call, "status", by=by, status=status, from_status=from_status,
                   recorded_at=recorded_at or now, disposition=disposition, request_hash=body_hash)
    entry.id = event_id
    audit.record("call.status", obj=call, user=by, details={"from": from_status, "to": status})
    fanout.announce("call.status", call, unit_id=call.unit_id)
    return commit_or_replay(entry, body_hash, what="status change", **rules)

