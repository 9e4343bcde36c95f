"""Turning an address into coordinates with the agency's geocoder (``GEOCODER_URL``), cached.

Two families of geocoder answer the same question: Nominatim (``/search?q=...&format=jsonv2``: a JSON
list of places, ``lat``/``lon`` as strings) and Pelias (``/v1/search?text=...``: a GeoJSON
FeatureCollection, coordinates ``[lon, lat]``). ``GEOCODER_KIND`` says which; left empty, both
parameters are sent and the answer's shape tells. ``GEOCODER_URL`` is the search endpoint itself.

Answers (found or not) are kept in ``geocode_cache`` by normalized address for
``GEOCODER_CACHE_DAYS``; a failure (timeout, error status, an answer of neither shape) is not kept,
so the next call at that address asks again. Without ``GEOCODER_URL`` nothing is ever asked.
"""

from datetime import timedelta

import requests
from flask import current_app

from fieldapp.clock import utcnow
from fieldapp.extensions import db
from fieldapp.zones.models import GeocodeResult

NOMINATIM, PELIAS = "nominatim", "pelias"
KINDS = (NOMINATIM, PELIAS)


class GeocoderFailed(Exception):
    """The geocoder could not be asked or answered something unreadable."""


def configured() -> bool:
    return bool(current_app.config.get("GEOCODER_URL"))


def _params(address: str, kind: str | None) -> dict:
    nominatim = {"q": address, "format": "jsonv2", "limit": 1}
    pelias = {"text": address, "size": 1}
    return nominatim if kind == NOMINATIM else pelias if kind == PELIAS else {**nominatim, **pelias}


def _read(body, kind: str | None) -> tuple[str, tuple[float, float] | None]:
    """(kind, (lat, lon) or None) from a Nominatim list or a Pelias FeatureCollection."""
    try:
        if isinstance(body, list) and kind in (None, NOMINATIM):
            return NOMINATIM, ((float(body[0]["lat"]), float(body[0]["lon"])) if body else None)
        if isinstance(body, dict) and body.get("type") == "FeatureCollection" and kind in (None, PELIAS):
            features = body.get("features") or []
            if not features:
                return PELIAS, None
            lon, lat = features[0]["geometry"]["coordinates"][:2]
            return PELIAS, (float(lat), float(lon))
    except (KeyError, IndexError, TypeError, ValueError) as error:
        raise GeocoderFailed(f"unreadable answer: {error!r}") from None
    raise GeocoderFailed("the answer is neither a Nominatim list nor a Pelias FeatureCollection")


def ask(address: str) -> tuple[str, tuple[float, float] | None]:
    config = current_app.config
    kind = config.get("GEOCODER_KIND") or None
    try:
        response = requests.get(config["GEOCODER_URL"], params=_params(address, kind),
                                timeout=config["GEOCODER_TIMEOUT_SECONDS"], allow_redirects=False,
                                headers={"User-Agent": config["GEOCODER_USER_AGENT"], "Accept": "application/json"})
        response.raise_for_status()
        body = response.json()
    except (requests.RequestException, ValueError) as error:
        raise GeocoderFailed(str(error)) from None
    kind, found = _read(body, kind)
    if found is not None and not (-90 <= found[0] <= 90 and -180 <= found[1] <= 180):
        raise GeocoderFailed(f"coordinates out of range: {found}")
    return kind, found


def locate(key: str, address: str) -> tuple[float, float] | None:
    """The coordinates of ``address`` (normalized as ``key``), from the cache while it holds an
    unexpired answer, else from the geocoder (then kept). None: not found. Raises GeocoderFailed."""
    now = utcnow()
    cached = db.session.get(GeocodeResult, key)
    if cached is not None and cached.expires_at > now:
        return None if cached.lat is None else (cached.lat, cached.lon)
    kind, found = ask(address)
    row = cached or GeocodeResult(address_key=key)
    row.kind, row.fetched_at = kind, now
    row.lat, row.lon = found if found else (None, None)
    row.expires_at = now + timedelta(days=current_app.config["GEOCODER_CACHE_DAYS"])
    if cached is None:
        db.session.add(row)
    db.session.flush()
    return found

