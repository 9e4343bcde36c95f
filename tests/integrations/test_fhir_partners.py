"""A partner organization closing the loop through FHIR Task, and seeing nothing else.

A partner is a real partner integration account of a directory organization, calling with its key."""

import uuid

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.task import Task
from sqlalchemy import select, update

from fieldapp.audit.models import AuditEvent
from fieldapp.directory.models import Organization, Service
from fieldapp.integrations.accounts import services as integrations
from fieldapp.referrals import partners
from fieldapp.referrals.constants import PART2_REDISCLOSURE_NOTICE
from fieldapp.referrals.models import Referral, ReferralEvent
from tests.fixtures.integrations import error_code, error_fields, fhir
from tests.fixtures.referrals import PART2, refer


@pytest.fixture
def admin(make_user):
    return make_user("admin")


class PartnerKey:
    """A partner organization's integration account and the headers its requests carry."""

    def __init__(self, organization, key):
        self.organization_id, self.name = organization.id, organization.name
        self.headers = {"Authorization": f"Bearer {key}"}


@pytest.fixture
def as_partner(db):
    def make(organization, actions=("referrals.read", "referrals.update"), name=None):
        _, key, _ = integrations.create_account(name=name or organization.name, kind="partner", actions=list(actions),
                                                organization_id=organization.id, by=None)
        return PartnerKey(organization, key)
    return make


def get(api, path, who):
    """GET as a person (a user) or as a partner (a PartnerKey)."""
    if isinstance(who, PartnerKey):
        return api.client.get(path, headers=who.headers)
    return api.get(path, user=who)


@pytest.fixture
def housing(db):
    organization = Organization(name="Northside Housing")
    service = Service(organization=organization, name="Rapid Rehousing", category="housing")
    db.session.add_all([organization, service])
    db.session.commit()
    return service


@pytest.fixture
def sent(api, encounter, shift, services_directory, housing):
    """Referrals from one encounter: to Harbor (mental health, Part 2 with written consent, and one the
    person declined) and to Northside Housing."""
    def make(service, **kwargs):
        response = refer(api, encounter, shift.clinician, service, **kwargs)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]
    return {
        "mental": make(services_directory["mental"], note="Afraid of hospitals; call sister first"),
        "part2": make(services_directory["part2"], note="Uses daily",
                      consent={"type": "written", "given_by": "Jordan Reyes", "part2": PART2}),
        "declined": make(services_directory["mental"], consent={"type": "declined", "given_by": "the person"}),
        "housing": make(housing),
    }


def patch(api, referral_id, who, status, reason=None):
    body = {"resourceType": "Task", "status": status}
    if reason:
        body["statusReason"] = {"text": reason}
    if isinstance(who, PartnerKey):
        return api.client.patch(f"/api/v1/fhir/Task/{referral_id}", json=body, headers=who.headers)
    return api.patch(f"/api/v1/fhir/Task/{referral_id}", body, user=who)


def test_a_partner_lists_the_tasks_of_its_own_organization(api, sent, services_directory, as_partner):
    harbor = as_partner(services_directory["mental"].organization)
    bundle = fhir(get(api, f"/api/v1/fhir/Task?owner=Organization/{harbor.organization_id}", harbor), Bundle)
    assert bundle["type"] == "searchset"
    ids = {entry["resource"]["id"] for entry in bundle["entry"]}
    assert ids == {sent["mental"], sent["part2"]}  # not Northside's, not the declined one
    for entry in bundle["entry"]:
        Task.model_validate(entry["resource"])
        assert entry["fullUrl"].endswith(f"/api/v1/fhir/Task/{entry['resource']['id']}")
    part2 = next(e["resource"] for e in bundle["entry"] if e["resource"]["id"] == sent["part2"])
    assert part2["note"] == [{"text": PART2_REDISCLOSURE_NOTICE}]
    assert get(api, "/api/v1/fhir/Task?status=requested", harbor).get_json(force=True)["total"] == 2
    assert get(api, "/api/v1/fhir/Task?status=completed,rejected", harbor).get_json(force=True)["total"] == 0


def test_a_partner_cannot_ask_for_another_organizations_tasks(api, sent, housing, services_directory,
                                                                as_partner):
    harbor = as_partner(services_directory["mental"].organization)
    response = get(api, f"/api/v1/fhir/Task?owner=Organization/{housing.organization_id}", harbor)
    assert response.status_code == 403
    for kind in ("housing", "declined"):
        for path in ("Task", "ServiceRequest"):
            assert get(api, f"/api/v1/fhir/{path}/{sent[kind]}", harbor).status_code == 404, (kind, path)
        assert patch(api, sent[kind], harbor, "accepted").status_code == 404


def test_a_partner_sees_what_the_consent_discloses_and_never_notes(api, sent, services_directory,
                                                                   as_partner, shift):
    harbor = as_partner(services_directory["mental"].organization)
    for kind in ("mental", "part2"):
        for path in ("ServiceRequest", "Task"):
            text = get(api, f"/api/v1/fhir/{path}/{sent[kind]}", harbor).get_data(as_text=True)
            assert "Afraid of hospitals" not in text and "Uses daily" not in text
            assert shift.clinician.username not in text  # not who made it either
            assert "Jordan Reyes" in text  # whom the person agreed to be referred as
    request = get(api, f"/api/v1/fhir/ServiceRequest/{sent['part2']}", harbor).get_json(force=True)
    assert {"text": PART2_REDISCLOSURE_NOTICE} in request["note"]


