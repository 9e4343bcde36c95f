"""The service directory: organizations and services (HSDS 3.0 shaped), search, and who may change it."""

import uuid

import pytest
from sqlalchemy import func, select

from fieldapp.audit.models import AuditEvent
from fieldapp.directory.models import Organization, Service


def names(response):
    assert response.status_code == 200, response.get_json()
    return [service["name"] for service in response.get_json()]


# --- creating and changing through the API -------------------------------------------------

def test_admin_creates_an_organization_and_a_service_through_the_api(api, admin, db):
    org = api.post("/api/v1/organizations", {"name": "Hope House", "description": "Crisis care",
                                             "website": "https://hope.example.org"}, user=admin)
    assert org.status_code == 201
    org_id = org.get_json()["id"]
    assert uuid.UUID(org_id) and org.get_json()["website"] == "https://hope.example.org"
    created = api.post("/api/v1/services", {
        "organization_id": org_id, "name": "Mobile Crisis Team", "category": "crisis",
        "eligibility_description": "Adults in the county", "phone": "555-0101", "hours": "24/7",
        "address": "1 Main St", "latitude": 40.7, "longitude": -74.0, "part2_program": False}, user=admin)
    assert created.status_code == 201
    body = created.get_json()
    assert body["status"] == "active" and body["category_label"] == "Crisis stabilization"
    assert body["organization_id"] == org_id and body["organization_name"] == "Hope House"
    assert body["updated_at"] and body["phone"] == "555-0101"
    row = db.session.get(Service, uuid.UUID(body["id"]))
    assert row.name == "Mobile Crisis Team" and row.organization.name == "Hope House" and row.latitude == 40.7
    shown = api.get(f"/api/v1/services/{body['id']}", user=admin).get_json()
    assert shown["name"] == "Mobile Crisis Team" and shown["hours"] == "24/7"
    listed = api.get("/api/v1/organizations", user=admin).get_json()
    assert [o["name"] for o in listed] == ["Hope House"]


def test_creating_a_service_is_audited(api, admin, add_service, db):
    service = add_service("Night Shelter", org="City Mission", category="housing")
    row = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "service.create"))
    assert row.user_id == admin.id and row.object_type == "services" and row.object_id == service["id"]
    assert row.details == {"name": "Night Shelter", "organization": "City Mission", "category": "housing",
                           "status": "active"}
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organization.create")).details == \
        {"name": "City Mission"}


def test_organization_names_are_unique_whatever_their_case(api, admin, add_org, db):
    add_org("Hope House")
    other = add_org("City Mission")
    for name in ("Hope House", "hope house", "  Hope House "):
        again = api.post("/api/v1/organizations", {"name": name}, user=admin)
        assert again.status_code == 409, name
        assert "name" in again.get_json()["error"]["fields"]
    renamed = api.patch(f"/api/v1/organizations/{other['id']}", {"name": "HOPE HOUSE"}, user=admin)
    assert renamed.status_code == 409
    changed = api.patch(f"/api/v1/organizations/{other['id']}", {"website": "https://mission.example.org"},
                        user=admin)
    assert changed.status_code == 200 and changed.get_json()["name"] == "City Mission"
    assert db.session.scalar(select(func.count()).select_from(Organization)) == 2
    assert db.session.scalar(select(Organization.website).where(Organization.name == "City Mission")) == \
        "https://mission.example.org"
    assert api.patch(f"/api/v1/organizations/{uuid.uuid4()}", {"name": "X"}, user=admin).status_code == 404


def test_bad_service_fields_are_named(api, admin, add_org, db):
    org_id = add_org()["id"]
    good = {"organization_id": org_id, "name": "Detox", "category": "substance_use"}
    cases = [({"category": "astrology"}, "category"), ({"status": "open"}, "status"),
             ({"name": "x" * 201}, "name"), ({"name": ""}, "name"), ({"latitude": 91}, "latitude"),
             ({"longitude": -181}, "longitude"), ({"colour": "blue"}, "colour"),
             ({"organization_id": "not-a-uuid"}, "organization_id")]
    for change, field in cases:
        response = api.post("/api/v1/services", {**good, **change}, user=admin)
        assert response.status_code == 422, change
        assert field in response.get_json()["error"]["fields"], (change, response.get_json())
    blank = api.post("/api/v1/services", {**good, "name": "   "}, user=admin)
    assert blank.status_code == 422 and "name" in blank.get_json()["error"]["fields"]
    missing = api.post("/api/v1/services", {"name": "Detox"}, user=admin)
    assert missing.status_code == 422
    assert {"organization_id", "category"} <= set(missing.get_json()["error"]["fields"])
    unknown = api.post("/api/v1/services", {**good, "organization_id": str(uuid.uuid4())}, user=admin)
    assert unknown.status_code == 404
    assert unknown.get_json()["error"]["fields"] == {"organization_id": ["No such organization."]}
    assert db.session.scalar(select(func.count()).select_from(Service)) == 0


