"""A batch's records' ids are looked up ahead (fieldapp.idempotency.looked_up_ahead): one statement per kind
of record, not one per record, and a replay is still a replay, whether it was stored before or earlier in
the same batch, and a reused id with another body is still a conflict."""

import uuid

from sqlalchemy import func, select

from fieldapp.calls.models import CallEvent
from fieldapp.encounters.models import Encounter
from tests.sync.records import encounter_record, status_record
from tests.sync.test_batch import outbox, statements  # noqa: F401 - the fixture


def test_a_batch_reads_its_ids_once_per_kind_of_record(api, dispatcher, shift, new_call, statements):  # noqa: F811
    records = outbox(api, dispatcher, shift, new_call, calls=10)  # 30 taps, 10 encounters, 10 notes
    api.token(shift.clinician)
    statements.clear()
    response = api.post("/api/v1/sync", {"records": records}, user=shift.clinician)
    assert [r["result"] for r in response.get_json()["results"]] == ["stored"] * 50
    reads = [" ".join(s.split()) for s in statements if s.lstrip().upper().startswith("SELECT")]
    for table in ("call_events", "encounters", "notes"):  # one look-up of the batch's ids in each
        looked_up = f"SELECT {table}.id FROM {table} WHERE {table}.id IN"  # noqa: S608 - text compared, not run
        assert sum(s.startswith(looked_up) for s in reads) == 1, reads


def test_replays_before_and_within_the_batch_and_a_conflict(api, db, assigned_call, shift):
    call_id = assigned_call["id"]
    sent = status_record(call_id, "acknowledged", ref="sent-before")
    first = api.post("/api/v1/sync", {"records": [sent]}, user=shift.officer)
    assert first.get_json()["results"][0]["result"] == "stored"
    encounter_id = str(uuid.uuid4())
    twice = encounter_record(call_id, encounter_id, ref="once")
    reused = status_record(call_id, "on_scene", ref="reused", event_id=dict(sent["fields"])["id"])
    batch = [dict(sent, ref="again"), status_record(call_id, "en_route", ref="new"), twice, dict(twice, ref="twice"),
             reused]
    results = api.post("/api/v1/sync", {"records": batch}, user=shift.clinician).get_json()["results"]
    assert [(r["ref"], r["result"], r["status"]) for r in results] == [
        ("again", "replayed", 200), ("new", "stored", 201), ("once", "stored", 201), ("twice", "replayed", 200),
        ("reused", "refused", 409)]
    assert results[4]["error"]["code"] == "id_conflict" and "id" in results[4]["error"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(Encounter)) == 1
    statuses = db.session.scalars(select(CallEvent.status).where(CallEvent.call_id == call_id,
                                                                 CallEvent.kind == "status")).all()
    assert sorted(statuses).count("acknowledged") == 1 and statuses.count("en_route") == 1
    assert "on_scene" not in statuses

