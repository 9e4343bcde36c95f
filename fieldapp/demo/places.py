"""The demo's geography (issue 20): two zones around a small city, Downtown and the County around it, with
response targets, and coordinates for the demo's calls, so the board shows response clocks and the
dashboard per-zone figures. Coordinates are drawn from their own generator (seeded by the call's number),
so the history's other random choices stay as they were."""

import json
import random

from fieldapp.zones import services as zones

CENTER = (39.7990, -89.6440)  # lat, lon: the demo city's centre
DOWNTOWN_HALF = 0.03  # degrees
COUNTY_HALF = 0.25


def _square(half):
    lat, lon = CENTER
    return [[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half], [lon - half, lat + half],
             [lon - half, lat - half]]


ZONES = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": "Downtown"}, "geometry": {"type": "Polygon",
                                                                         "coordinates": [_square(DOWNTOWN_HALF)]}},
    # the county around the city: its square with Downtown as a hole
    {"type": "Feature", "properties": {"name": "County"}, "geometry": {"type": "Polygon", "coordinates": [
        _square(COUNTY_HALF), list(reversed(_square(DOWNTOWN_HALF)))]}},
]}
# Minutes from receipt to the first unit on scene, by priority (urban 15 for P1, rural 60, as the example).
TARGETS = {"Downtown": {1: 15, 2: 30, 3: 60, 4: 120}, "County": {1: 60, 2: 90, 3: 120, 4: 240}}


def seed_zones(admin) -> None:
    zones.upload(json.dumps(ZONES), by=admin)
    ids = {zone.name: zone.id for zone in zones.all_zones()}
    zones.set_targets([{"zone_id": ids[name], "priority": priority, "minutes": minutes}
                       for name, by_priority in TARGETS.items() for priority, minutes in by_priority.items()],
                      by=admin)


def downtown(north: float, east: float) -> dict:
    """A point ``north``/``east`` of the centre, in degrees (within Downtown for |offsets| < 0.03)."""
    return {"lat": round(CENTER[0] + north, 5), "lon": round(CENTER[1] + east, 5)}


def coordinates(number: int) -> dict:
    """A history call's place: three in four downtown, the rest out in the county."""
    rng = random.Random(f"fieldapp-demo-place-{number}")
    half = DOWNTOWN_HALF if rng.random() < 0.75 else COUNTY_HALF
    while True:
        north, east = rng.uniform(-half, half), rng.uniform(-half, half)
        if half == DOWNTOWN_HALF or max(abs(north), abs(east)) > DOWNTOWN_HALF:
            return downtown(north, east)
