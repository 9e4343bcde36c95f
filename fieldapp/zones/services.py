"""Zone rules: the upload (all or nothing), the targets per zone and priority, and which zone holds a point.

Targets are standards like "urban P1 within 15 minutes, rural P1 within 60" (received -> first unit on
scene); a call outside every zone, or in a zone without a target for its priority, is held to the
``RESPONSE_TARGET_MINUTES`` setting.
"""

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from fieldapp import uow
from fieldapp.audit import services as audit
from fieldapp.errors import NotFound
from fieldapp.extensions import db
from fieldapp.hooks import Hook
from fieldapp.zones import geometry
from fieldapp.zones.models import ResponseTarget, Zone

PRIORITIES = (1, 2, 3, 4)
ZONES = "zones"  # what a batch reads once about the zones (``uow.memo``)

zones_changed = Hook("zones.zones_changed", "The agency's zones changed: calls' zones are found again ()")


def all_zones() -> list[Zone]:
    return list(db.session.scalars(select(Zone).order_by(Zone.name)).all())


def feature_collection(zones=None) -> dict:
    """The zones as a GeoJSON FeatureCollection (for the map); each feature's properties: id, name, and
    its targets as {"1": minutes, ...}."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": zone.id, "geometry": zone.geometry,
         "properties": {"id": zone.id, "name": zone.name,
                        "targets": {str(t.priority): t.minutes for t in zone.targets}}}
        for zone in (all_zones() if zones is None else zones)]}


def upload(raw: bytes | str, *, by) -> dict:
    """Replace the agency's zones with those of a GeoJSON FeatureCollection. A zone keeps its id and
    targets when a zone of the same name is uploaded again; zones missing from the file are removed with
    their targets. Nothing changes when any feature is refused. Returns the names added, kept, removed."""
    checked = geometry.check(geometry.parse(raw, max_bytes=current_app.config["ZONES_MAX_BYTES"]))
    existing = {zone.name.casefold(): zone for zone in all_zones()}
    added, kept = [], []
    for item in checked:
        zone = existing.pop(item.name.casefold(), None)
        if zone is None:
            zone = Zone(name=item.name)
            db.session.add(zone)
            added.append(item.name)
        else:
            kept.append(item.name)
        zone.name, zone.geometry = item.name, item.geometry
        zone.min_lon, zone.min_lat, zone.max_lon, zone.max_lat = item.bounds
    removed = sorted(zone.name for zone in existing.values())
    for zone in existing.values():
        db.session.delete(zone)
    db.session.flush()
    uow.forget(ZONES)
    zones_changed()
    summary = {"added": added, "kept": kept, "removed": removed}
    audit.record("zone.upload", object_type="zones", user=by, details=summary)
    db.session.commit()
    return summary


def get_zone(zone_id) -> Zone:
    zone = db.session.get(Zone, zone_id) if isinstance(zone_id, int) else None
    if zone is None:
        raise NotFound(_("No such zone."), fields={"zone_id": [_("No such zone.")]})
    return zone


def set_targets(rows: list[dict], *, by) -> list[ResponseTarget]:
    """Set the targets given as {zone_id, priority, minutes}; ``minutes`` None removes a target. The
    rows are checked first: one unknown zone refuses them all."""
    zones = {zone_id: get_zone(zone_id) for zone_id in {row["zone_id"] for row in rows}}
    changed = []
    for row in rows:
        zone, priority, minutes = zones[row["zone_id"]], row["priority"], row.get("minutes")
        target = next((t for t in zone.targets if t.priority == priority), None)
        if minutes is None:
            if target is not None:
                zone.targets.remove(target)
                changed.append({"zone": zone.name, "priority": priority, "minutes": None})
            continue
        if target is None:
            zone.targets.append(ResponseTarget(priority=priority, minutes=minutes))
        elif target.minutes == minutes:
            continue
        else:
            target.minutes = minutes
        changed.append({"zone": zone.name, "priority": priority, "minutes": minutes})
    if changed:
        audit.record("zone.targets", object_type="response_targets", user=by, details={"changed": changed})
    db.session.commit()
    return all_targets()


def all_targets() -> list[ResponseTarget]:
    return list(db.session.scalars(select(ResponseTarget).join(Zone).order_by(Zone.name, ResponseTarget.priority)))


def default_minutes() -> int:
    return current_app.config["RESPONSE_TARGET_MINUTES"]


def targets() -> dict[tuple[int, int], int]:
    """Every target: {(zone_id, priority): minutes}."""
    return {(zone_id, priority): minutes for zone_id, priority, minutes in db.session.execute(
        select(ResponseTarget.zone_id, ResponseTarget.priority, ResponseTarget.minutes))}


def target_of(zone_id: int | None, priority: int, table: dict | None = None) -> int:
    """The minutes a call of ``priority`` in ``zone_id`` (None: outside every zone) has to be on scene."""
    table = targets() if table is None else table
    return table.get((zone_id, priority)) or default_minutes()


def locator() -> geometry.Locator:
    """Which zone holds a point: the zones read once per batch of outbox records (``uow.memo``; again
    after an upload)."""
    return uow.memo((ZONES, "locator"), lambda: geometry.Locator(all_zones()))


def zone_at(lat: float | None, lon: float | None) -> Zone | None:
    """The zone holding the point (None without coordinates or outside every zone)."""
    if lat is None or lon is None:
        return None
    return locator().zone_at(lat, lon)


def clear() -> None:
    """Remove every zone and target (the demo's reseed)."""
    db.session.execute(delete(ResponseTarget))
    db.session.execute(delete(Zone))
