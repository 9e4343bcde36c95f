"""Web Push set-up and lifecycle: subscriptions end with the sign-in, the account or the role; the
VAPID settings and `flask push keygen`."""

import logging

import pytest
from py_vapid import Vapid
from pywebpush import webpush
from sqlalchemy import select

from fieldapp import config as settings
from fieldapp.metrics import jobs as metrics_jobs
from fieldapp.push import keys
from fieldapp.push import services as push_services
from fieldapp.push.models import PushSubscription
from fieldapp.push.services import short_address
from tests.fixtures.clients import CSRF_RE
from tests.fixtures.push import subscribe
from tests.fixtures.push_service import SUBJECT, PushService


def subscribers(db):
    db.session.expire_all()
    return sorted(s.user_id for s in db.session.scalars(select(PushSubscription)))


def subscribe_in_browser(browser, device):
    """The page's way: the cookie session with the CSRF header."""
    token = CSRF_RE.search(browser.get("/my/calls").get_data(as_text=True)).group(1)
    response = browser.client.post("/api/v1/me/push-subscriptions", json=device.subscription(),
                                   headers={"X-CSRFToken": token})
    assert response.status_code == 201, response.get_json()


def test_signing_out_ends_the_subscriptions_of_that_sign_in_only(api, db, pages, shift, push_on, service):
    push = service()
    browser = pages(shift.officer)
    subscribe_in_browser(browser, push.device("browser"))
    subscribe(api, shift.officer, push.device("app"))  # another sign-in (an API token)
    assert subscribers(db) == [shift.officer_id, shift.officer_id]

    browser.post("/logout")
    assert [s.endpoint for s in db.session.scalars(select(PushSubscription))] == [push.device("app").endpoint]
    assert api.delete("/api/v1/auth/token", user=shift.officer).status_code == 204
    assert subscribers(db) == []


def test_revoking_a_session_ends_its_subscriptions(api, db, pages, shift, push_on, service):
    browser = pages(shift.officer)
    subscribe_in_browser(browser, service().device("browser"))
    sessions = api.get("/api/v1/me/sessions", user=shift.officer).get_json()
    web = next(s for s in sessions if s["kind"] == "web")
    assert api.delete(f"/api/v1/me/sessions/{web['id']}", user=shift.officer).status_code == 204
    assert subscribers(db) == []


@pytest.mark.parametrize("change", [{"active": False}, {"role": "dispatcher"},
                                    {"password": "a new long passphrase 42"}])
def test_deactivation_role_or_password_change_ends_every_subscription(api, db, make_user, shift, push_on, service,
                                                                      change):
    admin = make_user("admin")
    push = service()
    subscribe(api, shift.officer, push.device("one"))
    subscribe(api, shift.clinician, push.device("two"))
    response = api.patch(f"/api/v1/users/{shift.officer_id}", change, user=admin)
    assert response.status_code == 200, response.get_json()
    assert subscribers(db) == [shift.clinician_id]


def test_keygen_prints_a_pair_pywebpush_signs_and_encrypts_with(app):
    result = app.test_cli_runner().invoke(args=["push", "keygen"])
    assert result.exit_code == 0, result.output
    lines = dict(line.split("=", 1) for line in result.output.splitlines())
    assert set(lines) == {"VAPID_PRIVATE_KEY", "VAPID_PUBLIC_KEY"}
    private, public = lines["VAPID_PRIVATE_KEY"], lines["VAPID_PUBLIC_KEY"]
    assert "=" not in private and len(private) == 43 and len(public) == 87
    assert keys.public_key(private) == public

    push = PushService()
    try:
        device = push.device("phone")
        response = webpush(device.subscription(), data='{"call_id": 7}', vapid_private_key=private,
                           vapid_claims={"sub": SUBJECT}, ttl=60)
        assert response.status_code == 201
        assert push.vapid_claims(push.requests[0][1], public)["sub"] == SUBJECT
        assert device.received() == [{"call_id": 7}]
        assert Vapid.from_string(private).public_key is not None
    finally:
        push.close()


