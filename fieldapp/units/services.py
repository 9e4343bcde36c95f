"""Unit rules: call signs, shifts pairing a clinician with an officer, derived unit status."""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from fieldapp import uow
from fieldapp.accounts.models import User
from fieldapp.audit import services as audit
from fieldapp.clock import utcnow
from fieldapp.errors import Conflict, Invalid, NotFound
from fieldapp.extensions import db
from fieldapp.hooks import Slot
from fieldapp.roles import CLINICIAN, OFFICER
from fieldapp.units.models import Shift, Unit

# A unit's status is derived from its shift and its active calls; the calls part sits above units
# and provides them (``fieldapp.wiring``).
active_calls = Slot("units.active_calls", "The active calls (assigned to cleared) of the unit ``unit_id``, "
                    "or of every unit when it is None: a list of ``calls.models.Call`` (``timeline=False``: "
                    "their timelines unread).")

SHIFTS = "shifts"  # what a batch reads once about open shifts (``uow.memo``), forgotten when one opens or closes
AVAILABLE, OUT_OF_SERVICE = "available", "out_of_service"
# The unit's status while its most advanced active call is at that step (the calls' status names).
ASSIGNED, EN_ROUTE, ON_SCENE, TRANSPORTING = "assigned", "en_route", "on_scene", "transporting"
UNIT_STATUS_LABELS = {
    AVAILABLE: _l("Available"), ASSIGNED: _l("Assigned"), EN_ROUTE: _l("En route"), ON_SCENE: _l("On scene"),
    TRANSPORTING: _l("Transporting"), OUT_OF_SERVICE: _l("Out of service"),
}
# The most advanced active call decides what the unit is doing.
_PRECEDENCE = {"assigned": 1, "acknowledged": 1, "en_route": 2, "on_scene": 3, "transporting": 4}
_UNIT_STATUS_OF = {"assigned": ASSIGNED, "acknowledged": ASSIGNED, "en_route": EN_ROUTE,
                   "on_scene": ON_SCENE, "transporting": TRANSPORTING}


@dataclass
class UnitView:
    unit: Unit
    shift: Shift | None
    calls: list = field(default_factory=list)

    @property
    def status(self) -> str:
        return derive_status(self.shift, self.calls)

    @property
    def status_label(self) -> str:
        return UNIT_STATUS_LABELS[self.status]

    def busy_with(self, call_id=None) -> list:
        """The unit's active calls other than ``call_id``: what it would leave to take that call."""
        return sorted((call for call in self.calls if call.id != call_id), key=lambda call: call.priority)


def busy_message(view: UnitView, call) -> str | None:
    """Why giving ``call`` to the unit needs a second thought, or None when it is free for it."""
    others = view.busy_with(call.id)
    if not others:
        return None
    doing = "; ".join(f"{UNIT_STATUS_LABELS[_UNIT_STATUS_OF[other.status]].lower()} at call #{other.id} "
                      f"(P{other.priority}, {other.address})" for other in others)
    return f"{view.unit.call_sign} is busy: {doing}."


def derive_status(shift, active_calls) -> str:
    if shift is None:
        return OUT_OF_SERVICE
    if not active_calls:
        return AVAILABLE
    top = max(active_calls, key=lambda call: _PRECEDENCE[call.status])
    return _UNIT_STATUS_OF[top.status]


def get_unit(unit_id) -> Unit:
    unit = db.session.get(Unit, unit_id) if isinstance(unit_id, int) else None
    if unit is None:
        raise NotFound(_("No such unit."), fields={"unit_id": [_("No such unit.")]})
    return unit


def open_shift_of(unit: Unit) -> Shift | None:
    """The unit's open shift, if any (read once per batch of outbox records, again after a shift change)."""
    return uow.memo((SHIFTS, "of_unit", unit.id), lambda: db.session.scalar(
        select(Shift).where(Shift.unit_id == unit.id, Shift.ended_at.is_(None))))


def shift_of_user(user) -> Shift | None:
    """The open shift ``user`` is working, if any, with its unit (read once per batch of outbox records,
    again after a shift change)."""
    return uow.memo((SHIFTS, "of_user", user.id), lambda: db.session.scalar(
        select(Shift).where(Shift.ended_at.is_(None),
                            (Shift.clinician_id == user.id) | (Shift.officer_id == user.id))
        .options(joinedload(Shift.unit))))