def test_patching_a_service_changes_only_what_is_sent(api, admin, add_service, db):
    service = add_service("Mobile Crisis Team", phone="555-0101")
    path = f"/api/v1/services/{service['id']}"
    closed = api.patch(path, {"status": "temporarily closed"}, user=admin)
    assert closed.status_code == 200
    assert closed.get_json()["status"] == "temporarily closed" and closed.get_json()["phone"] == "555-0101"
    row = db.session.get(Service, uuid.UUID(service["id"]))
    assert row.status == "temporarily closed" and row.name == "Mobile Crisis Team" and row.category == "crisis"
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "service.update"))
    assert audit.user_id == admin.id and audit.object_id == service["id"]
    assert audit.details["status"] == {"from": "active", "to": "temporarily closed"}
    assert api.patch(path, {"status": "shut"}, user=admin).get_json()["error"]["fields"].keys() == {"status"}
    assert api.patch(path, {"category": "astrology"}, user=admin).status_code == 422
    nowhere = api.patch(path, {"organization_id": str(uuid.uuid4())}, user=admin)
    assert nowhere.status_code == 404 and "organization_id" in nowhere.get_json()["error"]["fields"]
    other = api.post("/api/v1/organizations", {"name": "City Mission"}, user=admin).get_json()
    moved = api.patch(path, {"organization_id": other["id"], "phone": None}, user=admin)
    assert moved.status_code == 200 and moved.get_json()["organization_name"] == "City Mission"
    assert moved.get_json()["phone"] is None
    assert db.session.get(Service, uuid.UUID(service["id"])).organization.name == "City Mission"
    assert api.patch(f"/api/v1/services/{uuid.uuid4()}", {"status": "active"}, user=admin).status_code == 404
    assert api.get(f"/api/v1/services/{uuid.uuid4()}", user=admin).status_code == 404
    assert db.session.get(Service, uuid.UUID(service["id"])).status == "temporarily closed"


# --- searching -----------------------------------------------------------------------------

@pytest.fixture
def directory(add_service):
    add_service("Mobile Crisis Team", org="Hope House", category="crisis")
    add_service("Food pantry, 100% free", org="Hope House", category="food")
    add_service("Night Shelter", org="City Mission", category="housing", description="Beds for adults")
    add_service("Detox unit", org="County Health", category="substance_use", description="Medically managed")


def test_search_matches_name_description_and_organization_in_any_case(api, admin, directory):
    def search(**query):
        return names(api.get("/api/v1/services", user=admin, query_string=query))

    assert search() == ["Detox unit", "Food pantry, 100% free", "Mobile Crisis Team", "Night Shelter"]
    assert search(q="CRISIS") == ["Mobile Crisis Team"]
    assert search(q="hope HOUSE") == ["Food pantry, 100% free", "Mobile Crisis Team"]
    assert search(q="beds") == ["Night Shelter"]
    assert search(q="hope crisis") == ["Mobile Crisis Team"]
    assert search(category="housing") == ["Night Shelter"]
    assert search(q="hope", category="food") == ["Food pantry, 100% free"]
    assert search(q="shelter", category="food") == []


def test_search_wildcards_are_literal_characters(api, admin, directory):
    def search(q):
        return names(api.get("/api/v1/services", user=admin, query_string={"q": q}))

    assert search("%") == ["Food pantry, 100% free"]
    assert search("100%") == ["Food pantry, 100% free"]
    assert search("_") == []
    assert search("d_tox") == []
    assert search("\\") == []


def test_search_refuses_bad_queries(api, admin, directory):
    long = api.get("/api/v1/services", user=admin, query_string={"q": "x" * 101})
    assert long.status_code == 422 and "q" in long.get_json()["error"]["fields"]
    category = api.get("/api/v1/services", user=admin, query_string={"category": "astrology"})
    assert category.status_code == 422 and "category" in category.get_json()["error"]["fields"]


