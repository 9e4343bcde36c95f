"""Where a call is: its coordinates, where they came from, and the zone they lie in (issue 20).

Coordinates arrive three ways, and the stronger source wins: a CAD's (EIDO, or given at intake) over
the geocoder's, and a dispatcher's pin over both. A call's zone is found again whenever its
coordinates change, and for every call when the agency's zones change (``rezone_all``, connected to
``zones.services.zones_changed``). Calls without coordinates are geocoded off the request path
(``GEOCODE_JOB``) when a geocoder is configured; without one, nothing is asked and the call has no
location.
"""

from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from fieldapp.calls.models import Call
from fieldapp.extensions import db
from fieldapp.jobs import queue as jobs
from fieldapp.zones import geocoder
from fieldapp.zones import services as zones

CAD, GEOCODER, PIN = "cad", "geocoder", "pin"
STRENGTH = {None: 0, GEOCODER: 1, CAD: 2, PIN: 3}
GEOCODE_JOB = "fieldapp.calls.locate.geocode"


def may_replace(call: Call, source: str) -> bool:
    """Whether coordinates from ``source`` may replace the call's (a pin only by another pin)."""
    return call.lat is None or STRENGTH[source] >= STRENGTH[call.location_source if call.lat is not None else None]


def place(call: Call, lat: float | None, lon: float | None, source: str | None) -> None:
    """Set the call's coordinates (None: no location) and its zone from them."""
    call.lat, call.lon = lat, lon
    call.location_source = source if lat is not None else None
    found = zones.zone_at(lat, lon)
    call.zone_id = found.id if found else None
    set_committed_value(call, "zone", found)  # a view of zone_id (no foreign key): kept in step by hand


def at_intake(call: Call) -> None:
    """A new call, before it is saved (its row is written once, with its place): coordinates given by
    the intake are the CAD's."""
    if call.lat is not None and call.lon is not None:
        place(call, call.lat, call.lon, CAD)
    else:
        place(call, None, None, None)


def after_intake(call: Call) -> None:
    """A new call (flushed): without coordinates the geocoder is asked after the commit (if there is one)."""
    if call.lat is None:
        ask_geocoder(call)


def ask_geocoder(call: Call) -> None:
    if geocoder.configured() and call.lat is None:
        jobs.enqueue_after_commit(GEOCODE_JOB, call.id, dedupe=f"geocode:{call.id}")


def rezone_all() -> None:
    """Every call's zone, found again from its coordinates (the zones changed). The caller commits."""
    locator = zones.locator()
    for call in db.session.scalars(select(Call).where(Call.lat.is_not(None), Call.lon.is_not(None))):
        found = locator.zone_at(call.lat, call.lon)
        zone_id = found.id if found else None
        if call.zone_id != zone_id:
            call.zone_id = zone_id
            set_committed_value(call, "zone", found)
