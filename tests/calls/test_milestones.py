"""The call's milestone times (first assigned, first on scene, cleared) that the metrics read.

calls.services writes them with each timeline entry; the migration that added them computes them
from the timelines that already existed. Both must give what docs/metrics.md defines: the earliest
'assigned' entry, the earliest status 'on_scene' and the latest status 'cleared', by ``recorded_at``.
"""

import importlib.util
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text, update

from fieldapp import create_app
from fieldapp.calls.models import Call, CallEvent
from fieldapp.extensions import db as _db

MIGRATION = Path(__file__).resolve().parents[2] / "migrations" / "versions" / \
    "038d05668ff9_call_milestone_times_for_the_metrics.py"
MILESTONES = ("first_assigned_at", "first_on_scene_at", "cleared_at")


def tap(api, call_id, user, status, *, recorded_at=None, disposition=None):
    body = {"id": str(uuid.uuid4()), "status": status}
    if recorded_at:
        body["recorded_at"] = recorded_at.isoformat()
    if disposition:
        body["disposition"] = disposition
    response = api.post(f"/api/v1/calls/{call_id}/status", body, user=user)
    assert response.status_code == 201, response.get_json()
    return response


def milestones(db, call_id) -> dict:
    db.session.expire_all()
    call = db.session.get(Call, call_id)
    return {name: getattr(call, name) for name in MILESTONES}


def timeline_entry(db, call_id, kind, status=None):
    query = select(CallEvent).where(CallEvent.call_id == call_id, CallEvent.kind == kind)
    if status:
        query = query.where(CallEvent.status == status)
    return db.session.scalars(query).one()


