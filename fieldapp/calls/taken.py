"""Why a call is no longer the crew's: the words a crew member sees instead of "No such call".

A crew whose unit had a call this shift, and lost it to a reassignment or a cancellation, is told
what happened when a tap or a page asks for the call afterwards (a phone that was offline when the
live event came, a tap waiting in the outbox, a page reloaded). Nothing is told to anyone else: the
message needs the unit to appear in the call's own timeline since the shift began.
"""

from sqlalchemy import select

from fieldapp.calls import constants as c
from fieldapp.calls.models import Call, CallEvent
from fieldapp.extensions import db
from fieldapp.units import services as units


def taken_away(user, call_id) -> str | None:
    """"Call 5 was reassigned to CR-2." / "Call 5 was cancelled: reason." when ``user``'s unit had the
    call this shift and no longer does; None otherwise."""
    if not isinstance(call_id, int) or user.role not in ("officer", "clinician"):
        return None
    shift = units.shift_of_user(user)
    call = db.session.get(Call, call_id) if shift is not None else None
    if call is None:
        return None
    had = db.session.scalar(select(CallEvent.id).where(
        CallEvent.call_id == call.id, CallEvent.unit_id == shift.unit_id,
        CallEvent.kind.in_(("assigned", "reassigned")), CallEvent.received_at >= shift.started_at).limit(1))
    if had is None:
        return None
    if call.status == c.CANCELLED:
        return f"Call {call.id} was cancelled: {call.cancel_reason}." if call.cancel_reason \
            else f"Call {call.id} was cancelled."
    if call.unit_id != shift.unit_id:
        return f"Call {call.id} was reassigned to {call.unit.call_sign}." if call.unit \
            else f"Call {call.id} was taken off your unit."
    return None
