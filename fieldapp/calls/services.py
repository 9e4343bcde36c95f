"""Call rules: intake, who may see a call, assignment, the status timeline.

Both the pages and the API call these; neither re-implements a rule. The unit's status changes are in
``fieldapp.calls.status``.
"""

import re
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload

from fieldapp import uow
from fieldapp.audit import services as audit
from fieldapp.calls import constants as c
from fieldapp.calls import fanout, taken
from fieldapp.calls import location as where
from fieldapp.calls.models import Call, CallEvent
from fieldapp.clock import utcnow
from fieldapp.errors import Conflict, Forbidden, Invalid, NotFound
from fieldapp.extensions import db
from fieldapp.idempotency import check_replay, fingerprint
from fieldapp.roles import ADMIN, DISPATCHER, UNIT_ROLES
from fieldapp.units import services as units

SEES_ALL_CALLS = (DISPATCHER, ADMIN)

_ABBREVIATIONS = {"street": "st", "avenue": "ave", "road": "rd", "boulevard": "blvd", "drive": "dr",
                  "lane": "ln", "place": "pl", "court": "ct", "apartment": "apt", "suite": "ste",
                  "north": "n", "south": "s", "east": "e", "west": "w", "unit": "apt", "#": "apt"}


def address_key(address: str) -> str:
    """A crude canonical form of an address, so '12 Elm Street, Apt. 3' matches '12 elm st apt 3'."""
    words = re.findall(r"[a-z0-9]+|#", (address or "").lower())
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)[:200]


# --- who sees what -------------------------------------------------------------------------

def visible_calls_query(user):
    """Dispatchers and admins see every call; a unit's crew sees its unit's calls this shift."""
    query = select(Call)
    if user.role in SEES_ALL_CALLS:
        return query
    if user.role in UNIT_ROLES:
        shift = units.shift_of_user(user)
        if shift is None:
            return query.where(False)
        return query.where(Call.unit_id == shift.unit_id,
                           or_(Call.status.in_(c.OPEN), Call.closed_at >= shift.started_at))
    return query.where(False)


def list_calls(user, *, status=None, unit_id=None, limit=200, audit_as="call.list"):
    """The calls ``user`` may see, newest first. The read is audited (``audit_as``) with its
    filters and count, in its own unit of work."""
    query = visible_calls_query(user)
    if status:
        query = query.where(Call.status.in_(status if isinstance(status, list | tuple) else [status]))
    if unit_id:
        query = query.where(Call.unit_id == unit_id)
    found = db.session.scalars(query.order_by(Call.received_at.desc()).limit(limit)).all()
    if audit_as:
        audit.record_read(audit_as, user=user, details={"status": status, "unit_id": unit_id, "count": len(found)})
    return found


BOARD_POLL_AUDIT_EVERY = timedelta(minutes=5)


def board(user, *, poll: bool) -> list[Call]:
    """The open calls on the dispatchers' board. Opening the board is audited every time. The page
    then polls every 10 seconds; a poll is audited only when the calls shown differ from the last
    audited board read of this user, or when that read is older than BOARD_POLL_AUDIT_EVERY. So
    every call a dispatcher could see is in the trail, without a row per screen every 10 seconds."""
    found = list_calls(user, status=list(c.OPEN), audit_as=None)
    shown = sorted(call.id for call in found)
    if poll:
        last = db.session.scalars(audit.search_query(
            user_id=user.id, actions=("call.board", "call.board.poll"), since=utcnow() - BOARD_POLL_AUDIT_EVERY)
            .limit(1)).first()
        if last is not None and last.details.get("calls") == shown:
            return found
    audit.record_read("call.board.poll" if poll else "call.board", user=user,
                      details={"count": len(found), "calls": shown})
    return found


def get_call(user, call_id, *, audit_read=True) -> Call:
    """The call if ``user`` may see it; 404 otherwise, so ids of other units' calls do not leak."""
    call = uow.while_locked((Call, call_id), ("visible", user.id), lambda: db.session.scalar(
        visible_calls_query(user).where(Call.id == call_id))) if isinstance(call_id, int) else None
    if call is None:
        gone = taken.taken_away(user, call_id)
        raise NotFound(gone, code="call_taken_away") if gone else NotFound(_("No such call."))
    if audit_read:
        audit.record("call.view", obj=call, user=user)
        db.session.commit()
    return call


def is_crew(user, call: Call) -> bool:
    shift = units.shift_of_user(user)
    return shift is not None and call.unit_id == shift.unit_id


# --- intake and dispatch -------------------------------------------------------------------

