"""The nearest unit: distances from each unit's last position to a call (haversine), with an ETA at
ETA_SPEED_KMH, or from an OSRM-compatible routing service (ROUTING_URL) when one is configured and
answers in time; a position older than 2 minutes is marked stale."""

import json
import logging
import math
import time
import urllib.request
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

from fieldapp.clock import utcnow
from fieldapp.i18n.formats import format_number
from fieldapp.positions.services import STALE_AFTER, latest_by_unit

log = logging.getLogger(__name__)
EARTH_RADIUS_KM = 6371.0088
ROUTING_BUDGET_SECONDS = 2.0  # for all the routes of one assign sheet together
ROUTED = 5  # the nearest units by straight line whose route is asked for


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


@dataclass
class Distance:
    km: float
    eta_minutes: float
    stale: bool
    age_seconds: int
    routed: bool = False  # the ETA came from the routing service

    @property
    def label(self) -> str:
        eta = max(1, round(self.eta_minutes))
        km = format_number(self.km, decimals=1)
        if self.routed:
            return _("%(km)s km · about %(eta)s min by road", km=km, eta=eta)
        return _("%(km)s km · about %(eta)s min", km=km, eta=eta)


def _route(base: str, origin, target, timeout: float):
    """(km, minutes) by road from the routing service, or None."""
    url = f"{base}/route/v1/driving/{origin[1]:.6f},{origin[0]:.6f};{target[1]:.6f},{target[0]:.6f}?overview=false"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - the operator's own setting
            body = json.loads(response.read(1_000_000))
        route = body["routes"][0]
        return float(route["distance"]) / 1000, float(route["duration"]) / 60
    except Exception as error:  # noqa: BLE001 - any failure falls back to the straight line
        log.info("routing service did not answer (%s); using the straight-line ETA", error)
        return None


def distances(lat, lon, unit_ids) -> dict[int, Distance]:
    """unit id -> its distance and ETA to (lat, lon), for the units with a known position."""
    if lat is None or lon is None:
        return {}
    config, now = current_app.config, utcnow()
    speed, positions = config["ETA_SPEED_KMH"], latest_by_unit()
    found = {}
    for unit_id, position in positions.items():
        if unit_id not in unit_ids:
            continue
        km = haversine_km(position.lat, position.lon, lat, lon)
        found[unit_id] = Distance(km, km / speed * 60, now - position.recorded_at > STALE_AFTER,
                                  max(0, int((now - position.recorded_at).total_seconds())))
    base = config["ROUTING_URL"]
    if base and found:
        deadline = time.monotonic() + ROUTING_BUDGET_SECONDS
        for unit_id in sorted(found, key=lambda u: found[u].km)[:ROUTED]:
            remaining = deadline - time.monotonic()
            if remaining <= 0.05:
                break
            routed = _route(base, (positions[unit_id].lat, positions[unit_id].lon), (lat, lon), min(1.0, remaining))
            if routed is None:
                break  # the service is down or slow: the straight line for the rest
            found[unit_id].km, found[unit_id].eta_minutes, found[unit_id].routed = *routed, True
    return found
