"""Changing a call's details after intake (a CAD's later update): type, priority, location, cautions
and narrative lines. The unit and the status are never touched here; the timeline says what changed
and from where."""

from sqlalchemy import select

from fieldapp.audit import services as audit
from fieldapp.calls import constants as c
from fieldapp.calls import fanout, location, services
from fieldapp.calls.models import Call
from fieldapp.extensions import db

_LABELS = {"call_type": "type", "priority": "priority", "address": "address", "lat": "latitude",
           "lon": "longitude", "cautions": "cautions", "callback": "callback"}


def call_by_external_id(external_id: str) -> Call | None:
    """The call a CAD knows by ``external_id`` (for intake services, which act for no person)."""
    return db.session.scalar(select(Call).where(Call.external_id == external_id))


def amend(call_id, changes: dict, *, by, source: str, new_lines=(), commit=True) -> tuple[Call, list[str]]:
    """Apply ``changes`` (any of call_type, priority, address, lat, lon, cautions, callback) and append
    ``new_lines`` to the narrative. Returns (call, what changed); nothing is written if nothing did."""
    call = services.lock_call(call_id)
    # A dispatcher's pin wins over the CAD's position; a CAD update without one keeps the geocoder's.
    if not location.may_replace(call, location.CAD) or (changes.get("lat") is None and call.lat is not None):
        changes = {field: value for field, value in changes.items() if field not in ("lat", "lon")}
    changed, before = [], {}
    for field, value in changes.items():
        if field not in _LABELS:
            raise ValueError(f"amend cannot change {field}")
        if field == "cautions":
            value = sorted(set(value or []))
        if getattr(call, field) != value:
            before[field] = getattr(call, field)
            setattr(call, field, value)
            changed.append(field)
    if "address" in changed:
        call.address_key = services.address_key(call.address)
    if "lat" in changed or "lon" in changed:
        location.place(call, call.lat, call.lon, location.CAD if call.lat is not None else None)
    if "address" in changed and call.location_source in (None, location.GEOCODER) and "lat" not in changed:
        location.place(call, None, None, None)  # the geocoder's answer was for the old address
        location.ask_geocoder(call)
    lines = [line for line in new_lines if line and line not in call.narrative.splitlines()]
    if lines:
        call.narrative = "\n".join(filter(None, [call.narrative, *lines]))[:4000]
        changed.append("narrative")
    if not changed:
        return call, []
    summary = ", ".join(_describe(field, before.get(field), getattr(call, field)) for field in changed)
    services.record_event(call, "updated", by=by, reason=f"Updated by {source}: {summary}"[:500])
    audit.record("call.update", obj=call, user=by, details={
        "source": source, "changed": changed,
        "before": {field: before[field] for field in changed if field in before}})
    fanout.announce("call.updated", call, unit_id=call.unit_id)
    if commit:
        db.session.commit()
    return call, changed


def _describe(field, old, new) -> str:
    if field == "narrative":
        return "notes added"
    if field == "call_type":
        return f"type {old} → {new} ({c.CALL_TYPES.get(new, new)})"
    if field in ("lat", "lon", "address", "callback"):
        return f"{_LABELS[field]} now {new}"
    if field == "cautions":
        return f"cautions now {', '.join(new) or 'none'}"
    return f"{_LABELS[field]} {old} → {new}"