def unit_views() -> list[UnitView]:
    """Every active unit with its open shift, active calls and derived status (three queries)."""
    units = db.session.scalars(select(Unit).where(Unit.active).order_by(Unit.call_sign)).all()
    shifts = db.session.scalars(
        select(Shift).where(Shift.ended_at.is_(None))
        .options(selectinload(Shift.clinician), selectinload(Shift.officer))).all()
    calls = active_calls(None)
    by_unit = {unit.id: UnitView(unit, None) for unit in units}
    for shift in shifts:
        if shift.unit_id in by_unit:
            by_unit[shift.unit_id].shift = shift
    for call in calls:
        if call.unit_id in by_unit:
            by_unit[call.unit_id].calls.append(call)
    return list(by_unit.values())


@dataclass
class Candidate:
    """A user who could crew a shift, and the call sign of the unit they are already on, if any."""
    user: User
    busy_on: str | None = None


def crew_candidates(role: str) -> list[Candidate]:
    """Every active user of ``role`` (clinician or officer), by name; those on an open shift say where,
    since one person cannot be on two units at once (``open_shift`` refuses it)."""
    users = db.session.scalars(select(User).where(User.role == role, User.active).order_by(User.full_name))
    column = Shift.clinician_id if role == CLINICIAN else Shift.officer_id
    busy = dict(db.session.execute(select(column, Unit.call_sign).join(Unit, Shift.unit_id == Unit.id)
                                   .where(Shift.ended_at.is_(None))).all())
    return [Candidate(user, busy.get(user.id)) for user in users]


def unit_view(unit: Unit) -> UnitView:
    return UnitView(unit, open_shift_of(unit), list(active_calls(unit.id)))


def create_unit(call_sign: str, *, by) -> Unit:
    call_sign = call_sign.strip().upper()
    if db.session.scalar(select(Unit).where(Unit.call_sign == call_sign)):
        raise Conflict(_("That call sign is taken."), fields={"call_sign": [_("That call sign is taken.")]})
    unit = Unit(call_sign=call_sign)
    db.session.add(unit)
    db.session.flush()
    audit.record("unit.create", obj=unit, user=by, details={"call_sign": call_sign})
    db.session.commit()
    return unit


def _crew_member(user_id, role, field_name) -> User:
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        raise NotFound(_("No such user."), fields={field_name: [_("No such user.")]})
    if not user.active:
        raise Invalid(_("%(name)s is deactivated.", name=user.full_name),
                      fields={field_name: [_("This user is deactivated.")]})
    if user.role != role:
        raise Invalid(_("%(name)s is not a %(role)s.", name=user.full_name, role=role),
                      fields={field_name: [_("Choose a %(role)s.", role=role)]})
    busy = shift_of_user(user)
    if busy is not None:
        raise Conflict(_("%(name)s is already on shift with %(call_sign)s.", name=user.full_name,
                         call_sign=busy.unit.call_sign),
                       fields={field_name: [_("Already on shift with %(call_sign)s.", call_sign=busy.unit.call_sign)]})
    return user


def open_shift(unit: Unit, *, clinician_id, officer_id, by) -> Shift:
    if not unit.active:
        raise Invalid(_("%(call_sign)s is retired.", call_sign=unit.call_sign))
    if open_shift_of(unit) is not None:
        raise Conflict(_("%(call_sign)s already has an open shift; close it first.", call_sign=unit.call_sign))
    clinician = _crew_member(clinician_id, CLINICIAN, "clinician_id")
    officer = _crew_member(officer_id, OFFICER, "officer_id")
    shift = Shift(unit=unit, clinician=clinician, officer=officer, started_by_id=getattr(by, "id", None))
    db.session.add(shift)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("%(call_sign)s already has an open shift; close it first.",
                         call_sign=unit.call_sign)) from None
    _shift_changed(shift, shift)
    audit.record("shift.open", obj=shift, user=by, details={
        "unit": unit.call_sign, "clinician": clinician.username, "officer": officer.username})
    db.session.commit()
    return shift


def close_shift(unit: Unit, *, by) -> Shift:
    shift = open_shift_of(unit)
    if shift is None:
        raise Conflict(_("%(call_sign)s has no open shift.", call_sign=unit.call_sign))
    if active_calls(unit.id):
        raise Conflict(_("%(call_sign)s still has active calls; clear or reassign them first.",
                         call_sign=unit.call_sign))
    shift.ended_at = utcnow()
    shift.ended_by_id = getattr(by, "id", None)
    _shift_changed(shift, None)
    audit.record("shift.close", obj=shift, user=by, details={"unit": unit.call_sign})
    db.session.commit()
    return shift


def _shift_changed(shift: Shift, now_open: Shift | None) -> None:
    """A batch of records forgets what it read about shifts, and knows the unit's and its crew's now."""
    uow.forget(SHIFTS)
    uow.remember((SHIFTS, "of_unit", shift.unit_id), now_open)
    for user_id in (shift.clinician_id, shift.officer_id):
        uow.remember((SHIFTS, "of_user", user_id), now_open)