def test_inactive_services_are_hidden_unless_asked_for(api, admin, add_service):
    add_service("Mobile Crisis Team")
    closed = add_service("Walk-in Crisis Clinic")
    defunct = add_service("Old Crisis Line", status="defunct")
    api.patch(f"/api/v1/services/{closed['id']}", {"status": "temporarily closed"}, user=admin)
    assert names(api.get("/api/v1/services?q=crisis", user=admin)) == ["Mobile Crisis Team"]
    everything = api.get("/api/v1/services?q=crisis&include_inactive=true", user=admin)
    assert names(everything) == ["Mobile Crisis Team", "Old Crisis Line", "Walk-in Crisis Clinic"]
    assert api.get(f"/api/v1/services/{defunct['id']}", user=admin).get_json()["status"] == "defunct"


# --- who may do what -----------------------------------------------------------------------

@pytest.mark.parametrize("role", ["officer", "clinician", "dispatcher"])
def test_other_roles_can_search_but_not_change_the_directory(api, pages, make_user, add_service, role, db):
    service = add_service("Mobile Crisis Team", org="Hope House")
    user = make_user(role)
    assert names(api.get("/api/v1/services?q=crisis", user=user)) == ["Mobile Crisis Team"]
    assert api.get(f"/api/v1/services/{service['id']}", user=user).status_code == 200
    assert [o["name"] for o in api.get("/api/v1/organizations", user=user).get_json()] == ["Hope House"]
    refused = [
        api.post("/api/v1/services", {"organization_id": service["organization_id"], "name": "Mine",
                                      "category": "food"}, user=user),
        api.patch(f"/api/v1/services/{service['id']}", {"status": "defunct"}, user=user),
        api.post("/api/v1/organizations", {"name": "Mine"}, user=user),
        api.patch(f"/api/v1/organizations/{service['organization_id']}", {"name": "Mine"}, user=user),
    ]
    assert [response.status_code for response in refused] == [403] * 4
    browser = pages(user)
    page = browser.get("/directory?q=crisis")
    assert page.status_code == 200 and "Mobile Crisis Team" in page.get_data(as_text=True)
    assert "Add and update services" not in page.get_data(as_text=True)
    assert browser.get("/directory/manage").status_code == 403
    assert browser.post("/directory/organizations", {"name": "Mine"}).status_code == 403
    assert browser.post(f"/directory/services/{service['id']}", {"status": "defunct"}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Service)) == 1
    assert db.session.get(Service, uuid.UUID(service["id"])).status == "active"
    assert db.session.scalar(select(func.count()).select_from(Organization)) == 1


# --- pages ---------------------------------------------------------------------------------

def test_admin_adds_an_organization_and_a_service_on_the_page(pages, admin, db):
    browser = pages(admin)
    page = browser.get("/directory/manage").get_data(as_text=True)
    assert '<label for="org-name">Organization name</label>' in page
    assert "Add an organization first" in page
    added = browser.post("/directory/organizations", {"name": "Hope House", "description": "",
                                                      "website": ""}, follow_redirects=True)
    assert "Added Hope House. Now add its services." in added.get_data(as_text=True)
    org = db.session.scalar(select(Organization).where(Organization.name == "Hope House"))
    assert org.website is None
    created = browser.post("/directory/services", {
        "organization_id": str(org.id), "name": "Mobile Crisis Team", "category": "crisis", "status": "active",
        "eligibility_description": "Adults 18+", "phone": "(555) 010-1000 ext. 2", "hours": "24/7",
        "address": "1 Main St", "latitude": "40.7", "longitude": "", "part2_program": "1"}, follow_redirects=True)
    assert "Added Mobile Crisis Team (Hope House) to the directory." in created.get_data(as_text=True)
    service = db.session.scalar(select(Service))
    assert service.organization_id == org.id and service.latitude == 40.7 and service.longitude is None
    assert service.part2_program is True and service.phone == "(555) 010-1000 ext. 2"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "service.create")).user_id == admin.id
    card = browser.get("/directory?q=mobile").get_data(as_text=True)
    assert "Mobile Crisis Team" in card and "Hope House" in card and "Crisis stabilization" in card
    assert "Adults 18+" in card and "24/7" in card and "1 Main St" in card
    assert 'href="tel:5550101000,2"' in card and "Call (555) 010-1000 ext. 2" in card


