"""The agency's zones as GeoJSON (RFC 7946): checking an upload, and which zone holds a point.

Shapely (GEOS) does the geometry: ring validity (self-intersection, a hole outside its shell) and
point-in-polygon, which are easy to get subtly wrong by hand. Positions are [longitude, latitude].
Shapely (with numpy, ~21 MB) is imported where a geometry is made, not with the app: a process that
never checks or locates a zone (an export, a CLI command) does not carry it.
"""

import json
from dataclasses import dataclass

from flask_babel import gettext as _

from fieldapp.errors import Invalid

MAX_FEATURES = 200
MAX_POSITIONS = 100_000
MAX_NAME = 80
MAX_PROBLEMS = 10  # one refusal names at most this many problems
TYPES = ("Polygon", "MultiPolygon")


@dataclass
class CheckedZone:
    name: str
    geometry: dict  # the feature's geometry, as uploaded
    bounds: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat


def parse(raw: bytes | str, *, max_bytes: int) -> dict:
    """The upload as a JSON object, or a refusal saying why it is not one."""
    if len(raw) > max_bytes:
        raise Invalid(_("The zones file is too large: %(size)s KB, at most %(max)s KB.",
                        size=len(raw) // 1024, max=max_bytes // 1024),
                      fields={"zones": [_("Too large.")]}, code="too_large")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise Invalid(_("The zones file is not JSON: %(error)s.", error=error),
                      fields={"zones": [_("Not JSON.")]}) from None


def _ring_problems(ring, where: str, count: list) -> list[str]:
    if not isinstance(ring, list):
        return [_("%(where)s is not a list of positions.", where=where)]
    problems = []
    for index, position in enumerate(ring):
        if (not isinstance(position, list) or len(position) < 2
                or not all(isinstance(n, int | float) and not isinstance(n, bool) for n in position[:2])):
            return [_("%(where)s, position %(number)s is not [longitude, latitude].", where=where, number=index + 1)]
        lon, lat = position[0], position[1]
        if not -180 <= lon <= 180 or not -90 <= lat <= 90:
            return [_("%(where)s, position %(number)s (%(lon)s, %(lat)s) is out of range: longitude from -180 to 180, "
                      "latitude from -90 to 90 (positions are [longitude, latitude]).",
                      where=where, number=index + 1, lon=lon, lat=lat)]
    count[0] += len(ring)
    if len(ring) < 4:
        problems.append(_("%(where)s has %(count)s positions; a ring needs at least 4 (the first repeated last).",
                           where=where, count=len(ring)))
    elif ring[0][:2] != ring[-1][:2]:
        problems.append(_("%(where)s is not closed: its last position must repeat its first.", where=where))
    return problems


def _geometry_problems(geometry, label: str, count: list) -> list[str]:
    if not isinstance(geometry, dict) or geometry.get("type") not in TYPES:
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if not kind:
            return [_("%(label)s is a missing geometry; zones are Polygon or MultiPolygon.", label=label)]
        return [_("%(label)s is a %(kind)s geometry; zones are Polygon or MultiPolygon.", label=label, kind=kind)]
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        return [_("%(label)s has no coordinates.", label=label)]
    problems = []
    for p, rings in enumerate(polygons):
        if not isinstance(rings, list) or not rings:
            problems.append(_("%(label)s has an empty polygon.", label=label))
            continue
        for r, ring in enumerate(rings):
            where = (_("%(label)s, polygon %(polygon)s, ring %(ring)s", label=label, polygon=p + 1, ring=r + 1)
                     if len(polygons) > 1 else _("%(label)s, ring %(ring)s", label=label, ring=r + 1))
            problems += _ring_problems(ring, where, count)
    if not problems:
        from shapely.geometry import shape
        from shapely.validation import explain_validity

        made = shape(geometry)
        if not made.is_valid:
            problems.append(_("%(label)s is not a valid polygon: %(why)s (a ring crosses itself or another ring).",
                              label=label, why=explain_validity(made)))
    return problems


def check(document) -> list[CheckedZone]:
    """The zones of a GeoJSON FeatureCollection, or a refusal naming each problem (at most
    MAX_PROBLEMS): every feature needs a name and a valid Polygon or MultiPolygon."""
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise Invalid(_("The zones file must be a GeoJSON FeatureCollection (\"type\": \"FeatureCollection\")."),
                      fields={"zones": [_("Not a FeatureCollection.")]})
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise Invalid(_("The FeatureCollection has no features: give at least one zone."),
                      fields={"zones": [_("No features.")]})
    if len(features) > MAX_FEATURES:
        raise Invalid(_("The file has %(count)s zones; at most %(max)s.", count=len(features), max=MAX_FEATURES),
                      fields={"zones": [_("Too many features.")]}, code="too_large")
    problems, zones, seen, count = [], [], set(), [0]
    for index, feature in enumerate(features):
        label = _("Feature %(number)s", number=index + 1)
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(_("%(label)s is not a GeoJSON Feature.", label=label))
            continue
        properties = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
        name = properties.get("name")
        name = name.strip() if isinstance(name, str) else ""
        if not name:
            problems.append(_("%(label)s has no name (properties.name).", label=label))
        elif len(name) > MAX_NAME:
            problems.append(_("%(label)s's name is longer than %(max)s characters.", label=label, max=MAX_NAME))
        elif name.casefold() in seen:
            problems.append(_("%(label)s's name \"%(name)s\" is used by another feature; zone names must differ.",
                              label=label, name=name))
        else:
            seen.add(name.casefold())
            label = _("%(label)s (\"%(name)s\")", label=label, name=name)
        found = _geometry_problems(feature.get("geometry"), label, count)
        problems += found
        if not found and name:
            from shapely.geometry import shape

            zones.append(CheckedZone(name, feature["geometry"], shape(feature["geometry"]).bounds))
    if count[0] > MAX_POSITIONS:
        problems.append(_("The zones have %(count)s positions in all; at most %(max)s (simplify them).",
                           count=count[0], max=MAX_POSITIONS))
    if problems:
        more = len(problems) - MAX_PROBLEMS
        shown = problems[:MAX_PROBLEMS] + ([f"... and {more} more."] if more > 0 else [])
        raise Invalid(_("The zones were not saved: %(problems)s", problems=" ".join(shown)), fields={"zones": shown})
    return zones


class Locator:
    """Which zone holds a point, over a set of zones (prepared geometries; built once per lookup batch)."""

    def __init__(self, zones):
        from shapely import prepared
        from shapely.geometry import Point, shape

        self.point = Point
        self.zones = [(zone, prepared.prep(shape(zone.geometry))) for zone in zones]

    def zone_at(self, lat: float, lon: float):
        """The first zone (by name) holding the point, boundary included; None outside every zone."""
        point = self.point(lon, lat)
        for zone, geometry in self.zones:
            if zone.min_lon <= lon <= zone.max_lon and zone.min_lat <= lat <= zone.max_lat \
                    and geometry.covers(point):
                return zone
        return None