def test_part2_referrals_reach_a_partner_only_with_written_consent(db, sent, services_directory):
    organization_id = services_directory["part2"].organization_id
    visible = set(db.session.scalars(partners.visible_to_partner_query(organization_id).with_only_columns(
        Referral.id)))
    assert {str(i) for i in visible} == {sent["mental"], sent["part2"]}
    db.session.execute(update(Referral).where(Referral.id == uuid.UUID(sent["part2"])).values(consent_type="verbal"))
    db.session.commit()
    visible = set(db.session.scalars(partners.visible_to_partner_query(organization_id).with_only_columns(
        Referral.id)))
    assert {str(i) for i in visible} == {sent["mental"]}
    assert not list(db.session.scalars(partners.visible_to_partner_query(uuid.uuid4())))


def test_a_partner_closes_the_loop(api, sent, services_directory, as_partner, shift, db):
    harbor = as_partner(services_directory["mental"].organization)
    for status in ("accepted", "in-progress", "completed"):
        body = fhir(patch(api, sent["mental"], harbor, status), Task)
        assert body["status"] == status
    steps = db.session.scalars(select(ReferralEvent).where(ReferralEvent.referral_id == uuid.UUID(sent["mental"]))
                               .order_by(ReferralEvent.received_at)).all()
    assert [(s.status, s.partner, s.user_id) for s in steps[1:]] == [
        ("accepted", harbor.name, None), ("in_progress", harbor.name, None), ("completed", harbor.name, None)]
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "referral.status")
                               .order_by(AuditEvent.id)).all()
    assert [(a.username, a.user_id, a.details["to"]) for a in audit] == [
        ("partner:Harbor Behavioral Health", None, s) for s in ("accepted", "in_progress", "completed")]
    # The clinicians see the loop closed, in the referral API they already use.
    detail = api.get(f"/api/v1/referrals/{sent['mental']}", user=shift.clinician).get_json()
    assert detail["status"] == "completed" and detail["closed_at"]
    assert [(h["status"], h["user"], h["partner"]) for h in detail["history"]][-1] == ("completed", None, harbor.name)


def test_a_partner_rejects_with_a_reason(api, sent, services_directory, as_partner):
    harbor = as_partner(services_directory["mental"].organization)
    missing = patch(api, sent["mental"], harbor, "rejected")
    assert missing.status_code == 422 and {"reason", "Task.reason"} & error_fields(missing)
    body = fhir(patch(api, sent["mental"], harbor, "rejected", reason="No openings until March"), Task)
    assert body["status"] == "rejected" and body["statusReason"] == {"text": "No openings until March"}


def test_the_referral_rules_hold_for_partners(api, sent, services_directory, as_partner, db):
    harbor = as_partner(services_directory["mental"].organization)
    jump = patch(api, sent["mental"], harbor, "completed")
    assert jump.status_code == 409 and error_code(jump) == "invalid_transition"
    assert patch(api, sent["mental"], harbor, "accepted").status_code == 200
    count = len(db.session.scalars(select(ReferralEvent)).all())
    again = patch(api, sent["mental"], harbor, "accepted")  # a retry: nothing changes
    assert again.status_code == 200 and len(db.session.scalars(select(ReferralEvent)).all()) == count
    for body in ({"status": "on-hold"}, {"status": "accepted", "note": "x"}, {"resourceType": "Patient",
                                                                             "status": "accepted"}):
        response = api.client.patch(f"/api/v1/fhir/Task/{sent['mental']}", json=body, headers=harbor.headers)
        assert response.status_code == 422, body


def test_an_admin_searches_tasks_of_any_organization(api, admin, sent, housing):
    everyone = fhir(api.get("/api/v1/fhir/Task", user=admin), Bundle)
    assert {entry["resource"]["id"] for entry in everyone["entry"]} == set(sent.values())
    rejected = fhir(api.get("/api/v1/fhir/Task?status=rejected", user=admin), Bundle)
    assert [entry["resource"]["id"] for entry in rejected["entry"]] == [sent["declined"]]
    northside = fhir(api.get(f"/api/v1/fhir/Task?owner=Organization/{housing.organization_id}", user=admin), Bundle)
    assert [entry["resource"]["id"] for entry in northside["entry"]] == [sent["housing"]]
    assert api.get("/api/v1/fhir/Task?owner=Organization/x", user=admin).status_code == 422
    assert api.get("/api/v1/fhir/Task?status=ready", user=admin).status_code == 422


def test_partner_updates_need_a_partner(api, admin, sent, shift):
    assert patch(api, sent["mental"], admin, "accepted").status_code == 403
    assert patch(api, sent["mental"], shift.clinician, "accepted").status_code == 403  # staff use the referral API


def test_a_partner_key_reaches_only_the_partner_endpoints(api, sent, services_directory, as_partner):
    harbor = as_partner(services_directory["mental"].organization)
    for path in (f"/api/v1/referrals/{sent['mental']}", "/api/v1/calls", "/api/v1/me", "/api/v1/services"):
        assert api.client.get(path, headers=harbor.headers).status_code == 403, path
    reader = as_partner(services_directory["mental"].organization, actions=("referrals.read",),
                        name="Harbor (read only)")
    assert get(api, f"/api/v1/fhir/Task/{sent['mental']}", reader).status_code == 200
    assert patch(api, sent["mental"], reader, "accepted").status_code == 403  # not allowed to update
    revoked = {"Authorization": "Bearer fa_int_000000000000_nope"}
    assert api.client.get(f"/api/v1/fhir/Task/{sent['mental']}", headers=revoked).status_code == 401
