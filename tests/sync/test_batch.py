"""Batch sync at speed: a batch is one transaction, its records' commit-time work is done once.

What the records' commits leave to do (metrics roll-ups, live events, audit rows) happens at the
batch's commit; the database holds the same as if each record had been sent alone, and the number
of statements per record stays small and does not grow with the batch.
"""

import uuid

import pytest
from sqlalchemy import event, select

from fieldapp.audit import chain
from fieldapp.audit.models import AuditEvent
from fieldapp.calls.models import CallEvent
from fieldapp.live.models import LiveEvent
from fieldapp.metrics import tracking
from fieldapp.metrics.models import CallDay, CallDuration, ContactDay, DurationDay, EncounterDay
from tests.sync.records import encounter_record, status_record

ROLLUPS = (CallDay, DurationDay, CallDuration, EncounterDay, ContactDay)
# Today 3.6 (PostgreSQL), 3.7 (SQLite): ids looked up ahead, a call locked once per batch; before batching, 41.
STATEMENTS_PER_RECORD = 5


def outbox(api, dispatcher, shift, new_call, calls):
    """What a unit's phone queues on `calls` assigned calls: three status taps, an encounter, a note."""
    records = []
    for _ in range(calls):
        call_id = new_call()["id"]
        api.post(f"/api/v1/calls/{call_id}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
        encounter_id = str(uuid.uuid4())
        records += [status_record(call_id, status, ref=f"{call_id}-{status}")
                    for status in ("acknowledged", "en_route", "on_scene")]
        records.append(encounter_record(call_id, encounter_id, ref=f"{call_id}-encounter"))
        records.append({"ref": f"{call_id}-note", "path": f"/encounters/{encounter_id}/notes",
                        "fields": [["id", str(uuid.uuid4())], ["body", "Check in on Friday."]]})
    return records


@pytest.fixture
def statements(db):
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    yield seen
    event.remove(db.engine, "before_cursor_execute", count)


def rollup_rows(db):
    """Every roll-up row's content (not its surrogate id)."""
    return {model.__tablename__: sorted(tuple(str(getattr(row, column.key)) for column in model.__table__.columns
                                              if column.key != "id")
                                        for row in db.session.scalars(select(model)))
            for model in ROLLUPS}


def test_a_batch_of_fifty_records_costs_a_few_statements_each(api, db, dispatcher, shift, new_call, statements):
    records = outbox(api, dispatcher, shift, new_call, calls=10)
    api.token(shift.clinician)  # signed in before: only the batch is counted
    statements.clear()
    response = api.post("/api/v1/sync", {"records": records}, user=shift.clinician)
    assert [r["result"] for r in response.get_json()["results"]] == ["stored"] * 50
    assert len(statements) <= STATEMENTS_PER_RECORD * len(records), len(statements)


def test_a_batch_leaves_what_records_sent_alone_would(app, api, db, dispatcher, shift, new_call):
    records = outbox(api, dispatcher, shift, new_call, calls=4)
    audit_before = db.session.scalar(select(db.func.count()).select_from(AuditEvent))
    live_before = db.session.scalars(select(LiveEvent.id)).all()
    results = api.post("/api/v1/sync", {"records": records}, user=shift.clinician).get_json()["results"]
    assert [r["result"] for r in results] == ["stored"] * 20

    # audit: one row per record, chained (one append for the batch)
    assert db.session.scalar(select(db.func.count()).select_from(AuditEvent)) - audit_before >= 20
    assert chain.verify(db.session).ok
    # live: every status change's event, ids in the records' order
    events = db.session.scalars(select(LiveEvent).where(LiveEvent.id.not_in(live_before))
                                .order_by(LiveEvent.id)).all()
    assert [(e.call_id, e.payload["status"]) for e in events if e.kind == "call.status"] == [
        (int(r["ref"].split("-")[0]), r["ref"].split("-")[1]) for r in results if "encounter" not in r["ref"]
        and "note" not in r["ref"]]
    # metrics: the roll-ups kept by the batch's commit (and the months and weeks made by the job it
    # enqueued) are those a rebuild from the records makes
    assert app.extensions["fieldapp_jobs"].wait_idle(10)
    db.session.rollback()
    kept = rollup_rows(db)
    tracking.rebuild_all(db.session, "America/New_York")
    db.session.commit()
    assert kept == rollup_rows(db) and kept["metrics_encounter_days"]


def test_a_refused_record_costs_the_batch_a_second_pass_not_its_other_records(api, db, assigned_call, shift,
                                                                               statements):
    """The first pass has no savepoints; the refusal rolls it back and the batch runs again with them."""
    call_id = assigned_call["id"]
    api.token(shift.officer)
    batch = [status_record(call_id, "acknowledged", "1"), status_record(call_id, "on_scene", "2"),  # too early
             status_record(call_id, "en_route", "3")]
    statements.clear()
    results = api.post("/api/v1/sync", {"records": batch}, user=shift.officer).get_json()["results"]
    assert [(r["result"], r["status"]) for r in results] == [("stored", 201), ("refused", 409), ("stored", 201)]
    assert any(s.upper().startswith("SAVEPOINT") for s in statements)
    timeline = db.session.scalars(select(CallEvent.status).where(CallEvent.call_id == call_id,
                                                                 CallEvent.kind == "status")).all()
    assert sorted(timeline) == ["acknowledged", "en_route"]
    assert chain.verify(db.session).ok