def test_settings_refuse_a_key_that_cannot_work(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("VAPID_PRIVATE_KEY", raising=False)
    monkeypatch.delenv("VAPID_SUBJECT", raising=False)
    assert settings.from_environment(str(tmp_path))["VAPID_PRIVATE_KEY"] is None  # production: off
    private, _ = keys.generate()
    for key, subject, problem in (("not-base64!", SUBJECT, "base64url"), ("AAAA", SUBJECT, "32-byte"),
                                  ("A" * 43, SUBJECT, "valid P-256"), (private, "", "VAPID_SUBJECT"),
                                  (private, "ops@agency.example", "VAPID_SUBJECT"),
                                  (private, "http://agency.example", "VAPID_SUBJECT")):
        monkeypatch.setenv("VAPID_PRIVATE_KEY", key)
        monkeypatch.setenv("VAPID_SUBJECT", subject)
        with pytest.raises(settings.ConfigError, match=problem):
            settings.from_environment(str(tmp_path))
    monkeypatch.setenv("VAPID_SUBJECT", "https://agency.example")
    monkeypatch.setenv("VAPID_PRIVATE_KEY", private)
    assert settings.from_environment(str(tmp_path))["VAPID_PRIVATE_KEY"] == private


def test_the_demo_makes_its_own_key_once(monkeypatch, tmp_path):
    monkeypatch.setenv("FIELDAPP_ENV", "development")
    monkeypatch.delenv("VAPID_PRIVATE_KEY", raising=False)
    monkeypatch.delenv("VAPID_SUBJECT", raising=False)
    first = settings.from_environment(str(tmp_path))
    assert (tmp_path / "vapid.env").stat().st_mode & 0o077 == 0
    assert first["VAPID_PRIVATE_KEY"] == settings.from_environment(str(tmp_path))["VAPID_PRIVATE_KEY"]
    assert first["VAPID_SUBJECT"].startswith("mailto:")
    assert f"VAPID_PUBLIC_KEY={keys.public_key(first['VAPID_PRIVATE_KEY'])}" in (tmp_path / "vapid.env").read_text()


def test_the_app_says_at_start_whether_push_is_on(app, caplog, monkeypatch):
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", None)
    monkeypatch.setitem(app.config, "VAPID_SUBJECT", None)
    with caplog.at_level(logging.INFO, logger=app.logger.name):
        keys.announce(app)
        monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", keys.generate()[0])
        monkeypatch.setitem(app.config, "VAPID_SUBJECT", SUBJECT)
        keys.announce(app)
    assert "Web Push is off" in caplog.records[0].getMessage()
    assert "Web Push is on" in caplog.records[1].getMessage()


@pytest.mark.parametrize(("address", "short"), [
    ("12 Elm Street, Apt 3, Springfield", "12 Elm Street"), ("400 Main St #12", "400 Main St"),
    ("9 Oak Ave Unit 4B", "9 Oak Ave"), ("Corner of 5th and Pine", "Corner of 5th and Pine"),
    ("1 Long Road " + "x" * 80, ("1 Long Road " + "x" * 80)[:60])])
def test_the_address_is_street_level(address, short):
    assert short_address(address) == short


def test_the_rq_worker_sends_the_alert_off_the_request_path(app, api, db, dispatcher, shift, new_call, push_on,
                                                            service, rq_backend):
    push = service()
    phone = push.device("phone")
    subscribe(api, shift.officer, phone)
    call = new_call()
    api.post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    # waiting in Redis, not sent in the request (with the job that sums the metrics' month and week)
    assert sorted(job.args[0] for job in rq_backend.queue.jobs) == [metrics_jobs.JOB, push_services.JOB]
    assert push.requests == []
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert [alert["call_id"] for alert in phone.received()] == [call["id"]]
