"""Identical requests sent at once (a phone's outbox retrying over a flaky link): exactly one 201,
every other answer a 200 with the stored record, never a 409 (issue 8, finding 7)."""

import threading
import uuid

import pytest

from tests.fixtures.encounters import encounter_body

PARALLEL = 24


def race(app, api, user, path, body):
    """POST ``body`` to ``path`` from PARALLEL threads released together; the responses."""
    headers = api.headers(user)
    barrier, results = threading.Barrier(PARALLEL), []

    def send():
        with app.app_context():  # the thread's own; each request still gets a fresh one
            client = app.test_client()
            barrier.wait()
            response = client.post(path, json=body, headers=headers)
            results.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=send) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def assert_one_created_rest_replayed(results):
    codes = sorted(code for code, _ in results)
    assert codes == [200] * (PARALLEL - 1) + [201], [body for code, body in results if code not in (200, 201)][:2]
    assert len({body["id"] for _, body in results}) == 1


def test_parallel_replays_of_a_status_change(app, api, assigned_call, shift):
    body = {"id": str(uuid.uuid4()), "status": "acknowledged"}
    results = race(app, api, shift.officer, f"/api/v1/calls/{assigned_call['id']}/status", body)
    assert_one_created_rest_replayed(results)
    timeline = api.get(f"/api/v1/calls/{assigned_call['id']}", user=shift.officer).get_json()["timeline"]
    assert [entry["status"] for entry in timeline].count("acknowledged") == 1


def test_parallel_replays_of_an_encounter(app, api, assigned_call, shift):
    body = encounter_body(person={"id": str(uuid.uuid4()), "given_name": "Sam", "family_name": "Lee"})
    results = race(app, api, shift.clinician, f"/api/v1/calls/{assigned_call['id']}/encounters", body)
    assert_one_created_rest_replayed(results)


@pytest.mark.parametrize("status", ["accepted", "cancelled"])
def test_parallel_replays_of_a_referral_step(app, api, encounter, shift, services_directory, status):
    made = api.post(f"/api/v1/encounters/{encounter['id']}/referrals",
                    {"id": str(uuid.uuid4()), "service_id": str(services_directory["mental"].id),
                     "consent": {"type": "verbal", "given_by": "the person"}}, user=shift.clinician)
    assert made.status_code == 201, made.get_json()
    body = {"id": str(uuid.uuid4()), "status": status, "reason": "Moved away"}
    results = race(app, api, shift.clinician, f"/api/v1/referrals/{made.get_json()['id']}/status", body)
    assert_one_created_rest_replayed(results)
