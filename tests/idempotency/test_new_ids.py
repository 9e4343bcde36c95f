"""``idempotency.new_ids()``: a writer whose ids are all new (the demo's history) skips each create's
look-up; an id used before is still answered by the unique key, as replay_of would answer it."""

import uuid

import pytest
from sqlalchemy import event, func, select

from fieldapp import idempotency
from fieldapp.accounts.models import User
from fieldapp.calls import status as status_changes
from fieldapp.calls.models import CallEvent
from fieldapp.errors import Conflict
from tests.fixtures.calls import call_body


def _assigned_call(api, dispatcher, shift):
    call = api.post("/api/v1/calls", call_body(), user=dispatcher).get_json()
    assigned = api.post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    assert assigned.status_code == 200
    return call["id"]


def _tap(call_id, officer, event_id, status="acknowledged"):
    return status_changes.change_status(call_id, event_id=event_id, status=status, recorded_at=None,
                                        disposition=None, by=officer)


def _timeline_reads(db):
    reads = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "WHERE call_events.id =" in statement:
            reads.append(statement)
    event.listen(db.engine, "before_cursor_execute", seen)
    return reads, lambda: event.remove(db.engine, "before_cursor_execute", seen)


def test_a_new_id_is_saved_without_looking_it_up(api, dispatcher, shift, db):
    call_id = _assigned_call(api, dispatcher, shift)
    reads, stop = _timeline_reads(db)
    try:
        with idempotency.new_ids():
            saved, created = _tap(call_id, shift.officer, uuid.uuid4())
    finally:
        stop()
    assert created and saved.status == "acknowledged"
    assert reads == []


def test_an_id_used_before_is_still_a_replay_or_a_conflict(api, dispatcher, shift, db):
    call_id = _assigned_call(api, dispatcher, shift)
    event_id = uuid.uuid4()
    officer_id = shift.officer.id
    _tap(call_id, shift.officer, event_id)
    db.session.expunge_all()  # as another request would, which has not loaded it
    officer = db.session.get(User, officer_id)
    # the unique key refuses the insert; commit_or_replay looks it up
    with idempotency.new_ids(), pytest.raises(Conflict) as refused:
        _tap(call_id, officer, event_id, status="en_route")
    assert refused.value.code == "id_conflict"
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(CallEvent).where(CallEvent.id == event_id)) == 1
    assert db.session.get(CallEvent, event_id).status == "acknowledged"
