"""Changing where a call is: a dispatcher's pin (``PUT /api/v1/calls/<id>/location``) and the geocoder's
job. The rules of which source wins are in ``fieldapp.calls.location``."""

import logging

from fieldapp.audit import services as audit
from fieldapp.calls import fanout, location, services
from fieldapp.calls.models import Call
from fieldapp.extensions import db
from fieldapp.zones import geocoder

log = logging.getLogger(__name__)


def drop_pin(call_id, lat: float, lon: float, *, by) -> Call:
    """Put the call where the dispatcher dropped the pin: it wins over the CAD's and the geocoder's
    coordinates, its zone is found again, and the change is audited and goes out (board, map)."""
    services.get_call(by, call_id, audit_read=False)
    call = services.lock_call(call_id)
    before = {"lat": call.lat, "lon": call.lon, "source": call.location_source}
    location.place(call, lat, lon, location.PIN)
    services.record_event(call, "updated", by=by, reason="Location set by a pin on the map")
    audit.record("call.location", obj=call, user=by, details={
        "before": before, "lat": lat, "lon": lon, "zone_id": call.zone_id})
    fanout.announce("call.updated", call, unit_id=call.unit_id)
    db.session.commit()
    return call


def geocode(call_id: int) -> str:
    """The job: coordinates for a call that has none, from the geocoder (or its cache). Safe to run
    twice; a failure leaves the call without a location (the next call at the address asks again).
    Returns what happened."""
    call = db.session.get(Call, call_id)
    if call is None or call.lat is not None or not geocoder.configured():
        return "skipped"
    try:
        found = geocoder.locate(call.address_key or services.address_key(call.address), call.address)
    except geocoder.GeocoderFailed as error:
        log.warning("geocoding call %s failed: %s", call_id, error)
        db.session.rollback()
        return "failed"
    if found is None:
        db.session.commit()  # the cache row: "not found" is an answer too
        return "not found"
    call = services.lock_call(call_id)
    if call.lat is not None:  # a CAD update or a pin arrived meanwhile: they win
        db.session.commit()
        return "skipped"
    location.place(call, found[0], found[1], location.GEOCODER)
    audit.record("call.geocode", obj=call, user=None, details={"zone_id": call.zone_id})
    fanout.announce("call.updated", call, unit_id=call.unit_id)
    db.session.commit()
    return "located"
