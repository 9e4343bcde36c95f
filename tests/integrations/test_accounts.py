"""Integration accounts: keys shown once and kept hashed, reach only their own endpoints, audited."""

import uuid

import pytest
from sqlalchemy import select

from fieldapp.audit.models import AuditEvent
from fieldapp.integrations.accounts.models import IntegrationAccount
from tests.fixtures.integrations import bearer, cad_account, eido_sample

EIDO = "/api/v1/cad/eido"


@pytest.fixture
def cad(db):
    account, key, _ = cad_account()
    return account, key


def test_cli_prints_the_key_and_webhook_secret_once_and_keeps_only_a_hash(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_INSECURE_URLS", False)
    result = app.test_cli_runner().invoke(args=["integration", "create", "Metro CAD", "--kind", "cad",
                                                "--webhook-url", "https://cad.example.org/fieldapp"])
    assert result.exit_code == 0, result.output
    lines = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    assert lines["KEY"].startswith("fa_int_") and lines["WEBHOOK_SECRET"].startswith("whsec_")
    account = db.session.scalars(select(IntegrationAccount)).one()
    assert account.kind == "cad" and account.actions == ["eido.intake"]
    assert lines["KEY"].split("_")[-1] not in account.key_hash  # the secret part is not stored
    assert app.test_client().post(EIDO, json=eido_sample("sample-eido-2020.json"),
                                  headers=bearer(lines["KEY"])).status_code == 201


def test_cli_partner_needs_an_organization_of_the_directory(app, db, services_directory):
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["integration", "create", "Harbor", "--kind", "partner",
                                  "--organization", str(uuid.uuid4())])
    assert refused.exit_code != 0 and "organization" in refused.output
    org = services_directory["mental"].organization_id
    result = runner.invoke(args=["integration", "create", "Harbor", "--kind", "partner", "--organization", str(org)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("KEY=fa_int_") and "WEBHOOK_SECRET" not in result.stdout
    account = db.session.scalars(select(IntegrationAccount)).one()
    assert account.organization_id == org and account.actions == ["referrals.read", "referrals.update"]


def test_cli_refuses_webhook_urls_that_are_not_https_on_public_addresses(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_INSECURE_URLS", False)
    runner = app.test_cli_runner()
    for url in ("http://cad.example.org/x", "https://203.0.113.10/x", "https://127.0.0.1/x", "https://10.1.2.3/x", "https://169.254.169.254/x",
                "https://localhost/x", "https://[::1]/x", "https://user:pw@cad.example.org/x"):
        result = runner.invoke(args=["integration", "create", "CAD", "--kind", "cad", "--webhook-url", url])
        assert result.exit_code != 0 and "webhook_url" in result.output, url
    assert db.session.scalars(select(IntegrationAccount)).all() == []


def test_a_cad_key_reaches_no_person_endpoint(client, cad, db):
    for method, path in (("GET", "/api/v1/calls"), ("POST", "/api/v1/calls"), ("GET", "/api/v1/users"),
                         ("GET", "/api/v1/integrations"), ("GET", "/board")):
        response = client.open(path, method=method, headers=bearer(cad[1]), json={})
        assert response.status_code == 403, (method, path, response.status_code)
    denied = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "integration.request",
                                                         AuditEvent.outcome == "denied")).all()
    assert len(denied) == 5 and {row.username for row in denied} == {"integration:County CAD"}


def test_people_cannot_use_the_cad_endpoint(client, api, make_user, cad):
    admin = make_user("admin")
    response = api.post(EIDO, eido_sample("sample-eido-2020.json"), user=admin)
    assert response.status_code == 403
    assert client.post(EIDO, json={}).status_code == 401


def test_a_partner_key_cannot_send_calls(client, db, services_directory):
    from fieldapp.integrations.accounts import services

    _, key, _ = services.create_account(name="Harbor", kind="partner", by=None,
                                        organization_id=services_directory["mental"].organization_id)
    assert client.post(EIDO, json=eido_sample("sample-eido-2020.json"), headers=bearer(key)).status_code == 403


def test_every_request_is_audited_as_the_integration(client, cad, db):
    client.post(EIDO, json=eido_sample("sample-eido-2020.json"), headers=bearer(cad[1]))
    row = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "integration.request")).one()
    assert (row.username, row.outcome, row.object_id) == ("integration:County CAD", "success", str(cad[0].id))
    assert row.details == {"method": "POST", "path": EIDO}


def test_admin_api_creates_shows_the_key_once_rotates_and_revokes(client, api, make_user, db):
    admin = make_user("admin")
    created = api.post("/api/v1/integrations", {"name": "County CAD", "kind": "cad"}, user=admin)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    old_key = body["key"]
    assert old_key.startswith("fa_int_" + body["key_id"]) and body["webhook_secret"].startswith("whsec_")
    listed = api.get("/api/v1/integrations", user=admin).get_json()
    assert "key" not in listed[0] and "webhook_secret" not in listed[0]
    document = eido_sample("sample-eido-2020.json")
    assert client.post(EIDO, json=document, headers=bearer(old_key)).status_code == 201

    rotated = api.post(f"/api/v1/integrations/{body['id']}/rotate", user=admin).get_json()
    assert client.post(EIDO, json=document, headers=bearer(old_key)).status_code == 401
    assert client.post(EIDO, json=document, headers=bearer(rotated["key"])).status_code == 200

    assert api.post(f"/api/v1/integrations/{body['id']}/revoke", user=admin).get_json()["active"] is False
    assert client.post(EIDO, json=document, headers=bearer(rotated["key"])).status_code == 401
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("integration.%"))).all()
    assert {"integration.create", "integration.rotate_key", "integration.revoke"} <= set(actions)


@pytest.mark.parametrize("key", ["fa_int_", "fa_int_abc", "fa_int_000000000000_wrong", "fa_int_" + "a" * 500])
def test_made_up_keys_are_refused(client, cad, key):
    response = client.post(EIDO, json={}, headers=bearer(key))
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_admin_pages_create_show_the_key_once_then_only_its_id(pages, make_user, db):
    admin = pages(make_user("admin"))
    response = admin.post("/admin/integrations", {"name": "County CAD", "kind": "cad", "webhook_url": ""})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    account = db.session.scalars(select(IntegrationAccount)).one()
    assert f"fa_int_{account.key_id}_" in html and "whsec_" in html
    listing = admin.get("/admin/integrations").get_data(as_text=True)
    detail = admin.get(f"/admin/integrations/{account.id}").get_data(as_text=True)
    assert "County CAD" in listing and f"fa_int_{account.key_id}_…" in detail and "whsec_" not in detail
    refused = admin.post("/admin/integrations", {"name": "Other", "kind": "cad", "webhook_url": "ftp://x"})
    assert refused.status_code == 422 and "https" in refused.get_data(as_text=True)
