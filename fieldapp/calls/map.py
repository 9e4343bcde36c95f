"""The dispatch map (issue 20): active calls by priority and status, units by status with the age of
their last position, on the board and full screen at /map. The page draws what ``/map/data`` answers
and then follows the live stream (static/js/map.js): a unit's position moves its marker in place, a
call's change fetches the data again.

Tiles come from MAP_TILE_URL when it is set; without it the map draws the agency's zones
(``GET /api/v1/zones``) on a plain background, so it works offline, in the demo and in tests.
"""

from urllib.parse import urlsplit

from flask import current_app, jsonify, render_template
from flask_login import current_user

from fieldapp.calls import constants as c
from fieldapp.calls import services
from fieldapp.positions import services as positions
from fieldapp.roles import ADMIN, DISPATCHER
from fieldapp.units import services as units
from fieldapp.web.access import allow, background


def tile_origin() -> str | None:
    url = current_app.config["MAP_TILE_URL"]
    if not url:
        return None
    parts = urlsplit(url.replace("{s}", "a"))
    return f"{parts.scheme}://{parts.netloc}".replace("://a.", "://*.") if parts.netloc else None


def settings() -> dict:
    config = current_app.config
    return {"tile_url": config["MAP_TILE_URL"] or "", "attribution": config["MAP_ATTRIBUTION"],
            "stale_seconds": int(positions.STALE_AFTER.total_seconds())}


def data(user) -> dict:
    """What the map draws: the open calls (the board's read, audited as the board's poll) and every
    active unit with its status and latest position."""
    calls = services.board(user, poll=True)
    latest = positions.latest_by_unit()
    views = units.unit_views()
    return {
        "calls": [{"id": call.id, "priority": call.priority, "status": call.status,
                   "status_label": c.STATUS_LABELS[call.status],
                   "call_type": c.CALL_TYPES.get(call.call_type, call.call_type), "address": call.address,
                   "lat": call.lat, "lon": call.lon, "unit": call.unit.call_sign if call.unit else None}
                  for call in sorted(calls, key=lambda call: (call.priority, call.received_at, call.id))],
        "units": [{"id": v.unit.id, "call_sign": v.unit.call_sign, "status": v.status,
                   "status_label": v.status_label, "call_ids": sorted(call.id for call in v.calls),
                   **({"lat": p.lat, "lon": p.lon, "accuracy_m": p.accuracy_m,
                       "recorded_at": p.recorded_at.isoformat()} if (p := latest.get(v.unit.id)) else {})}
                  for v in views],
    }


@allow(DISPATCHER, ADMIN)
def map_page():
    response = current_app.make_response(render_template("calls/map.html", map_settings=settings()))
    response.csp_img_src = tile_origin()  # the tile server's images (fieldapp.security.headers)
    return response


@allow(DISPATCHER, ADMIN)
@background
def map_data():
    return jsonify(data(current_user))


def register(bp):
    bp.add_url_rule("/map", view_func=map_page)
    bp.add_url_rule("/map/data", view_func=map_data)
