"""Status back to CAD: signed webhooks, in order per call, retried after the receiver fails."""

import uuid
from datetime import timedelta

from sqlalchemy import select

from fieldapp.clock import utcnow
from fieldapp.integrations.webhooks import jobs as webhook_jobs
from fieldapp.integrations.webhooks.models import WebhookDelivery
from tests.fixtures.encounters import encounter_body
from tests.fixtures.integrations import bearer, cad_account, eido_sample
from tests.fixtures.waiting import wait_until


def cad_call(client, db, receiver_, answers=()):
    """A call sent by a CAD whose webhook is a receiver in this test."""
    from fieldapp.calls.models import Call

    hook = receiver_(answers)
    account, key, secret = cad_account(webhook_url=hook.url)
    hook.secret = secret
    assert client.post("/api/v1/cad/eido", json=eido_sample("sample-eido-2020.json"),
                       headers=bearer(key)).status_code == 201
    return hook, account, db.session.scalars(select(Call)).one()


def tap(api, call_id, user, status, disposition=None):
    body = {"id": str(uuid.uuid4()), "status": status, **({"disposition": disposition} if disposition else {})}
    response = api.post(f"/api/v1/calls/{call_id}/status", body, user=user)
    assert response.status_code == 201, response.get_json()


def deliveries(db):
    db.session.expire_all()
    return db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()


def test_each_change_reaches_the_cad_signed_and_in_order(client, api, db, dispatcher, shift, insecure, receiver,
                                                         wait):
    hook, account, call = cad_call(client, db, receiver)
    assert api.post(f"/api/v1/calls/{call.id}/assign", {"unit_id": shift.unit_id}, user=dispatcher).status_code == 200
    for status in ("acknowledged", "en_route", "on_scene"):
        tap(api, call.id, shift.officer, status)
    response = api.post(f"/api/v1/calls/{call.id}/encounters", encounter_body(outcome="hospitalized",
                        hospitalization_type="voluntary", transport="ems"), user=shift.clinician)
    assert response.status_code == 201, response.get_json()
    tap(api, call.id, shift.officer, "cleared", "encounter_logged")
    wait()

    assert all(hook.verified(headers, body) for headers, body, _ in hook.received)
    bodies = hook.accepted()
    assert [(b["event"], b["fieldapp"]["status"]) for b in bodies] == [
        ("call.assigned", "assigned"), ("call.status", "acknowledged"), ("call.status", "en_route"),
        ("call.status", "on_scene"), ("encounter.outcome", "on_scene"), ("call.status", "cleared")]
    incident = bodies[0]["incidentComponent"]
    assert incident["internalIncidentId"] == "urn:emergency:uid:incidentid:0:psap.allegheny.pa.us"
    assert incident["incidentStatusCommonRegistryText"] == ["Dispatched"]
    assert bodies[0]["fieldapp"]["unit"] == shift.unit.call_sign
    assert bodies[4]["incidentComponent"]["dispositionComponent"][0]["dispositionCommonRegistryCode"] == "45"
    assert bodies[5]["fieldapp"]["disposition"] == "encounter_logged"
    text = str(bodies)
    assert "Jordan" not in text and "De-escalated" not in text and "CIVIL UNREST" not in text  # no names, narrative
    headers = hook.received[0][0]
    assert headers["X-Fieldapp-Delivery"] == str(bodies[0]["deliveryId"])
    assert headers["X-Fieldapp-Event"] == "call.assigned"
    assert {d.status for d in deliveries(db)} == {"delivered"}


