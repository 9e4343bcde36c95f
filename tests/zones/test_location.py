"""Where a call is: its zone from its coordinates, a dispatcher's pin (who may drop one, and that it wins),
and the geocoder (Nominatim and Pelias, cached, the CAD's coordinates winning, a failure leaving no location)."""

import json

import pytest
from sqlalchemy import select

from fieldapp.audit.models import AuditEvent
from fieldapp.calls import changes
from fieldapp.calls.models import Call
from fieldapp.zones import services as zones
from fieldapp.zones.models import GeocodeResult
from tests.fixtures.calls import call_body
from tests.fixtures.geocoders import Geocoder
from tests.fixtures.zones import IN_RURAL, IN_URBAN, OUTSIDE, URBAN, collection, set_up_zones


def create(api, user, lat=None, lon=None, address="12 Elm St", **extra):
    body = call_body(location={"address": address, "lat": lat, "lon": lon}, **extra)
    response = api.post("/api/v1/calls", body, user=user)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def pin(api, call_id, user, body):
    return api.client.put(f"/api/v1/calls/{call_id}/location", json=body, headers=api.headers(user))


def test_a_calls_zone_comes_from_its_coordinates(api, admin, dispatcher, db):
    ids = set_up_zones(admin)
    assert zones.zone_at(*IN_URBAN).name == "Urban" and zones.zone_at(*IN_RURAL).name == "Rural"
    assert zones.zone_at(*OUTSIDE) is None
    assert zones.zone_at(40.70, -74.00).name in ("Urban", "Rural")  # on the shared border: one of them
    urban = create(api, dispatcher, *IN_URBAN)
    assert urban["zone"] == {"id": ids["Urban"], "name": "Urban"} and urban["location_source"] == "cad"
    outside = create(api, dispatcher, *OUTSIDE)
    assert outside["zone"] is None and outside["location_source"] == "cad"
    nowhere = create(api, dispatcher)
    assert nowhere["zone"] is None and nowhere["location_source"] is None


def test_new_zones_place_every_call_again(api, admin, dispatcher, db):
    call = create(api, dispatcher, *IN_RURAL)
    assert call["zone"] is None  # no zones yet
    set_up_zones(admin)
    assert db.session.get(Call, call["id"]).zone.name == "Rural"
    zones.upload(json.dumps(collection(URBAN)), by=admin)  # Rural removed
    assert db.session.get(Call, call["id"]).zone_id is None


def test_a_dispatcher_or_admin_drops_a_pin_which_wins_and_is_audited(api, admin, dispatcher, make_user, db, shift):
    set_up_zones(admin)
    call = create(api, dispatcher, *IN_URBAN, external_id="CAD-77")
    response = pin(api, call["id"], dispatcher, {"lat": IN_RURAL[0], "lon": IN_RURAL[1]})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["location"]["lat"], body["location_source"], body["zone"]["name"]) == (IN_RURAL[0], "pin", "Rural")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "call.location",
                                                      AuditEvent.object_id == str(call["id"]))) is not None
    # a later CAD update with its own coordinates does not move the pin
    changes.amend(call["id"], {"lat": IN_URBAN[0], "lon": IN_URBAN[1], "priority": 1}, by=dispatcher, source="CAD")
    stored = db.session.get(Call, call["id"])
    assert (stored.lat, stored.location_source, stored.zone.name, stored.priority) == (IN_RURAL[0], "pin", "Rural", 1)
    assert pin(api, call["id"], admin, {"lat": IN_URBAN[0], "lon": IN_URBAN[1]}).status_code == 200
    for role in ("officer", "clinician", "program_manager"):
        assert pin(api, call["id"], make_user(role), {"lat": 1, "lon": 1}).status_code == 403
    assert pin(api, 999999, dispatcher, {"lat": 1, "lon": 1}).status_code == 404


@pytest.mark.parametrize("body, field", [({"lat": 91, "lon": 0}, "lat"), ({"lat": 0, "lon": -181}, "lon"),
                                         ({"lat": "north", "lon": 0}, "lat"), ({"lon": 0}, "lat"),
                                         ({"lat": 0, "lon": 0, "zone": 1}, "zone")])
def test_a_wrong_pin_is_refused_naming_the_field_and_nothing_changes(api, dispatcher, db, body, field):
    call = create(api, dispatcher, *IN_URBAN)
    response = pin(api, call["id"], dispatcher, body)
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]
    stored = db.session.get(Call, call["id"])
    assert (stored.lat, stored.lon, stored.location_source) == (IN_URBAN[0], IN_URBAN[1], "cad")


@pytest.fixture
def geocoder(app, monkeypatch):
    made = []

    def start(kind, places, *, status=200, tell_kind=True):
        made.append(Geocoder(kind, places, status=status))
        monkeypatch.setitem(app.config, "GEOCODER_URL", made[-1].url)
        monkeypatch.setitem(app.config, "GEOCODER_KIND", kind if tell_kind else None)
        return made[-1]
    yield start
    for one in made:
        one.close()


@pytest.mark.parametrize("kind, tell_kind", [("nominatim", True), ("pelias", True), ("pelias", False),
                                             ("nominatim", False)])
def test_the_geocoder_places_a_call_without_coordinates_and_its_answer_is_cached(
        api, admin, dispatcher, db, geocoder, wait, kind, tell_kind):
    set_up_zones(admin)
    server = geocoder(kind, {"12 Elm St": IN_RURAL}, tell_kind=tell_kind)
    first = create(api, dispatcher)
    wait()
    stored = db.session.get(Call, first["id"])
    assert (stored.lat, stored.lon, stored.location_source, stored.zone.name) == (*IN_RURAL, "geocoder", "Rural")
    assert server.asked == [("/search" if kind == "nominatim" else "/v1/search", "12 Elm St")]
    cached = db.session.get(GeocodeResult, "12 elm st")
    assert cached.kind == kind and cached.expires_at > cached.fetched_at
    second = create(api, dispatcher, address="12 Elm Street")  # the same address, normalized: from the cache
    wait()
    assert db.session.get(Call, second["id"]).location_source == "geocoder" and len(server.asked) == 1


def test_the_cads_coordinates_win_over_the_geocoder(api, dispatcher, db, geocoder, wait):
    server = geocoder("nominatim", {"12 Elm St": IN_RURAL})
    call = create(api, dispatcher, *IN_URBAN)
    wait()
    stored = db.session.get(Call, call["id"])
    assert (stored.lat, stored.location_source) == (IN_URBAN[0], "cad") and server.asked == []


@pytest.mark.parametrize("status, places", [(500, {"12 Elm St": IN_RURAL}), (200, {})])
def test_a_failing_or_empty_geocoder_leaves_the_call_without_a_location(
        api, dispatcher, db, geocoder, wait, status, places):
    server = geocoder("pelias", places, status=status)
    call = create(api, dispatcher)
    wait()
    stored = db.session.get(Call, call["id"])
    assert (stored.lat, stored.lon, stored.location_source, stored.zone_id) == (None, None, None, None)
    assert len(server.asked) == 1
    # a failure is not cached (asked again next time); "nothing found" is
    assert (db.session.get(GeocodeResult, "12 elm st") is None) == (status == 500)


def test_without_a_geocoder_nothing_is_asked(api, dispatcher, db, app):
    assert app.config["GEOCODER_URL"] is None
    call = create(api, dispatcher)
    app.extensions["fieldapp_jobs"].wait_idle(10)
    assert db.session.get(Call, call["id"]).lat is None
    assert db.session.scalars(select(GeocodeResult)).all() == []