def load_migration():
    spec = importlib.util.spec_from_file_location("milestones_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- written by the services ---------------------------------------------------------------

def test_a_new_call_has_no_milestones(db, new_call):
    assert milestones(db, new_call()["id"]) == dict.fromkeys(MILESTONES)


def test_assigning_stamps_the_first_dispatch_and_a_reassign_keeps_it(api, db, dispatcher, assigned_call,
                                                                     other_shift):
    call_id = assigned_call["id"]
    assigned = timeline_entry(db, call_id, "assigned")
    assert milestones(db, call_id) == {"first_assigned_at": assigned.recorded_at, "first_on_scene_at": None,
                                       "cleared_at": None}
    response = api.post(f"/api/v1/calls/{call_id}/assign", {"unit_id": other_shift.unit_id}, user=dispatcher)
    assert response.status_code == 200
    assert milestones(db, call_id)["first_assigned_at"] == assigned.recorded_at  # the reassign is not a dispatch


def test_on_scene_and_cleared_take_the_device_time(api, db, assigned_call, shift):
    call_id = assigned_call["id"]
    device = datetime.now(UTC) - timedelta(hours=2)  # the phone was offline; the taps arrive now
    tap(api, call_id, shift.officer, "en_route", recorded_at=device)
    assert milestones(db, call_id)["first_on_scene_at"] is None
    tap(api, call_id, shift.officer, "on_scene", recorded_at=device + timedelta(minutes=12))
    tap(api, call_id, shift.clinician, "transporting", recorded_at=device + timedelta(minutes=40))
    tap(api, call_id, shift.officer, "cleared", recorded_at=device + timedelta(minutes=75),
        disposition="encounter_logged")
    times = milestones(db, call_id)
    assert times["first_on_scene_at"] == device + timedelta(minutes=12)
    assert times["cleared_at"] == device + timedelta(minutes=75)
    call = db.session.get(Call, call_id)
    assert call.closed_at > times["cleared_at"] + timedelta(minutes=30)  # closed_at stays the server's time
    assert times["cleared_at"] == timeline_entry(db, call_id, "status", "cleared").recorded_at


def test_a_tap_without_a_device_time_uses_the_server_time(api, db, assigned_call, shift):
    call_id = assigned_call["id"]
    tap(api, call_id, shift.officer, "en_route")
    tap(api, call_id, shift.officer, "on_scene")
    entry = timeline_entry(db, call_id, "status", "on_scene")
    assert milestones(db, call_id)["first_on_scene_at"] == entry.recorded_at
    assert abs(entry.received_at - entry.recorded_at) < timedelta(seconds=1)


def test_cancelling_stamps_no_milestone(api, db, dispatcher, new_call, assigned_call):
    pending = new_call()["id"]
    for call_id in (pending, assigned_call["id"]):
        response = api.post(f"/api/v1/calls/{call_id}/cancel", {"reason": "Caller called back"}, user=dispatcher)
        assert response.status_code == 200
    assert milestones(db, pending) == dict.fromkeys(MILESTONES)
    after_dispatch = milestones(db, assigned_call["id"])
    assert after_dispatch["first_assigned_at"] is not None
    assert (after_dispatch["first_on_scene_at"], after_dispatch["cleared_at"]) == (None, None)


def test_a_refused_or_replayed_tap_changes_no_milestone(api, db, assigned_call, shift):
    call_id = assigned_call["id"]
    early = datetime.now(UTC) - timedelta(minutes=30)
    refused = api.post(f"/api/v1/calls/{call_id}/status", {"id": str(uuid.uuid4()), "status": "on_scene",
                                                           "recorded_at": early.isoformat()}, user=shift.officer)
    assert refused.status_code == 409  # assigned cannot become on scene
    assert milestones(db, call_id)["first_on_scene_at"] is None
    tap(api, call_id, shift.officer, "en_route")
    body = {"id": str(uuid.uuid4()), "status": "on_scene", "recorded_at": early.isoformat()}
    assert api.post(f"/api/v1/calls/{call_id}/status", body, user=shift.officer).status_code == 201
    assert api.post(f"/api/v1/calls/{call_id}/status", body, user=shift.officer).status_code == 200
    assert milestones(db, call_id)["first_on_scene_at"] == early


# --- computed by the migration from existing timelines -------------------------------------

def at(minutes) -> datetime:
    return datetime(2026, 3, 2, 14, 0, tzinfo=UTC) + timedelta(minutes=minutes)


def old_call(db, entries):
    """A call with its timeline inserted directly and no milestone times, as before the migration."""
    call = Call(received_at=at(0), call_type="EDP", priority=2, address="12 Elm St", status="pending")
    db.session.add(call)
    for kind, status, minutes in [("created", "pending", 0), *entries]:
        db.session.add(CallEvent(call=call, kind=kind, status=status, recorded_at=at(minutes),
                                 received_at=at(abs(minutes) + 60)))
    db.session.flush()
    return call.id


def test_the_backfill_computes_the_milestones_from_the_timeline(db):
    full = old_call(db, [("assigned", "assigned", 3), ("reassigned", "assigned", 5), ("status", "en_route", 6),
                         ("status", "on_scene", 20), ("status", "transporting", 30), ("status", "cleared", 50)])
    # Device clocks: an on-scene tap that arrived later but says it happened earlier counts as the first;
    # a reassign before the first 'assigned' entry is not a dispatch.
    odd = old_call(db, [("reassigned", "assigned", 1), ("assigned", "assigned", 4), ("status", "on_scene", 25),
                        ("status", "on_scene", 18), ("status", "cleared", -2)])
    cancelled = old_call(db, [("assigned", "assigned", 2), ("cancelled", "cancelled", 9)])
    pending = old_call(db, [])
    db.session.commit()
    assert milestones(db, full) == dict.fromkeys(MILESTONES)

    load_migration().backfill_milestones(db.session.connection())
    db.session.commit()
    assert milestones(db, full) == {"first_assigned_at": at(3), "first_on_scene_at": at(20), "cleared_at": at(50)}
    assert milestones(db, odd) == {"first_assigned_at": at(4), "first_on_scene_at": at(18), "cleared_at": at(-2)}
    assert milestones(db, cancelled) == {"first_assigned_at": at(2), "first_on_scene_at": None, "cleared_at": None}
    assert milestones(db, pending) == dict.fromkeys(MILESTONES)


def test_the_backfill_gives_what_the_services_wrote(api, db, dispatcher, assigned_call, other_shift, new_call):
    call_id = assigned_call["id"]
    assert api.post(f"/api/v1/calls/{call_id}/assign", {"unit_id": other_shift.unit_id},
                    user=dispatcher).status_code == 200
    device = datetime.now(UTC) - timedelta(minutes=50)
    tap(api, call_id, other_shift.officer, "en_route", recorded_at=device)
    tap(api, call_id, other_shift.officer, "on_scene", recorded_at=device + timedelta(minutes=9))
    tap(api, call_id, other_shift.officer, "cleared", disposition="refused")
    calls = [call_id, new_call()["id"]]
    written = {number: milestones(db, number) for number in calls}
    db.session.execute(update(Call).values(dict.fromkeys(MILESTONES)))
    db.session.commit()
    load_migration().backfill_milestones(db.session.connection())
    db.session.commit()
    assert {number: milestones(db, number) for number in calls} == written


def test_upgrading_an_existing_database_backfills_the_milestones(tmp_path):
    """From the revision before, on a database that already holds a call with its timeline (SQLite)."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "test-" + uuid.uuid4().hex, "SQLALCHEMY_DATABASE_URI": url,
                      "REDIS_URL": None})
    with app.app_context():
        upgrade(revision=load_migration().down_revision)
        with _db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO calls (id, received_at, created_at, call_type, priority, address, address_key, "
                "narrative, cautions, status) VALUES (1, '2026-03-02 14:00:00.000000', '2026-03-02 14:00:00.000000', "
                "'EDP', 2, '12 Elm St', '12 elm st', '', '[]', 'cleared')"))
            for kind, status, moment in [("created", "pending", "14:00"), ("assigned", "assigned", "14:03"),
                                         ("status", "on_scene", "14:15"), ("status", "cleared", "14:45")]:
                connection.execute(text(
                    "INSERT INTO call_events (id, call_id, kind, status, recorded_at, received_at) "
                    "VALUES (:id, 1, :kind, :status, :moment, :moment)"),
                    {"id": uuid.uuid4().hex, "kind": kind, "status": status,
                     "moment": f"2026-03-02 {moment}:00.000000"})
        upgrade()
        call = _db.session.get(Call, 1)
        assert (call.first_assigned_at, call.first_on_scene_at, call.cleared_at) == (
            datetime(2026, 3, 2, 14, 3, tzinfo=UTC), datetime(2026, 3, 2, 14, 15, tzinfo=UTC),
            datetime(2026, 3, 2, 14, 45, tzinfo=UTC))
        _db.session.remove()
        _db.engine.dispose()
    engine = create_engine(url)
    with engine.connect() as connection:
        indexes = [row[1] for row in connection.execute(text("PRAGMA index_list('calls')"))]
    engine.dispose()
    assert "ix_calls_received_at" in indexes



# --- first en route (migration perf2_1): committed time and en route to clear read it ---------

def _load(name):
    path = MIGRATION.parent / name
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_first_en_route_is_kept_on_the_call_and_backfilled_alike(api, db, assigned_call, new_call):
    from fieldapp.calls.services import record_event  # the one writer of timeline entries

    call_id = assigned_call["id"]
    call = db.session.get(Call, call_id)
    assert call.first_en_route_at is None
    device = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    record_event(call, "status", by=None, status="en_route", recorded_at=device + timedelta(minutes=5))
    record_event(call, "status", by=None, status="en_route", recorded_at=device)  # an earlier tap, synced late
    db.session.commit()
    untouched = new_call()["id"]
    db.session.expire_all()
    assert db.session.get(Call, call_id).first_en_route_at == device
    assert db.session.get(Call, untouched).first_en_route_at is None

    db.session.execute(update(Call).values(first_en_route_at=None))
    db.session.commit()
    _load("perf2_1_program_figures_rolled_up.py").backfill_en_route(db.session.connection())
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Call, call_id).first_en_route_at == device
    assert db.session.get(Call, untouched).first_en_route_at is None
