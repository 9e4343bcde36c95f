"""Uploading the agency's zones: each refusal names what is wrong and changes nothing; a good file
replaces the zones, keeping the targets of a zone uploaded again under its name."""

import json

import pytest
from sqlalchemy import func, select

from fieldapp.audit.models import AuditEvent
from fieldapp.zones.models import ResponseTarget, Zone
from tests.fixtures.zones import RURAL, URBAN, collection, set_up_zones, square


def put(api, path, body, user, *, raw=False):
    data = body if raw else json.dumps(body)
    return api.client.put(path, data=data, headers={**api.headers(user), "Content-Type": "application/json"})


def counts(db):
    return (db.session.scalar(select(func.count()).select_from(Zone)),
            db.session.scalar(select(func.count()).select_from(ResponseTarget)))


def feature(name="Bad", geometry=None, **properties):
    return {"type": "Feature", "properties": {"name": name, **properties} if name is not None else properties,
            "geometry": geometry or square(-74.1, 40.6, -74.0, 40.7)}


def ring(*positions):
    return {"type": "Polygon", "coordinates": [list(map(list, positions))]}


REFUSALS = {
    "not JSON": (b"{not json", "is not JSON"),
    "not a FeatureCollection": ({"type": "Feature", "geometry": None}, "must be a GeoJSON FeatureCollection"),
    "no features": ({"type": "FeatureCollection", "features": []}, "has no features"),
    "no name": (collection(URBAN) | {"features": [feature(None)]}, "Feature 1 has no name (properties.name)"),
    "ring not closed": ({"type": "FeatureCollection", "features": [feature(geometry=ring(
        (-74.1, 40.6), (-74.0, 40.6), (-74.0, 40.7), (-74.1, 40.7)))]}, "ring 1 is not closed"),
    "fewer than 4 positions": ({"type": "FeatureCollection", "features": [feature(geometry=ring(
        (-74.1, 40.6), (-74.0, 40.6), (-74.1, 40.6)))]}, "has 3 positions; a ring needs at least 4"),
    "latitude out of range": ({"type": "FeatureCollection", "features": [feature(geometry=ring(
        (-74.1, 40.6), (-74.0, 95.0), (-74.0, 40.7), (-74.1, 40.6)))]}, "(-74.0, 95.0) is out of range"),
    "self-intersecting": ({"type": "FeatureCollection", "features": [feature(geometry=ring(
        (0, 0), (1, 1), (1, 0), (0, 1), (0, 0)))]}, "is not a valid polygon: Self-intersection"),
    "a point, not a polygon": ({"type": "FeatureCollection", "features": [feature(
        geometry={"type": "Point", "coordinates": [0, 0]})]}, "is a Point geometry; zones are Polygon or MultiPolygon"),
    "the same name twice": (collection(URBAN, URBAN), "name \"Urban\" is used by another feature"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_a_wrong_zones_file_is_refused_naming_the_problem_and_nothing_changes(api, admin, db, case):
    set_up_zones(admin)
    before = counts(db)
    body, expected = REFUSALS[case]
    response = put(api, "/api/v1/zones", body, admin, raw=isinstance(body, bytes))
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert expected in error["message"], error
    assert counts(db) == before
    assert [z.name for z in db.session.scalars(select(Zone).order_by(Zone.name))] == ["Rural", "Urban"]


def test_a_file_too_large_is_refused(api, admin, app, db, monkeypatch):
    monkeypatch.setitem(app.config, "ZONES_MAX_BYTES", 1024)
    big = collection(URBAN | {"properties": {"name": "Urban", "note": "x" * 2000}})
    response = put(api, "/api/v1/zones", big, admin)
    assert response.status_code == 422 and "too large" in response.get_json()["error"]["message"]
    assert counts(db) == (0, 0)


def test_upload_replaces_zones_keeping_targets_of_a_zone_uploaded_again(api, admin, db):
    ids = set_up_zones(admin)
    moved = URBAN | {"geometry": square(-74.2, 40.6, -74.0, 40.8)}
    north = {"type": "Feature", "properties": {"name": "North"},
             "geometry": {"type": "MultiPolygon", "coordinates": [square(-74.1, 40.8, -73.8, 41.0)["coordinates"]]}}
    response = put(api, "/api/v1/zones", collection(moved, north), admin)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"added": ["North"], "kept": ["Urban"], "removed": ["Rural"]}
    zones = {z.name: z for z in db.session.scalars(select(Zone))}
    assert set(zones) == {"Urban", "North"} and zones["Urban"].id == ids["Urban"]
    assert zones["Urban"].min_lon == -74.2
    assert [(t.priority, t.minutes) for t in zones["Urban"].targets] == [(1, 15)]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "zone.upload")) is not None


def test_zones_are_geojson_for_dispatch_and_only_admins_upload(api, admin, dispatcher, make_user, db):
    set_up_zones(admin)
    body = api.get("/api/v1/zones", user=dispatcher).get_json()
    assert body["type"] == "FeatureCollection"
    assert {(f["properties"]["name"], f["geometry"]["type"]) for f in body["features"]} == \
        {("Urban", "Polygon"), ("Rural", "Polygon")}
    assert all(isinstance(f["properties"]["id"], int) for f in body["features"])
    assert api.get("/api/v1/zones", user=make_user("program_manager")).status_code == 200
    assert api.get("/api/v1/zones", user=make_user("officer")).status_code == 403
    assert put(api, "/api/v1/zones", collection(RURAL), dispatcher).status_code == 403
    assert counts(db)[0] == 2


def test_targets_are_set_by_admins_and_refused_out_of_range(api, admin, dispatcher, db):
    ids = set_up_zones(admin)
    response = put(api, "/api/v1/zones/targets", {"targets": [
        {"zone_id": ids["Rural"], "priority": 2, "minutes": 90},
        {"zone_id": ids["Urban"], "priority": 1, "minutes": None}]}, admin)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["default_minutes"] == 30
    assert [(t["zone"], t["priority"], t["minutes"]) for t in body["targets"]] == [("Rural", 1, 60), ("Rural", 2, 90)]
    refused = put(api, "/api/v1/zones/targets", {"targets": [
        {"zone_id": ids["Rural"], "priority": 5, "minutes": 0}]}, admin)
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]["targets"]["0"]) == {"priority", "minutes"}
    unknown = put(api, "/api/v1/zones/targets", {"targets": [{"zone_id": 999999, "priority": 1, "minutes": 5}]}, admin)
    assert unknown.status_code == 404
    assert put(api, "/api/v1/zones/targets", {"targets": []}, dispatcher).status_code == 403
    assert counts(db)[1] == 2
