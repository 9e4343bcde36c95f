"""Faults between the app and PostgreSQL (tests.faults.proxy in between): 500 ms of latency, a
connection cut in the middle of a transaction, a partition. Nothing acknowledged is lost or
duplicated, no request waits past its timeout, and while the database is away the answer is 503
with Retry-After."""

import time
import uuid

import pytest

from fieldapp.calls.models import CallEvent
from tests.faults.conftest import CONNECT_TIMEOUT, FULL, PARTITION_SECONDS
from tests.faults.figures import note
from tests.fixtures.waiting import wait_until

pytestmark = pytest.mark.faults


def tap(api, call_id, user, event_id, status="acknowledged"):
    started = time.monotonic()
    response = api.post(f"/api/v1/calls/{call_id}/status", {"id": event_id, "status": status}, user=user)
    return response, time.monotonic() - started


def stored(db, event_id) -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count()).select_from(CallEvent)
                             .where(CallEvent.id == uuid.UUID(event_id)))


def test_half_a_second_of_latency_slows_a_read_but_it_answers(faulty_api, pg_proxy, assigned_call, shift):
    faulty_api.token(shift.officer)
    path = f"/api/v1/calls/{assigned_call['id']}"
    started = time.monotonic()
    assert faulty_api.get(path, user=shift.officer).status_code == 200  # and the pool is warm
    quick = time.monotonic() - started
    pg_proxy.latency = 0.5
    started = time.monotonic()
    response = faulty_api.get(path, user=shift.officer)
    seconds = time.monotonic() - started
    assert response.status_code == 200 and response.get_json()["id"] == assigned_call["id"]
    note(f"PostgreSQL +500 ms per answer: reading a call took {seconds:.2f} s (without: {quick:.2f} s)")
    assert seconds < 60  # gunicorn's timeout (gunicorn.conf.py): slow, but it answers


@pytest.mark.skipif(not FULL, reason="about 50 statements at 500 ms each: make bench-faults (FAULTS_FULL=1)")
def test_half_a_second_of_latency_slows_a_status_tap_but_it_lands_once(faulty_api, pg_proxy, db, assigned_call,
                                                                       shift):
    event_id = str(uuid.uuid4())
    faulty_api.token(shift.officer)
    before, quick = tap(faulty_api, assigned_call["id"], shift.officer, str(uuid.uuid4()))  # a warm pool
    assert before.status_code == 201
    pg_proxy.latency = 0.5
    response, seconds = tap(faulty_api, assigned_call["id"], shift.officer, event_id, "en_route")
    assert response.status_code == 201, response.get_json()
    assert stored(db, event_id) == 1
    note(f"PostgreSQL +500 ms per answer: a status tap took {seconds:.2f} s (without: {quick:.2f} s)")
    assert seconds < 60


@pytest.mark.parametrize("marker, before", [(b"INSERT INTO call_events", True),  # in the transaction
                                            (b"COMMIT\x00", True),  # as the commit goes out
                                            (b"COMMIT\x00", False)],  # the commit landed, its answer lost
                         ids=["mid-transaction", "before-commit", "after-commit"])
def test_a_connection_cut_loses_nothing_acknowledged_and_a_retry_saves_exactly_once(
        faulty_api, pg_proxy, db, assigned_call, shift, marker, before):
    event_id = str(uuid.uuid4())
    faulty_api.token(shift.officer)
    pg_proxy.cut_when(marker, before=before)
    response, seconds = tap(faulty_api, assigned_call["id"], shift.officer, event_id)
    assert pg_proxy.triggered.is_set()
    # Not acknowledged: a 503 saying to try again (nothing saved) or to check first (it may be saved).
    assert response.status_code == 503, response.get_json()
    assert response.headers["Retry-After"].isdigit()
    assert response.get_json()["error"]["code"] == "database_unavailable"
    assert stored(db, event_id) == (0 if before else 1)
    assert seconds < CONNECT_TIMEOUT + 5
    again, _ = tap(faulty_api, assigned_call["id"], shift.officer, event_id)  # the device sends it again
    assert again.status_code == (201 if before else 200), again.get_json()  # stored, or a replay
    assert again.get_json()["id"] == event_id
    assert stored(db, event_id) == 1  # exactly once


def test_a_partition_answers_503_with_retry_after_in_time_and_the_app_recovers(
        faulty_api, pg_proxy, db, assigned_call, shift):
    faulty_api.token(shift.officer)
    event_id = str(uuid.uuid4())
    pg_proxy.partition(PARTITION_SECONDS)
    answers = []  # (what, status, Retry-After, seconds) of each request that began and ended in the partition
    acknowledged = False
    while pg_proxy.partitioned:
        for what in ("read", "tap"):
            if what == "read":
                started = time.monotonic()
                response = faulty_api.get("/api/v1/calls", user=shift.officer)
                seconds = time.monotonic() - started
            else:
                response, seconds = tap(faulty_api, assigned_call["id"], shift.officer, event_id)
                acknowledged = response.status_code in (200, 201)  # possible only once the partition ended
            if pg_proxy.partitioned:
                answers.append((what, response.status_code, response.headers.get("Retry-After"), seconds))
    assert {what for what, *_ in answers} == {"read", "tap"}, answers
    assert all(status == 503 and retry and retry.isdigit() for _, status, retry, _ in answers), answers
    slowest = max(seconds for *_, seconds in answers)
    assert slowest <= 2 * CONNECT_TIMEOUT + 1, answers  # a pre-ping and a new connection at most
    assert stored(db, event_id) == (1 if acknowledged else 0)  # nothing unacknowledged half-saved
    wait_until(lambda: not pg_proxy.partitioned, timeout=PARTITION_SECONDS + 5, what="the partition's end")
    healed = pg_proxy.healed_at

    def lands():
        response, _ = tap(faulty_api, assigned_call["id"], shift.officer, event_id)
        return response.status_code in (200, 201)

    wait_until(lands, timeout=CONNECT_TIMEOUT * 3, interval=0.1, what="a request to succeed after the partition")
    recovered = time.monotonic() - healed
    assert stored(db, event_id) == 1
    note(f"PostgreSQL partition of {PARTITION_SECONDS:g} s: {len(answers)} requests during it answered 503 with "
         f"Retry-After, the slowest in {slowest:.2f} s (connect timeout {CONNECT_TIMEOUT:g} s); the first "
         f"request after its end landed {recovered:.2f} s after it; the tap stored exactly once")