def test_a_tampered_body_or_an_old_timestamp_fails_verification(client, api, db, dispatcher, shift, insecure,
                                                                receiver, wait):
    hook, account, call = cad_call(client, db, receiver)
    api.post(f"/api/v1/calls/{call.id}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    wait()
    headers, body, _ = hook.received[0]
    assert hook.verified(headers, body)
    assert not hook.verified(headers, body.replace(b"assigned", b"cleared"))
    assert not hook.verified(headers, body, tolerance=-1)


def test_a_failing_receiver_is_retried_and_the_calls_later_changes_wait(client, api, db, dispatcher, shift,
                                                                        insecure, receiver, wait):
    hook, account, call = cad_call(client, db, receiver, answers=[500])
    api.post(f"/api/v1/calls/{call.id}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    wait()
    first = deliveries(db)[0]
    assert (first.status, first.attempts, first.last_status_code) == ("pending", 1, 500)
    assert first.last_error.startswith("HTTP 500") and first.next_attempt_at > utcnow()

    tap(api, call.id, shift.officer, "acknowledged")
    wait()
    assert len(hook.received) == 1  # the later change waits behind the failed one
    webhook_jobs.sweep()  # not due yet: nothing
    wait()
    assert len(hook.received) == 1

    first = deliveries(db)[0]
    first.next_attempt_at = utcnow() - timedelta(seconds=1)  # the backoff has passed
    db.session.commit()
    assert webhook_jobs.sweep() == 1
    wait()
    assert [b["event"] for b in hook.accepted()] == ["call.assigned", "call.status"]
    assert [(d.status, d.attempts) for d in deliveries(db)] == [("delivered", 2), ("delivered", 1)]


def test_after_the_last_attempt_a_delivery_fails_until_an_admin_retries_it(app, client, api, db, dispatcher, shift,
                                                                          insecure, receiver, wait, pages,
                                                                          make_user, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_MAX_ATTEMPTS", 1)
    hook, account, call = cad_call(client, db, receiver, answers=[503])
    api.post(f"/api/v1/calls/{call.id}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    wait()
    delivery = deliveries(db)[0]
    assert delivery.status == "failed"
    admin = pages(make_user("admin"))
    page = admin.get(f"/admin/integrations/{account.id}?status=failed").get_data(as_text=True)
    assert "Last error: HTTP 503" in page and f"Retry delivery {delivery.id} now" in page
    assert admin.post(f"/admin/integrations/deliveries/{delivery.id}/retry").status_code == 302
    wait()
    assert deliveries(db)[0].status == "delivered"
    assert [b["event"] for b in hook.accepted()] == ["call.assigned"]


def test_a_lost_job_is_sent_by_the_sweep_from_the_table(app, client, api, db, dispatcher, shift, insecure,
                                                        receiver, wait, monkeypatch):
    hook, account, call = cad_call(client, db, receiver)
    jobs = app.extensions["fieldapp_jobs"]
    monkeypatch.setattr(jobs, "enqueue", lambda *args: (_ for _ in ()).throw(ConnectionError("queue down")))
    api.post(f"/api/v1/calls/{call.id}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    assert deliveries(db)[0].status == "pending" and hook.received == []
    monkeypatch.undo()
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_INSECURE_URLS", True)
    assert webhook_jobs.sweep() == 1
    wait()
    assert [b["event"] for b in hook.accepted()] == ["call.assigned"]


def test_loopback_is_refused_when_sending_without_the_test_setting(app, client, api, db, dispatcher, shift,
                                                                   insecure, receiver, wait, monkeypatch):
    hook, account, call = cad_call(client, db, receiver)
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_INSECURE_URLS", False)
    api.post(f"/api/v1/calls/{call.id}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    wait()
    delivery = deliveries(db)[0]
    assert delivery.status == "pending" and delivery.last_error.startswith("refused: Webhook URLs must use https")
    assert hook.received == []


def test_calls_without_a_cad_id_send_nothing(api, db, dispatcher, assigned_call, insecure, receiver, wait):
    hook = receiver()
    cad_account(webhook_url=hook.url)
    api.post(f"/api/v1/calls/{assigned_call['id']}/cancel", {"reason": "duplicate"}, user=dispatcher)
    wait()
    assert deliveries(db) == [] and hook.received == []


def test_after_a_restart_the_demo_queue_sends_what_was_left_due(app, client, api, db, dispatcher, shift, insecure,
                                                               receiver, wait, monkeypatch):
    from fieldapp.jobs.backends import ThreadBackend

    hook, account, call = cad_call(client, db, receiver)
    monkeypatch.setattr(app.extensions["fieldapp_jobs"], "enqueue", lambda *args: None)  # the process dies
    api.post(f"/api/v1/calls/{call.id}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    assert deliveries(db)[0].status == "pending" and hook.received == []

    process = app.extensions["fieldapp_jobs"]
    restarted = ThreadBackend(app)
    monkeypatch.setitem(app.extensions, "fieldapp_jobs", restarted)
    monkeypatch.setitem(app.config, "JOBS_SWEEP_SECONDS", 0.1)
    restarted.ensure_started()  # the first request of the new process
    try:
        wait_until(lambda: hook.received, what="the sweep to send the delivery left due")
        assert restarted.wait_idle(10)
    finally:
        restarted.stop()
        # The teardown's wait is for the process's own queue: the stopped one may keep its wake-up marker.
        monkeypatch.setitem(app.extensions, "fieldapp_jobs", process)
    assert [b["event"] for b in hook.accepted()] == ["call.assigned"]
    assert deliveries(db)[0].status == "delivered"
