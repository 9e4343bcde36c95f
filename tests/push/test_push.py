"""Web Push: a unit's phones are told of assignments, reassignments and cancellations, through a
local push service that checks the VAPID JWT; the devices decrypt what it relays."""

import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from fieldapp.clock import utcnow
from fieldapp.push import jobs as push_jobs
from fieldapp.push.models import PushMessage, PushSubscription
from tests.fixtures.push import subscribe
from tests.fixtures.push_service import SUBJECT


@pytest.fixture
def wait(app):
    def idle():
        assert app.extensions["fieldapp_jobs"].wait_idle(10)
    yield idle
    idle()


def messages(db):
    db.session.expire_all()
    return db.session.scalars(select(PushMessage).order_by(PushMessage.id)).all()


def test_assignment_notifies_each_crew_device_once_with_the_call_and_no_names(
        api, db, dispatcher, shift, other_shift, new_call, push_on, service, wait):
    push = service()
    officer_phone, clinician_phone, other_phone = (push.device(n) for n in ("officer", "clinician", "other"))
    subscribe(api, shift.officer, officer_phone)
    subscribe(api, shift.clinician, clinician_phone)
    subscribe(api, other_shift.officer, other_phone)
    call = new_call(location={"address": "12 Elm Street, Apt 3"})

    started = time.monotonic()
    response = api.post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    assert response.status_code == 200
    wait()
    assert max(push.arrived) - started < 1.0  # both at the push service within a second of the request

    for phone in (officer_phone, clinician_phone):
        (alert,) = phone.received()
        assert alert["call_id"] == call["id"] and alert["kind"] == "assigned"
        assert (alert["call_type"], alert["priority"]) == ("EDP", 2)
        assert alert["address"] == "12 Elm Street"
        assert alert["url"] == f"/calls/{call['id']}"
        text = str(alert)
        for secret in ("talking to himself", "555-0101", "dog", "Apt 3", shift.officer.full_name,
                       shift.clinician.full_name, dispatcher.full_name):
            assert secret not in text
    assert other_phone.received() == []
    for _, headers, _, _ in push.requests:
        assert push.vapid_claims(headers, push_on)["sub"] == SUBJECT
        assert (headers["Content-Encoding"], headers["TTL"], headers["Urgency"]) == ("aes128gcm", "600", "high")
        assert headers["Topic"] == f"call-{call['id']}"
    assert {m.status for m in messages(db)} == {"sent"}


def test_reassignment_and_cancellation_tell_the_crews(api, db, dispatcher, shift, other_shift, new_call, push_on,
                                                      service, wait):
    push = service()
    first, second = push.device("first"), push.device("second")
    subscribe(api, shift.officer, first)
    subscribe(api, other_shift.clinician, second)
    call = new_call()
    api.post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    api.post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": other_shift.unit_id}, user=dispatcher)
    assert api.post(f"/api/v1/calls/{call['id']}/cancel", {"reason": "Caller called back"},
                    user=dispatcher).status_code == 200
    wait()

    assert [(a["kind"], a["call_id"], a["url"]) for a in first.received()] == [
        ("assigned", call["id"], f"/calls/{call['id']}"), ("reassigned", call["id"], "/my/calls")]
    assert [(a["kind"], a["url"]) for a in second.received()] == [
        ("assigned", f"/calls/{call['id']}"), ("cancelled", f"/calls/{call['id']}")]
    assert "Caller called back" not in str(second.received())


@pytest.mark.parametrize("gone", [404, 410])
def test_a_gone_subscription_is_removed(api, db, dispatcher, shift, new_call, push_on, service, wait, gone):
    push = service(answers=[gone])
    phone = push.device("phone")
    subscribe(api, shift.officer, phone)
    call = new_call()
    api.post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    wait()
    assert len(push.requests) == 1
    assert db.session.scalars(select(PushSubscription)).all() == []
    assert messages(db) == []


