"""A position write is cheap and idempotent: a few statements whatever the batch's size (200 units every
15 s is 13 writes a second on a 2-core host), and a device's position at one time is stored once: sent
again it is a replay, sent again saying another place it is refused (409) naming the field."""

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from fieldapp.clock import utcnow
from fieldapp.live.models import LiveEvent
from fieldapp.positions.models import LatestPosition, UnitPosition
from tests.positions.test_api import DEVICE, fix

# Per request, whatever the batch's size: the session with its user, whether the user has a second
# factor, the shift with its unit, the unit's active calls, the history insert, the latest's upsert,
# the live event (and on PostgreSQL its ordering lock). Before this was counted: 13 (14 on PostgreSQL).
STATEMENTS = 8


@pytest.fixture
def statements(db):
    """The statements of this thread (the test client's requests run in it; a background job's do not)."""
    seen, me = [], threading.get_ident()

    def count(conn, cursor, statement, parameters, context, executemany):
        if threading.get_ident() == me:
            seen.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", count)
    yield seen
    event.remove(db.engine, "before_cursor_execute", count)


@pytest.fixture
def send(api, shift, assigned_call):
    """Post a batch as the unit's phone does, counting only the request's own statements: the test's
    objects are read before (a read of an expired fixture object would be counted)."""
    api.post(f"/api/v1/calls/{assigned_call['id']}/status", {"id": str(uuid.uuid4()), "status": "en_route"},
             user=shift.officer)
    url, headers = f"/api/v1/units/{shift.unit_id}/positions", api.headers(shift.officer)

    def send(positions, device=DEVICE):
        return api.client.post(url, json={"device_id": device, "positions": positions}, headers=headers)
    return send


@pytest.mark.parametrize("size", [1, 10, 100])
def test_a_position_batch_costs_a_few_statements_whatever_its_size(send, statements, size):
    send([fix(seconds_ago=900)])  # the unit has a latest position already: the upsert updates it
    statements.clear()
    response = send([fix(lat=40.7 + i / 1000, seconds_ago=size - i) for i in range(size)])
    assert response.status_code == 200 and response.get_json()["stored"] == size, response.get_json()
    assert len(statements) <= STATEMENTS, "\n".join(statements)
    assert sum(s.upper().startswith("INSERT INTO UNIT_POSITIONS") for s in statements) == 1


def test_a_late_position_or_a_replay_costs_one_read_more(send, statements, db):
    batch = [fix(seconds_ago=5)]
    send(batch)
    statements.clear()
    late = send([fix(lat=39.0, seconds_ago=600)]).get_json()  # the latest stays: it is read back for the answer
    assert late["stored"] == 1 and late["latest"]["lat"] == 40.71
    assert len(statements) <= STATEMENTS, "\n".join(statements)
    statements.clear()
    again = send(batch).get_json()  # the stored positions it repeats are read to compare
    assert (again["stored"], again["replayed"]) == (0, 1)
    assert len(statements) <= STATEMENTS + 1, "\n".join(statements)


def test_a_replay_answers_as_the_original_did(send, db):
    batch = [fix(seconds_ago=20), fix(lat=40.75, seconds_ago=10)]
    first = send(batch)
    again = send(batch)
    assert first.status_code == again.status_code == 200
    assert first.get_json()["latest"] == again.get_json()["latest"]
    assert (again.get_json()["stored"], again.get_json()["replayed"]) == (0, 2)
    assert db.session.scalar(select(func.count(UnitPosition.id))) == 2


def test_the_same_device_and_time_saying_another_place_is_refused(send, db):
    first = fix(seconds_ago=20)
    send([first, fix(lat=40.75, seconds_ago=10)])
    moved = {**first, "lat": 41.5}
    refused = send([fix(lat=40.8, seconds_ago=2), moved])
    assert refused.status_code == 409, refused.get_json()
    error = refused.get_json()["error"]
    assert error["code"] == "id_conflict" and list(error["fields"]) == ["positions.1.recorded_at"]
    # nothing of the refused batch is kept: not its new position, nor a move of the latest
    assert db.session.scalar(select(func.count(UnitPosition.id))) == 2
    assert db.session.scalar(select(LatestPosition.lat)) == 40.75
    assert db.session.scalar(select(func.count(LiveEvent.id)).where(LiveEvent.kind == "unit.position")) == 1
    # another accuracy is another body too; another device at the same time is another position
    assert send([{**first, "accuracy_m": 50.0}]).status_code == 409
    assert send([moved], device="another-phone").status_code == 200


def test_a_batch_saying_two_places_at_one_time_is_refused(send, db):
    when = (utcnow() - timedelta(seconds=30)).isoformat()
    same = {"lat": 40.7, "lon": -74.0, "accuracy_m": 8.0, "recorded_at": when}
    assert send([same, dict(same)]).get_json()["stored"] == 1  # the same position twice: stored once
    refused = send([same, {**same, "lon": -74.1}])
    assert refused.status_code == 409 and "positions.1.recorded_at" in refused.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count(UnitPosition.id))) == 1