def record_event(call, kind, *, by, status=None, from_status=None, unit_id=None, recorded_at=None, **extra):
    """Add a call's timeline entry (``call_events``) of this change, and note the milestone it may be."""
    now = utcnow()
    event = CallEvent(call=call, kind=kind, status=status or call.status, from_status=from_status,
                      unit_id=unit_id if unit_id is not None else call.unit_id,
                      user_id=getattr(by, "id", None), recorded_at=recorded_at or now,
                      received_at=now, **extra)
    db.session.add(event)
    note_milestone(call, event)
    return event


def note_milestone(call: Call, event: CallEvent) -> None:
    """Copy a timeline entry's time onto the call when it marks a CAD milestone (docs/metrics.md).

    The same values as the timeline gives: the earliest 'assigned' entry, the earliest statuses
    'en_route' and 'on_scene', and the latest status 'cleared', each by its ``recorded_at``.
    """
    moment = event.recorded_at
    if event.kind == "assigned":
        call.first_assigned_at = min(call.first_assigned_at or moment, moment)
    elif event.kind == "status" and event.status == c.EN_ROUTE:
        call.first_en_route_at = min(call.first_en_route_at or moment, moment)
    elif event.kind == "status" and event.status == c.ON_SCENE:
        call.first_on_scene_at = min(call.first_on_scene_at or moment, moment)
    elif event.kind == "status" and event.status == c.CLEARED:
        call.cleared_at = max(call.cleared_at or moment, moment)


def create_call(data: dict, *, by, with_call=None) -> tuple[Call, bool]:
    """Create a call from validated data. Returns (call, created).

    A CAD system may push the same incident twice: the same ``external_id`` with the same body is
    a replay (the stored call comes back); with a different body it is a conflict. ``with_call(call)``
    (from an intake above calls) adds its own rows to the same unit of work before the commit.
    """
    body_hash = fingerprint(data)
    external_id = data.get("external_id") or None
    if external_id:
        existing = db.session.scalar(select(Call).where(Call.external_id == external_id))
        if existing is not None:
            return check_replay(existing, body_hash, what="call"), False
    check_eligibility(data.get("eligible"), data.get("ineligible_reason"))
    location = data["location"]
    call = Call(
        received_at=data.get("received_at") or utcnow(), created_by_id=getattr(by, "id", None),
        call_type=data["call_type"], priority=data["priority"], address=location["address"],
        address_key=address_key(location["address"]),
        lat=location.get("lat"), lon=location.get("lon"), narrative=data.get("narrative") or "",
        cautions=sorted(set(data.get("cautions") or [])), callback=data.get("callback") or None,
        external_id=external_id, request_hash=body_hash, status=c.PENDING,
        source=data.get("source"), eligible=data.get("eligible"), ineligible_reason=data.get("ineligible_reason"),
        district=data.get("district"), handoff_note=data.get("handoff_note") or None,
        preferred_language=data.get("preferred_language"), interpreter_needed=data.get("interpreter_needed"),
    )
    where.at_intake(call)
    db.session.add(call)
    record_event(call, "created", by=by, status=c.PENDING, recorded_at=call.received_at)
    try:
        db.session.flush()
    except IntegrityError:  # the same external id arrived twice at once
        db.session.rollback()
        existing = db.session.scalar(select(Call).where(Call.external_id == external_id))
        return check_replay(existing, body_hash, what="call"), False
    where.after_intake(call)
    audit.record("call.create", obj=call, user=by, details={"call_type": call.call_type})
    if with_call is not None:
        with_call(call)
    fanout.announce("call.created", call)
    db.session.commit()
    return call, True


def check_eligibility(eligible: bool | None, reason: str | None) -> None:
    """A call not eligible for the team says why; a reason goes only with 'not eligible'."""
    if eligible is False and not reason:
        raise Invalid(_("Say why the call is not eligible for the team."),
                      fields={"ineligible_reason": [_("Required when the call is not eligible.")]})
    if eligible is not False and reason:
        raise Invalid(_("A reason is only given when the call is not eligible."),
                      fields={"ineligible_reason": [_("Only when eligible is false.")]})


RECORD_FIELDS = ("source", "eligible", "ineligible_reason", "district", "final_call_type", "preferred_language",
                 "interpreter_needed")


