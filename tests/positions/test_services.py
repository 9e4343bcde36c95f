"""The ranking, retention, the outbox's path and exports: positions as the rest of the app meets them."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.clock import utcnow
from fieldapp.positions import ranking, retention
from fieldapp.positions.models import LatestPosition, UnitPosition
from tests.fixtures.factories import ShiftFactory, UnitFactory


def place(db, unit_id, lat, lon, seconds_ago=10):
    when = utcnow() - timedelta(seconds=seconds_ago)
    db.session.add(UnitPosition(unit_id=unit_id, device_id="d", lat=lat, lon=lon, recorded_at=when, received_at=when))
    db.session.merge(LatestPosition(unit_id=unit_id, device_id="d", lat=lat, lon=lon, recorded_at=when,
                                    received_at=when))
    db.session.commit()


def test_haversine_and_eta(app, db):
    assert round(ranking.haversine_km(40.7128, -74.0060, 42.3601, -71.0589)) == 306  # New York - Boston
    place(db, UnitFactory().id, 40.0, -74.0)
    (distance,) = ranking.distances(40.1, -74.0, set(ranking.latest_by_unit())).values()
    assert round(distance.km, 1) == 11.1 and round(distance.eta_minutes) == 17  # at 40 km/h


def test_a_routing_service_that_does_not_answer_falls_back(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "ROUTING_URL", "http://127.0.0.1:9")  # nothing listens there
    place(db, UnitFactory().id, 40.0, -74.0)
    (distance,) = ranking.distances(40.1, -74.0, set(ranking.latest_by_unit())).values()
    assert not distance.routed and round(distance.eta_minutes) == 17


def test_the_assign_sheet_ranks_available_units_nearest_first(pages, dispatcher, new_call, db):
    near, far, stale, unknown = (ShiftFactory() for _ in range(4))
    place(db, far.unit_id, 40.9, -74.0)
    place(db, near.unit_id, 40.71, -74.0)
    place(db, stale.unit_id, 40.70, -74.0, seconds_ago=600)
    call = new_call()  # at 40.7, -74.0
    html = pages(dispatcher).get(f"/board/calls/{call['id']}/assign").get_data(as_text=True)
    order = re.findall(r'data-unit-distance="(\d+)"', html)
    assert order == [str(stale.unit_id), str(near.unit_id), str(far.unit_id), str(unknown.unit_id)]
    assert "(position 10 min old)" in html and "Position not known" in html and "nearest first" in html


def test_positions_past_the_retention_period_are_removed(app, db):
    unit = UnitFactory()
    place(db, unit.id, 40.0, -74.0, seconds_ago=31 * 86400)
    place(db, UnitFactory().id, 40.0, -74.0, seconds_ago=60)
    assert retention.prune() == 1
    assert db.session.scalar(select(func.count(UnitPosition.id))) == 1
    assert db.session.get(LatestPosition, unit.id) is None


def test_positions_recorded_offline_arrive_through_the_outbox_in_order(api, shift, db):
    """Three positions taken offline wait in the outbox and go in one sync batch, oldest first; the
    newest is the unit's latest, and a resend of the batch is a replay."""
    base = utcnow() - timedelta(minutes=3)
    records = [{"ref": str(i), "path": f"/units/{shift.unit_id}/positions", "fields": [
        ["device_id", "phone-1"], ["lat", str(40.7 + i / 100)], ["lon", "-74.0"], ["accuracy_m", "6"],
        ["recorded_at", (base + timedelta(seconds=30 * i)).isoformat()]]} for i in range(3)]
    response = api.post("/api/v1/sync", {"records": records}, user=shift.clinician)
    assert [r["result"] for r in response.get_json()["results"]] == ["stored"] * 3, response.get_json()
    assert db.session.get(LatestPosition, shift.unit_id).lat == pytest.approx(40.72)
    again = api.post("/api/v1/sync", {"records": records}, user=shift.clinician).get_json()
    assert [r["result"] for r in again["results"]] == ["replayed"] * 3
    bad = dict(records[0], fields=[["device_id", "phone-1"], ["lat", "95"], ["lon", "0"],
                                   ["recorded_at", utcnow().isoformat()]])
    refused = api.post("/api/v1/sync", {"records": [bad]}, user=shift.clinician).get_json()["results"][0]
    assert refused["result"] == "refused" and "lat" in refused["error"]["fields"]


def test_exports_never_carry_positions(app, api, shift, db):
    """No export query reads the positions' tables (they are not in any export's SQL)."""
    from pathlib import Path
    exports = Path(app.root_path) / "exports"
    for source in exports.glob("*.py"):
        text = source.read_text()
        assert "unit_positions" not in text and "LatestPosition" not in text and "UnitPosition" not in text