def test_manage_page_shows_errors_beside_fields_and_keeps_what_was_typed(pages, admin, add_org, db):
    org_id = add_org("Hope House")["id"]
    browser = pages(admin)
    rejected = browser.post("/directory/services", {
        "organization_id": org_id, "name": "Walk-in Clinic", "category": "", "status": "active",
        "hours": "Mon-Fri 9-5", "latitude": "north", "longitude": "-74"})
    assert rejected.status_code == 422
    page = rejected.get_data(as_text=True)
    assert '<p class="field-error" id="svc-category-error">Choose a category.</p>' in page
    assert 'id="svc-latitude-error">Not a valid number.' in page
    assert 'value="Walk-in Clinic"' in page and 'value="Mon-Fri 9-5"' in page and 'value="north"' in page
    assert f'<option value="{org_id}" selected>' in page
    unknown = browser.post("/directory/services", {"organization_id": str(uuid.uuid4()), "name": "X",
                                                   "category": "food"})
    assert unknown.status_code == 404 and "No such organization." in unknown.get_data(as_text=True)
    duplicate = browser.post("/directory/organizations", {"name": "hope house", "website": "hope.example"})
    assert duplicate.status_code == 422
    assert "Enter a web address starting with https://" in duplicate.get_data(as_text=True)
    duplicate = browser.post("/directory/organizations", {"name": "hope house"})
    assert duplicate.status_code == 409
    assert "An organization with this name is already in the directory." in duplicate.get_data(as_text=True)
    assert 'value="hope house"' in duplicate.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Service)) == 0
    assert db.session.scalar(select(func.count()).select_from(Organization)) == 1


def test_admin_changes_a_service_status_on_the_page(pages, admin, add_service, make_user, db):
    service = add_service("Mobile Crisis Team")
    browser = pages(admin)
    closed = browser.post(f"/directory/services/{service['id']}", {"status": "temporarily closed"},
                          follow_redirects=True)
    assert "Mobile Crisis Team is now temporarily closed." in closed.get_data(as_text=True)
    assert db.session.get(Service, uuid.UUID(service["id"])).status == "temporarily closed"
    bad = browser.post(f"/directory/services/{service['id']}", {"status": "gone"}, follow_redirects=True)
    assert "Choose a status for Mobile Crisis Team." in bad.get_data(as_text=True)
    officer = pages(make_user("officer"))
    hidden = officer.get("/directory?q=crisis").get_data(as_text=True)
    assert "Mobile Crisis Team" not in hidden and "No services match “crisis”" in hidden
    shown = officer.get("/directory?q=crisis&include_inactive=1").get_data(as_text=True)
    assert "Mobile Crisis Team" in shown and '<span class="status">Temporarily closed</span>' in shown
    assert browser.post(f"/directory/services/{uuid.uuid4()}", {"status": "active"}).status_code == 404


def test_directory_page_searches_and_explains_empty_results(pages, make_user, admin, add_service):
    officer = pages(make_user("officer"))
    empty = officer.get("/directory").get_data(as_text=True)
    assert '<label for="q">Search services</label>' in empty and '<label for="category">Category</label>' in empty
    assert "The directory has no services yet." in empty and "Ask an administrator" in empty
    admin_page = pages(admin).get("/directory").get_data(as_text=True)
    assert "Add the first organization and its services" in admin_page
    add_service("Mobile Crisis Team", org="Hope House")
    add_service("Night Shelter", org="City Mission", category="housing")
    everything = officer.get("/directory").get_data(as_text=True)
    assert "Mobile Crisis Team" in everything and "Night Shelter" in everything
    by_org = officer.get("/directory?q=city+MISSION").get_data(as_text=True)
    assert "Night Shelter" in by_org and "Mobile Crisis Team" not in by_org
    by_category = officer.get("/directory?category=housing").get_data(as_text=True)
    assert "Night Shelter" in by_category and "Mobile Crisis Team" not in by_category
    nothing = officer.get("/directory?q=50%25+off&category=legal").get_data(as_text=True)
    assert "No services match “50% off” in Legal aid." in nothing
    too_long = officer.get("/directory?q=" + "x" * 101)
    assert too_long.status_code == 422 and 'class="field-error" id="q-error"' in too_long.get_data(as_text=True)