def update_details(call_id, data: dict, *, by) -> Call:
    """Change what the record says about a call: source, eligibility, district, final type.

    Dispatchers may change any call's; a unit's crew their own call's (they learn the final type
    and often the eligibility on scene). Setting ``eligible`` to anything but false clears the reason.
    """
    get_call(by, call_id, audit_read=False)
    call = lock_call(call_id)
    if by.role != DISPATCHER and not is_crew(by, call):
        raise Forbidden(_("Only dispatchers and the crew of the assigned unit can change this call's record."))
    if "eligible" in data and data["eligible"] is not False and "ineligible_reason" not in data:
        data = {**data, "ineligible_reason": None}
    merged = {name: data.get(name, getattr(call, name)) for name in RECORD_FIELDS}
    check_eligibility(merged["eligible"], merged["ineligible_reason"])
    changed = {name: value for name, value in merged.items() if getattr(call, name) != value}
    for name, value in changed.items():
        setattr(call, name, value)
    if changed:
        audit.record("call.update", obj=call, user=by, details={"changed": sorted(changed)})
    db.session.commit()
    return call


def lock_call(call_id) -> Call:
    """Load a call for a change, row-locked on PostgreSQL so two changes cannot interleave, and
    re-read: a change committed while this request waited for the lock is seen. In a batch of
    outbox records the lock is taken once (``fieldapp.uow.locked``)."""
    call = uow.locked((Call, call_id), lambda: db.session.scalar(
        select(Call).where(Call.id == call_id).with_for_update()
        .options(lazyload(Call.timeline))  # a change adds to it; read only if shown
        .execution_options(populate_existing=True))) if isinstance(call_id, int) else None
    if call is None:
        raise NotFound(_("No such call."))
    return call


def assign(call_id, unit_id, *, by, confirm_busy=True) -> Call:
    """Assign or reassign the call. With ``confirm_busy`` false, a unit busy with another active
    call is refused (409 ``unit_busy``) so the dispatcher can confirm first (the board does)."""
    call = lock_call(call_id)
    unit = units.get_unit(unit_id)
    if units.open_shift_of(unit) is None:
        raise Invalid(_("%(call_sign)s is not on duty; open a shift first.", call_sign=unit.call_sign),
                      fields={"unit_id": [_("This unit is not on duty.")]})
    busy = None if confirm_busy else units.busy_message(units.unit_view(unit), call)
    if busy:
        raise Conflict(busy, fields={"unit_id": [busy]}, code="unit_busy")
    if call.status == c.PENDING:
        kind = "assigned"
    elif call.status in c.REASSIGNABLE:
        if call.unit_id == unit.id:
            raise Conflict(_("The call is already assigned to %(call_sign)s.", call_sign=unit.call_sign))
        kind = "reassigned"
    else:
        now = str(c.STATUS_LABELS[call.status]).lower()
        raise Conflict(_("A call that is %(status)s cannot be assigned.", status=now) if call.unit_id is None
                       else _("A call that is %(status)s cannot be reassigned.", status=now),
                       code="invalid_transition")
    previous = call.unit.call_sign if call.unit else None
    previous_unit_id = call.unit_id
    from_status = call.status
    call.unit = unit
    call.status = c.ASSIGNED
    record_event(call, kind, by=by, from_status=from_status, unit_id=unit.id,
           reason=f"from {previous}" if previous else None)
    audit.record("call.assign" if kind == "assigned" else "call.reassign", obj=call, user=by,
                 details={"unit": unit.call_sign, "from_unit": previous})
    fanout.announce("call.assigned", call, unit_id=unit.id)
    if previous_unit_id is not None:
        fanout.announce("call.reassigned", call, unit_id=previous_unit_id)  # gone from the old unit's phones
    db.session.commit()
    return call


def cancel(call_id, reason: str, *, by) -> Call:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say why the call is cancelled."), fields={"reason": [_("A reason is required.")]})
    call = lock_call(call_id)
    if call.status not in c.OPEN:
        raise Conflict(_("The call is already %(lower)s.", lower=c.STATUS_LABELS[call.status].lower()),
                       code="invalid_transition")
    from_status = call.status
    call.status = c.CANCELLED
    call.cancel_reason = reason
    call.closed_at = utcnow()
    record_event(call, "cancelled", by=by, from_status=from_status, reason=reason)
    audit.record("call.cancel", obj=call, user=by, details={"reason": reason})
    fanout.announce("call.cancelled", call, unit_id=call.unit_id)
    db.session.commit()
    return call


def active_calls(unit_id=None, *, timeline=True) -> list[Call]:
    """The active calls of a unit, or of every unit (``units.services.active_calls``, for unit status);
    ``timeline=False`` leaves each call's timeline unread until asked for (a unit's position needs
    only which call it is busy with)."""
    query = select(Call).where(Call.status.in_(c.ACTIVE))
    if not timeline:
        query = query.options(lazyload(Call.timeline))
    if unit_id is not None:
        query = query.where(Call.unit_id == unit_id)
    return list(db.session.scalars(query).all())
