"""An admin edits every field of a directory service on a page (issue 9), checked like an added one,
audited, with errors beside the fields and nothing changed on a refusal."""

import uuid
from html import unescape

from sqlalchemy import select

from fieldapp.audit.models import AuditEvent
from fieldapp.directory.models import Service


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def fields_of(service, **changes):
    form = {"organization_id": service["organization_id"], "name": service["name"], "category": "crisis",
            "status": "active", "description": "", "eligibility_description": "", "phone": "", "hours": "",
            "address": "", "latitude": "", "longitude": ""}
    return {**form, **changes}


def test_admin_edits_every_field_of_a_service(pages, admin, add_service, add_org, db):  # noqa: F811
    service = add_service("Mobile Crisis Team", phone="555-0100")
    other_org = add_org("Harbor Behavioral Health")
    browser = pages(admin)
    manage = text(browser.get("/directory/manage"))
    assert f'href="/directory/services/{service["id"]}/edit">Edit Mobile Crisis Team</a>' in manage
    form = text(browser.get(f"/directory/services/{service['id']}/edit"))
    assert "<h1>Edit Mobile Crisis Team</h1>" in form and 'value="555-0100"' in form
    assert '<label for="svc-hours">Hours (optional)</label>' in form

    saved = browser.post(f"/directory/services/{service['id']}/edit", fields_of(
        service, organization_id=other_org["id"], name="Mobile Crisis Team North", category="mental_health",
        status="temporarily closed", description="Clinicians by car, 20 minutes.",
        eligibility_description="Adults 18+ in the north district", phone="555-0111 ext. 4",
        hours="Mon–Fri 8:00–20:00", address="9 Harbor Rd", latitude="40.71", longitude="-74.01",
        part2_program="1"), follow_redirects=True)
    assert saved.status_code == 200
    assert ("Saved Mobile Crisis Team North: changed organization, name, category, status, what it offers, "
            "who it serves, phone, hours, address, latitude, longitude, 42 CFR Part 2.") in text(saved)
    row = db.session.get(Service, uuid.UUID(service["id"]))
    db.session.refresh(row)
    assert (row.organization.name, row.name, row.category, row.status) == (
        "Harbor Behavioral Health", "Mobile Crisis Team North", "mental_health", "temporarily closed")
    assert (row.description, row.eligibility_description, row.phone, row.hours, row.address) == (
        "Clinicians by car, 20 minutes.", "Adults 18+ in the north district", "555-0111 ext. 4",
        "Mon–Fri 8:00–20:00", "9 Harbor Rd")
    assert (row.latitude, row.longitude, row.part2_program) == (40.71, -74.01, True)
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "service.update"))
    assert audit.user_id == admin.id and audit.object_id == service["id"]
    assert set(audit.details["fields"]) >= {"name", "organization_id", "phone", "hours", "address"}

    cleared = browser.post(f"/directory/services/{service['id']}/edit", fields_of(
        service, organization_id=other_org["id"], name="Mobile Crisis Team North", category="mental_health",
        status="active"), follow_redirects=True)
    assert "changed status, what it offers, who it serves, phone, hours, address, latitude, longitude" in text(cleared)
    db.session.refresh(row)
    assert row.phone is None and row.hours is None and row.latitude is None and row.part2_program is False
    again = browser.post(f"/directory/services/{service['id']}/edit", fields_of(
        service, organization_id=other_org["id"], name="Mobile Crisis Team North", category="mental_health"),
        follow_redirects=True)
    assert "Nothing to save: Mobile Crisis Team North was already like this." in text(again)


def test_a_refused_edit_names_the_fields_keeps_the_typing_and_changes_nothing(
        pages, admin, add_service, db):  # noqa: F811
    service = add_service("Mobile Crisis Team", hours="24/7")
    add_service("Walk-in Clinic")
    browser = pages(admin)
    refused = browser.post(f"/directory/services/{service['id']}/edit", fields_of(
        service, name="", category="nonsense", latitude="north", longitude="200", hours="x" * 201))
    page = text(refused)
    assert refused.status_code == 422
    for field in ("name", "category", "latitude", "longitude", "hours"):
        assert f'id="svc-{field}-error"' in page, field
    assert "A longitude is from -180 to 180." in page and 'value="north"' in page
    unknown_org = browser.post(f"/directory/services/{service['id']}/edit",
                               fields_of(service, organization_id=str(uuid.uuid4())))
    assert unknown_org.status_code == 404 and "No such organization." in text(unknown_org)
    row = db.session.get(Service, uuid.UUID(service["id"]))
    db.session.refresh(row)
    assert row.name == "Mobile Crisis Team" and row.hours == "24/7" and row.latitude is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "service.update")) is None
    assert browser.get(f"/directory/services/{uuid.uuid4()}/edit").status_code == 404


def test_only_admins_edit_services(pages, make_user, add_service):  # noqa: F811
    service = add_service()
    for role in ("clinician", "dispatcher", "officer", "program_manager"):
        browser = pages(make_user(role))
        assert browser.get(f"/directory/services/{service['id']}/edit").status_code == 403
        assert browser.post(f"/directory/services/{service['id']}/edit", fields_of(service)).status_code == 403


def test_admin_edits_an_organization_and_its_name_stays_unique(pages, admin, add_org, db):  # noqa: F811
    from fieldapp.directory.models import Organization
    org = add_org("Hope House")
    add_org("Harbor Behavioral Health")
    browser = pages(admin)
    manage = text(browser.get("/directory/manage"))
    assert f'href="/directory/organizations/{org["id"]}/edit">Edit Hope House</a>' in manage
    saved = browser.post(f"/directory/organizations/{org['id']}/edit", {
        "name": "Hope House Shelter", "description": "Beds and meals.", "website": "https://hope.example.org"},
        follow_redirects=True)
    assert "Saved Hope House Shelter." in text(saved)
    row = db.session.get(Organization, uuid.UUID(org["id"]))
    db.session.refresh(row)
    assert (row.name, row.description, row.website) == ("Hope House Shelter", "Beds and meals.",
                                                         "https://hope.example.org")
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organization.update"))
    assert audit.user_id == admin.id and set(audit.details["fields"]) == {"name", "description", "website"}
    taken = browser.post(f"/directory/organizations/{org['id']}/edit", {"name": "harbor behavioral health"})
    assert taken.status_code == 409
    assert "An organization with this name is already in the directory." in text(taken)
    bad = browser.post(f"/directory/organizations/{org['id']}/edit", {"name": "X", "website": "hope.example"})
    assert bad.status_code == 422 and 'id="org-website-error"' in text(bad)
    db.session.refresh(row)
    assert row.name == "Hope House Shelter" and row.website == "https://hope.example.org"