def test_a_failing_push_service_is_retried_with_backoff(api, db, dispatcher, shift, new_call, push_on, service,
                                                        wait):
    push = service(answers=[500])
    phone = push.device("phone")
    subscribe(api, shift.officer, phone)
    call = new_call()
    api.post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    wait()
    (message,) = messages(db)
    assert (message.status, message.attempts, message.last_status_code) == ("pending", 1, 500)
    assert message.next_attempt_at > utcnow() and phone.received() == []

    assert push_jobs.sweep() == 0  # not due yet
    db.session.execute(update(PushMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert push_jobs.sweep() == 1
    wait()
    (message,) = messages(db)
    assert (message.status, message.attempts) == ("sent", 2)
    assert [a["call_id"] for a in phone.received()] == [call["id"]]


def test_a_message_past_its_ttl_is_not_sent(api, db, dispatcher, shift, new_call, push_on, service, wait):
    push = service(answers=[503])
    subscribe(api, shift.officer, push.device("phone"))
    call = new_call()
    api.post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    wait()
    db.session.execute(update(PushMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1),
                                                  created_at=utcnow() - timedelta(minutes=11)))
    db.session.commit()
    push_jobs.sweep()
    wait()
    assert [m.status for m in messages(db)] == ["expired"] and len(push.requests) == 1


@pytest.mark.parametrize("endpoint", [
    "http://push.example.com/x", "https://127.0.0.1/x", "https://localhost/x", "https://10.1.2.3/x",
    "https://192.168.0.4/x", "https://169.254.169.254/latest", "https://[::1]/x", "https://[fd00::1]/x",
    "https://[fe80::1]/x", "https://[::ffff:10.0.0.1]/x", "https://0.0.0.0/x", "ftp://push.example.com/x",
    "not a url", "https://user:pw@push.example.com/x"])
def test_an_insecure_or_private_endpoint_is_refused(api, db, shift, push_on, app, monkeypatch, service, endpoint):
    monkeypatch.setitem(app.config, "WEB_PUSH_ALLOW_INSECURE_ENDPOINTS", False)
    body = {**service().device("phone").subscription(), "endpoint": endpoint}
    response = api.post("/api/v1/me/push-subscriptions", body, user=shift.officer)
    assert response.status_code == 422, response.get_json()
    assert "endpoint" in response.get_json()["error"]["fields"]
    assert db.session.scalars(select(PushSubscription)).all() == []


def test_private_ranges_stay_refused_even_with_the_test_setting(api, db, shift, push_on, service):
    body = {**service().device("phone").subscription(), "endpoint": "http://10.0.0.8/push/x"}
    response = api.post("/api/v1/me/push-subscriptions", body, user=shift.officer)
    assert response.status_code == 422 and "endpoint" in response.get_json()["error"]["fields"]


def test_the_endpoint_is_checked_again_when_sending(api, db, app, monkeypatch, dispatcher, shift, new_call, push_on,
                                                    service, wait):
    push = service()
    subscribe(api, shift.officer, push.device("phone"))  # accepted while loopback was allowed
    monkeypatch.setitem(app.config, "WEB_PUSH_ALLOW_INSECURE_ENDPOINTS", False)
    call = new_call()
    api.post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    wait()
    (message,) = messages(db)
    assert message.status == "failed" and message.last_error.startswith("refused:")
    assert push.requests == []


def test_the_subscription_api_contract(api, db, shift, push_on, service):
    assert api.get("/api/v1/push/public-key", user=shift.officer).get_json() == {"public_key": push_on}
    phone = service().device("phone")
    first = subscribe(api, shift.officer, phone, 201)
    again = subscribe(api, shift.officer, phone, 200)  # the same endpoint: no second row
    assert first["id"] == again["id"] and first["endpoint"] == phone.endpoint
    assert len(db.session.scalars(select(PushSubscription)).all()) == 1

    # The same browser signed in as someone else: the endpoint moves to them.
    subscribe(api, shift.clinician, phone, 201)
    assert [s.user_id for s in db.session.scalars(select(PushSubscription))] == [shift.clinician_id]

    other = api.delete("/api/v1/me/push-subscriptions", user=shift.officer, json={"endpoint": phone.endpoint})
    assert other.status_code == 204 and len(db.session.scalars(select(PushSubscription)).all()) == 1
    gone = api.delete("/api/v1/me/push-subscriptions", user=shift.clinician, json={"endpoint": phone.endpoint})
    assert gone.status_code == 204 and db.session.scalars(select(PushSubscription)).all() == []
    assert api.delete("/api/v1/me/push-subscriptions", user=shift.clinician,
                      json={"endpoint": phone.endpoint}).status_code == 204


@pytest.mark.parametrize(("change", "field"), [
    ({"keys": None}, "keys"), ({"keys": "x"}, "keys"), ({"keys": {"auth": "A" * 22}}, "keys"),
    ({"keys": {"p256dh": "A" * 87, "auth": "A" * 22}}, "keys"),  # not a point on the curve
    ({"keys": {"p256dh": "!" * 87, "auth": "A" * 22}}, "keys"),
    ({"keys": {"p256dh": None, "auth": "A" * 22}}, "keys"),
    ({"auth_only": 1}, "auth_only"), ({"endpoint": None}, "endpoint"), ({"endpoint": 5}, "endpoint"),
    ({"endpoint": "https://push.example.com/" + "a" * 1000}, "endpoint"),
    ({"endpoint": "https://push.example.com/\x00"}, "endpoint"),
    ({"expirationTime": "soon"}, "expirationTime"), ({"expirationTime": "NaN"}, "expirationTime"),
])
def test_hostile_subscriptions_are_refused_naming_the_field(api, db, shift, push_on, service, change, field):
    body = {**service().device("phone").subscription(), **change}
    response = api.post("/api/v1/me/push-subscriptions", body, user=shift.officer)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert db.session.scalars(select(PushSubscription)).all() == []


def test_keys_must_be_the_right_length(api, db, shift, push_on, service):
    body = service().device("phone").subscription()
    body["keys"]["auth"] += "AA"
    response = api.post("/api/v1/me/push-subscriptions", body, user=shift.officer)
    assert response.status_code == 422 and "auth" in response.get_json()["error"]["fields"]["keys"]


def test_only_unit_crews_and_supervisors_subscribe(api, db, make_user, push_on, service):
    """Dispatchers and admins are told of calls past their response target (issue 20); program managers
    of nothing."""
    response = api.post("/api/v1/me/push-subscriptions", service().device("x").subscription(),
                        user=make_user("program_manager"))
    assert response.status_code == 403


def test_without_a_key_push_is_off_and_nothing_else_changes(api, db, app, dispatcher, shift, new_call, service, wait):
    assert app.config["VAPID_PRIVATE_KEY"] is None
    for response in (api.get("/api/v1/push/public-key", user=shift.officer),
                     api.post("/api/v1/me/push-subscriptions", service().device("x").subscription(),
                              user=shift.officer)):
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "push_off"
    call = new_call()
    response = api.post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    assert response.status_code == 200
    wait()
    assert messages(db) == []
